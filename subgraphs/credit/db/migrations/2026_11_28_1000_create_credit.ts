import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.

export async function up(db: Kysely<any>): Promise<void> {
  // VBSP loan programmes as data: rates, limits and who may borrow (reference rows come in the
  // next migration). Rates are percent per year, kept exact as numeric.
  await db.schema
    .createTable('loan_programme')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('eligibility', 'text', (c) =>
      c.notNull().check(sql`eligibility IN ('poor', 'near_poor', 'newly_escaped', 'any_registered')`),
    )
    .addColumn('annual_rate_percent', 'numeric(5, 2)', (c) => c.notNull().check(sql`annual_rate_percent >= 0`))
    .addColumn('priority_rate_percent', 'numeric(5, 2)', (c) => c.check(sql`priority_rate_percent >= 0`))
    .addColumn('max_amount', 'bigint', (c) => c.notNull().check(sql`max_amount > 0`))
    .addColumn('max_term_months', 'integer', (c) => c.notNull().check(sql`max_term_months > 0`))
    .addColumn('grace_months', 'integer', (c) => c.check(sql`grace_months >= 0`))
    .addColumn('records_jobs', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('loan')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    // The registry's household; identity is checked against the registry before the insert.
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    // The registry's commune of the household, copied at disbursement (kept if the family moves).
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('programme_code', 'text', (c) => c.notNull().references('loan_programme.code'))
    .addColumn('principal', 'bigint', (c) => c.notNull().check(sql`principal > 0`))
    .addColumn('disbursed_on', 'date', (c) => c.notNull())
    .addColumn('term_months', 'integer', (c) => c.notNull().check(sql`term_months > 0`))
    // The rate applied, copied from the programme at disbursement: programme rates change later.
    .addColumn('annual_rate_percent', 'numeric(5, 2)', (c) => c.notNull())
    .addColumn('priority_rate', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('mass_organisation', 'text', (c) =>
      c.notNull().check(sql`mass_organisation IN ('womens_union', 'farmers_association', 'veterans_association', 'youth_union')`),
    )
    .addColumn('savings_group', 'text', (c) => c.notNull())
    .addColumn('jobs_created', 'integer', (c) => c.notNull().defaultTo(0).check(sql`jobs_created >= 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('current', 'overdue', 'repaid', 'written_off')`))
    // From this date the balance no longer counts as outstanding.
    .addColumn('written_off_on', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('loan_written_off', sql`(status = 'written_off') = (written_off_on IS NOT NULL)`)
    .execute();
  await db.schema.createIndex('loan_household_idx').on('loan').columns(['household_id', 'disbursed_on', 'id']).execute();
  // Commune dashboards: disbursements of a period, per commune and programme.
  await db.schema
    .createIndex('loan_disbursed_commune_idx')
    .on('loan')
    .columns(['disbursed_on', 'commune_code', 'programme_code'])
    .execute();
  await db.schema.createIndex('loan_commune_disbursed_idx').on('loan').columns(['commune_code', 'disbursed_on']).execute();

  await db.schema
    .createTable('loan_repayment')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('loan_id', 'bigint', (c) => c.notNull().references('loan.id'))
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('principal', 'bigint', (c) => c.notNull().check(sql`principal >= 0`))
    .addColumn('interest', 'bigint', (c) => c.notNull().check(sql`interest >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('loan_repayment_pays_something', sql`principal + interest > 0`)
    .execute();
  await db.schema.createIndex('loan_repayment_loan_idx').on('loan_repayment').columns(['loan_id', 'paid_on', 'id']).execute();
  // Outstanding as of a date: principal repaid on or before it, per loan.
  await db.schema.createIndex('loan_repayment_paid_idx').on('loan_repayment').columns(['paid_on', 'loan_id']).execute();

  // Capital the city budget entrusts to the bank for lending, by year.
  await db.schema
    .createTable('capital_entrusted')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('source_note', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('capital_entrusted_year_idx').on('capital_entrusted').columns(['year', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['capital_entrusted', 'loan_repayment', 'loan', 'loan_programme']) {
    await db.schema.dropTable(table).execute();
  }
}
