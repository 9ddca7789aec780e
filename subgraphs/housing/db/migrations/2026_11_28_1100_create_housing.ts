import { sql, type Kysely } from 'kysely';

// Frozen in time: no imports from app code. A later change is a later migration.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('housing_case')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    // The registry owns households and communes; no foreign key crosses schemas.
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('new_house', 'renovation')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('approved', 'building', 'completed', 'cancelled')`))
    .addColumn('approval_date', 'date', (c) => c.notNull())
    .addColumn('start_date', 'date')
    .addColumn('completion_date', 'date')
    .addColumn('cancellation_date', 'date')
    .addColumn('cancellation_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The dates follow the state machine: a start only once building, a completion only when completed.
    .addCheckConstraint(
      'housing_case_status_dates',
      sql`(status = 'approved' AND start_date IS NULL AND completion_date IS NULL AND cancellation_date IS NULL)
        OR (status = 'building' AND start_date IS NOT NULL AND completion_date IS NULL AND cancellation_date IS NULL)
        OR (status = 'completed' AND start_date IS NOT NULL AND completion_date IS NOT NULL AND cancellation_date IS NULL)
        OR (status = 'cancelled' AND completion_date IS NULL AND cancellation_date IS NOT NULL)`,
    )
    .addCheckConstraint('housing_case_start_after_approval', sql`start_date IS NULL OR start_date >= approval_date`)
    .addCheckConstraint('housing_case_completion_after_start', sql`completion_date IS NULL OR completion_date >= start_date`)
    .addCheckConstraint('housing_case_cancellation_after_approval', sql`cancellation_date IS NULL OR cancellation_date >= approval_date`)
    .execute();
  await db.schema.createIndex('housing_case_household_idx').on('housing_case').columns(['household_id', 'approval_date', 'id']).execute();
  // The dashboard periods: cases approved per commune and period, houses completed per commune and period.
  await db.schema.createIndex('housing_case_approval_idx').on('housing_case').columns(['approval_date', 'commune_code']).execute();
  await db.schema
    .createIndex('housing_case_completion_idx')
    .on('housing_case')
    .columns(['completion_date', 'commune_code'])
    .where(sql.ref('status'), '=', 'completed')
    .execute();

  await db.schema
    .createTable('housing_funding_line')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('housing_case.id'))
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source IN ('city_budget', 'fund_for_the_poor', 'social_mobilisation', 'vbsp_housing_loan')`),
    )
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('committed_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('housing_funding_line_case_idx').on('housing_funding_line').columns(['case_id', 'id']).execute();
  // Funding committed per period and source; "houses completed with the Fund" looks lines up by case and source.
  await db.schema
    .createIndex('housing_funding_line_committed_idx')
    .on('housing_funding_line')
    .columns(['committed_on', 'source'])
    .execute();
  await db.schema
    .createIndex('housing_funding_line_fund_case_idx')
    .on('housing_funding_line')
    .column('case_id')
    .where(sql.ref('source'), '=', 'fund_for_the_poor')
    .execute();

  await db.schema
    .createTable('fund_contribution')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('donor_kind', 'text', (c) =>
      c.notNull().check(sql`donor_kind IN ('enterprise', 'individual', 'organisation', 'public_servants')`),
    )
    .addColumn('donor_name', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('contribution_date', 'date', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Money mobilised per period (city), and per commune and period.
  await db.schema
    .createIndex('fund_contribution_date_idx')
    .on('fund_contribution')
    .columns(['contribution_date', 'donor_kind'])
    .execute();
  await db.schema
    .createIndex('fund_contribution_commune_idx')
    .on('fund_contribution')
    .columns(['commune_code', 'contribution_date'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['fund_contribution', 'housing_funding_line', 'housing_case']) {
    await db.schema.dropTable(table).execute();
  }
}
