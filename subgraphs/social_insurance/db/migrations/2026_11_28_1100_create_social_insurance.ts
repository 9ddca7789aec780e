import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.
//
// Every record keeps the registry's ids (member and/or household) and the household's commune
// as the registry gave it when the record was written: figures per commune are then one
// GROUP BY here, without asking the registry, and stay as they were if the family moves.

export async function up(db: Kysely<any>): Promise<void> {
  // Health-insurance cards whose premium the budget pays in full or in part.
  await db.schema
    .createTable('health_insurance_support')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date', (c) => c.notNull())
    .addColumn('support_group', 'text', (c) =>
      c.notNull().check(sql`support_group IN ('poor', 'near_poor', 'middle_income_agriculture')`),
    )
    .addColumn('budget_share_percent', sql`numeric(5, 2)`, (c) =>
      c.notNull().check(sql`budget_share_percent > 0 AND budget_share_percent <= 100`),
    )
    .addColumn('budget_amount', 'bigint', (c) => c.notNull().check(sql`budget_amount >= 0`))
    .addColumn('granted_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('health_insurance_support_validity', sql`valid_from <= valid_to`)
    .execute();
  // One supported card per person and budget year: a second one would pay the premium twice.
  await db.schema
    .createIndex('health_insurance_support_member_year_key')
    .on('health_insurance_support')
    .columns(['member_id', 'year'])
    .unique()
    .execute();
  await db.schema
    .createIndex('health_insurance_support_household_idx')
    .on('health_insurance_support')
    .columns(['household_id', 'valid_from'])
    .execute();
  // Coverage on a date: cards of these members valid on that date.
  await db.schema
    .createIndex('health_insurance_support_member_validity_idx')
    .on('health_insurance_support')
    .columns(['member_id', 'valid_from', 'valid_to'])
    .execute();
  // Figures: people with a card valid in the period, budget by grant date, per commune.
  await db.schema
    .createIndex('health_insurance_support_commune_validity_idx')
    .on('health_insurance_support')
    .columns(['commune_code', 'valid_from', 'valid_to'])
    .execute();
  await db.schema
    .createIndex('health_insurance_support_commune_granted_idx')
    .on('health_insurance_support')
    .columns(['commune_code', 'granted_on'])
    .execute();

  // Support for voluntary social-insurance contributions (Resolution 03/2022/NQ-HĐND).
  await db.schema
    .createTable('voluntary_insurance_support')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('months', 'integer', (c) => c.notNull().check(sql`months > 0`))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('voluntary_insurance_support_household_idx').on('voluntary_insurance_support').column('household_id').execute();
  await db.schema
    .createIndex('voluntary_insurance_support_commune_paid_idx')
    .on('voluntary_insurance_support')
    .columns(['commune_code', 'paid_on'])
    .execute();

  // Tuition exemption or reduction and study-cost support for a pupil.
  await db.schema
    .createTable('tuition_support')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull().check(sql`school_year ~ '^[0-9]{4}-[0-9]{4}$'`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('tuition_exemption', 'tuition_reduction', 'study_cost')`))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('granted_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('tuition_support_household_idx').on('tuition_support').column('household_id').execute();
  await db.schema.createIndex('tuition_support_commune_granted_idx').on('tuition_support').columns(['commune_code', 'granted_on']).execute();

  // Electricity bill subsidy for a household over a span of months.
  await db.schema
    .createTable('electricity_subsidy')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('period_from', 'date', (c) => c.notNull())
    .addColumn('period_to', 'date', (c) => c.notNull())
    .addColumn('months', 'integer', (c) => c.notNull().check(sql`months > 0`))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('electricity_subsidy_period', sql`period_from <= period_to`)
    .execute();
  await db.schema.createIndex('electricity_subsidy_household_idx').on('electricity_subsidy').column('household_id').execute();
  await db.schema.createIndex('electricity_subsidy_commune_paid_idx').on('electricity_subsidy').columns(['commune_code', 'paid_on']).execute();

  // Monthly social allowance (standards of Resolution 09/2021/NQ-HĐND); end_date null = ongoing.
  await db.schema
    .createTable('social_allowance')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('category', 'text', (c) =>
      c.notNull().check(sql`category IN ('elderly', 'disability', 'orphan', 'single_parent_poor', 'other')`),
    )
    .addColumn('monthly_amount', 'bigint', (c) => c.notNull().check(sql`monthly_amount >= 0`))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('social_allowance_period', sql`end_date IS NULL OR start_date <= end_date`)
    .execute();
  await db.schema.createIndex('social_allowance_household_idx').on('social_allowance').column('household_id').execute();
  await db.schema
    .createIndex('social_allowance_commune_period_idx')
    .on('social_allowance')
    .columns(['commune_code', 'start_date', 'end_date'])
    .execute();

  // Emergency relief after a natural disaster, a fire or another incident.
  await db.schema
    .createTable('emergency_relief')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('event_kind', 'text', (c) => c.notNull().check(sql`event_kind IN ('natural_disaster', 'fire', 'other_incident')`))
    .addColumn('event_date', 'date', (c) => c.notNull())
    .addColumn('relief_date', 'date', (c) => c.notNull())
    .addColumn('cash_amount', 'bigint', (c) => c.notNull().check(sql`cash_amount >= 0`))
    .addColumn('in_kind_description', 'text')
    .addColumn('in_kind_value', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`in_kind_value >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('emergency_relief_dates', sql`event_date <= relief_date`)
    .execute();
  await db.schema.createIndex('emergency_relief_household_idx').on('emergency_relief').column('household_id').execute();
  await db.schema.createIndex('emergency_relief_commune_date_idx').on('emergency_relief').columns(['commune_code', 'relief_date']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'emergency_relief',
    'social_allowance',
    'electricity_subsidy',
    'tuition_support',
    'voluntary_insurance_support',
    'health_insurance_support',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
