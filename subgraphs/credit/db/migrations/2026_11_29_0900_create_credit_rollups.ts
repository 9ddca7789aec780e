import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. It creates the tables only.
// It used to fill them too, with a copy in SQL of the rules of creditRollups (balance.ts);
// that copy is gone (issue 16: a rule lives in one place). On a database where this ran, the
// rollups were already filled; on a new one the tables are empty when it runs, and the one
// rollup mechanism (platform/rollups.ts) rebuilds a set whose rules' version was never
// recorded, from the records, at the next start (subgraphs/credit/rollups.ts declares them).
//
// Rollups of the figures the dashboards ask for, so that an area's figures are sums over a few
// rollup rows instead of a pass over every loan and repayment:
//
// - credit_rollup: per area (commune, or '' for every commune; programme, or '' for every
//   programme) and per calendar year, month and day (`grain`; `period_start` is its first day),
//   what happened on those days: principal disbursed, loans, jobs, the change of the principal
//   outstanding, loans whose balance closed, and households that started or stopped borrowing
//   or holding a balance in the area. A figure over any period (or up to any date) sums at
//   most five runs of rows: whole years, whole months, single days.
// - credit_household_gap: per household and area, the days between two of its borrowing days
//   on which it borrowed nothing ('borrowing'), and the days between two spells with a balance
//   on which it owed nothing ('balance'). Distinct households over a period are then exact:
//   those that started by its end, less those that had stopped by its start, less those in a
//   gap covering it (GiST containment). One row stands for every kind of area (`areas` bits: 1
//   commune and programme, 2 commune, 4 programme, 8 city) in which the household's loans are
//   the same, so a household with one commune and one programme has one row per gap.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('credit_rollup')
    .addColumn('grain', 'text', (c) => c.notNull().check(sql`grain IN ('year', 'month', 'day')`))
    .addColumn('period_start', 'date', (c) => c.notNull())
    // '' stands for every commune (the city) or every programme: a primary key has no NULLs.
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('programme_code', 'text', (c) => c.notNull())
    .addColumn('amount_disbursed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('loans_disbursed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('jobs_created', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance_change', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('loans_closed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('borrowers_started', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('borrowers_stopped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance_holders_started', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance_holders_stopped', 'bigint', (c) => c.notNull().defaultTo(0))
    // Figures read runs of (grain, period_start) for every area at once.
    .addPrimaryKeyConstraint('credit_rollup_pkey', ['grain', 'period_start', 'commune_code', 'programme_code'])
    .execute();

  await db.schema
    .createTable('credit_household_gap')
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull().check(sql`measure IN ('borrowing', 'balance')`))
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('programme_code', 'text', (c) => c.notNull())
    .addColumn('areas', 'int2', (c) => c.notNull().check(sql`areas BETWEEN 1 AND 15`))
    // [first day without, first day with again).
    .addColumn('gap', sql`daterange`, (c) => c.notNull().check(sql`NOT isempty(gap)`))
    .execute();

  // A household's gaps are rewritten whenever its loans change.
  await db.schema.createIndex('credit_household_gap_household_idx').on('credit_household_gap').column('household_id').execute();
  // Gaps that cover a whole period (or contain a date).
  await sql`CREATE INDEX credit_household_gap_borrowing_idx ON credit_household_gap USING gist (gap) WHERE measure = 'borrowing'`.execute(db);
  await sql`CREATE INDEX credit_household_gap_balance_idx ON credit_household_gap USING gist (gap) WHERE measure = 'balance'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('credit_household_gap').execute();
  await db.schema.dropTable('credit_rollup').execute();
}
