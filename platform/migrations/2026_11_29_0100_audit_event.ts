import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. Every subgraph registers it
// in its own migrations, so each one keeps its own audit trail in its own schema.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The token's subject, or "public" for a request without one.
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('roles', sql`text[]`, (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action IN ('write', 'read_personal')`))
    // The GraphQL operation name the client gave, when it gave one.
    .addColumn('operation', 'text')
    // Mutation fields written, or the personal fields read ("HouseholdMember.fullName").
    .addColumn('fields', sql`text[]`, (c) => c.notNull())
    .addColumn('household_ids', sql`bigint[]`, (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
  await db.schema.createIndex('audit_event_occurred_idx').on('audit_event').columns(['occurred_at', 'id']).execute();
  // "Who looked at this household": the question an administrator asks most.
  await sql`CREATE INDEX audit_event_household_idx ON audit_event USING gin (household_ids)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_event').execute();
}
