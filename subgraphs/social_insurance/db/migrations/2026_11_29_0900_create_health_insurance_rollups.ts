import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. It creates the tables only.
// It used to fill them too, with a copy in SQL of the rules of healthInsuranceRollups (coverage.ts);
// that copy is gone (issue 16: a rule lives in one place). On a database where this ran, the
// rollups were already filled; on a new one the tables are empty when it runs, and the one
// rollup mechanism (platform/rollups.ts) rebuilds a set whose rules' version was never
// recorded, from the records, at the next start (subgraphs/social_insurance/rollups.ts declares them).
//
// Rollups of the health-insurance figures, so that an area's people and budget over a period
// are sums over a few rows instead of a distinct count over every card:
//
// - health_insurance_rollup: per area (commune, or '' for every commune; support group, or ''
//   for every group) and per calendar year, month and day (`grain`; `period_start` is its first
//   day): the budget of the cards granted, the people whose cover there began, and the people
//   whose cover there ended for good (on the day after their last valid day).
// - health_insurance_gap: per person and area, the days between two spells of cover (cards
//   merged where they overlap or touch). People with a card valid on a day of [from, to] are
//   those started by `to`, less those stopped by `from`, less those in a gap covering [from, to]
//   (GiST containment). One row stands for every kind of area (`areas` bits: 1 commune and
//   group, 2 commune, 4 group, 8 city) in which the person's cards are the same.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('health_insurance_rollup')
    .addColumn('grain', 'text', (c) => c.notNull().check(sql`grain IN ('year', 'month', 'day')`))
    .addColumn('period_start', 'date', (c) => c.notNull())
    // '' stands for every commune (the city) or every group: a primary key has no NULLs.
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('support_group', 'text', (c) => c.notNull())
    .addColumn('budget', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('people_started', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('people_stopped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('health_insurance_rollup_pkey', ['grain', 'period_start', 'commune_code', 'support_group'])
    .execute();

  await db.schema
    .createTable('health_insurance_gap')
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('support_group', 'text', (c) => c.notNull())
    .addColumn('areas', 'int2', (c) => c.notNull().check(sql`areas BETWEEN 1 AND 15`))
    // [first day without cover, first day with cover again).
    .addColumn('gap', sql`daterange`, (c) => c.notNull().check(sql`NOT isempty(gap)`))
    .execute();

  // A person's gaps are rewritten whenever they are granted a card.
  await db.schema.createIndex('health_insurance_gap_member_idx').on('health_insurance_gap').column('member_id').execute();
  // Gaps that cover a whole period.
  await sql`CREATE INDEX health_insurance_gap_gap_idx ON health_insurance_gap USING gist (gap)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('health_insurance_gap').execute();
  await db.schema.dropTable('health_insurance_rollup').execute();
}
