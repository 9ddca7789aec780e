import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.
//
// Figure leases (platform/kept.ts, leaseVersionSum). A gateway that keeps whole answers asks each
// subgraph for its figure version sum; with a lease, the subgraph promises that the sum it gave
// stays current for the lease's length, and the gateway serves kept answers without asking again
// until then. The promise is kept here, in the subgraph's own database, so that every write path
// (a mutation in any process of the subgraph, a repair script, psql) keeps it:
//
// - `figure_lease` holds one row: the end of the latest lease granted (`until`, the database's
//   clock). A grant (`grant_figure_lease`, one statement for the caller) locks the row (SKIP
//   LOCKED: a grant never waits; without the row it grants nothing), moves `until` forward, and
//   only then reads the version sum, in a later statement of the function, which being VOLATILE
//   takes a snapshot of its own for each statement: one taken after it held the row.
// - A transaction that moves a figure version (any row of figure_version inserted or updated)
//   runs `wait_for_figure_leases` when it commits (a deferred constraint trigger): it locks the
//   same row and sleeps until `until` has passed. So no change to a figure commits while a lease
//   given before it still runs, and a grant that comes while the change commits waits for no one
//   and leases nothing. The lock is the last one the transaction takes (at commit), so it adds
//   no deadlock between two writers.
//
// A writer at REPEATABLE READ or SERIALIZABLE isolation whose snapshot predates a grant gets a
// serialization failure (40001) from the row lock and is retried (platform/writes.ts): it fails
// rather than commit under a lease it did not see. Every writer here runs at READ COMMITTED.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE figure_lease (id int PRIMARY KEY CHECK (id = 1), until timestamptz NOT NULL)`.execute(db);
  await sql`INSERT INTO figure_lease (id, until) VALUES (1, '-infinity')`.execute(db);
  // Once per transaction (figures.lease_waited, local to it): the first version row moved waits,
  // the others find the lease row already held and the lease already over.
  await sql`
    CREATE FUNCTION wait_for_figure_leases() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      lease_end timestamptz;
    BEGIN
      IF current_setting('figures.lease_waited', true) = 'yes' THEN
        RETURN NULL;
      END IF;
      EXECUTE format('SELECT until FROM %I.figure_lease WHERE id = 1 FOR UPDATE', TG_TABLE_SCHEMA) INTO lease_end;
      WHILE lease_end IS NOT NULL AND lease_end > clock_timestamp() LOOP
        PERFORM pg_sleep(extract(epoch FROM lease_end - clock_timestamp()));
      END LOOP;
      PERFORM set_config('figures.lease_waited', 'yes', true);
      RETURN NULL;
    END $$`.execute(db);
  // The lease is not made durable (synchronous_commit off, for its own transaction only): a
  // database that crashed takes longer to come back than any lease lasts.
  await sql`
    CREATE FUNCTION grant_figure_lease(lease_ms int, OUT version_sum int8, OUT leased boolean) VOLATILE LANGUAGE plpgsql AS $$
    BEGIN
      leased := false;
      IF lease_ms > 0 THEN
        PERFORM set_config('synchronous_commit', 'off', true);
        UPDATE figure_lease SET until = greatest(until, clock_timestamp() + make_interval(secs => lease_ms / 1000.0))
          WHERE id = (SELECT id FROM figure_lease WHERE id = 1 FOR UPDATE SKIP LOCKED);
        leased := FOUND;
      END IF;
      SELECT coalesce(sum(version), 0) INTO version_sum FROM figure_version;
    END $$`.execute(db);
  await sql`
    CREATE CONSTRAINT TRIGGER figure_version_waits_for_leases AFTER INSERT OR UPDATE ON figure_version
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wait_for_figure_leases()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER figure_version_waits_for_leases ON figure_version`.execute(db);
  await sql`DROP FUNCTION wait_for_figure_leases()`.execute(db);
  await sql`DROP FUNCTION grant_figure_lease(int)`.execute(db);
  await sql`DROP TABLE figure_lease`.execute(db);
}
