import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.
//
// Every record carries the commune it counts for (the registry's commune of the worker's
// household when it was recorded, or the fair's commune), so that the per-commune, per-year
// figures are one GROUP BY over this schema's own tables.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_fair')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('held_on', 'date', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('employers', 'integer', (c) => c.notNull().check(sql`employers >= 0`))
    .addColumn('participants', 'integer', (c) => c.notNull().check(sql`participants >= 0`))
    .addColumn('hires', 'integer', (c) => c.notNull().check(sql`hires >= 0`))
    .addColumn('hires_abroad', 'integer', (c) => c.notNull().check(sql`hires_abroad >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('job_fair_hires_within_participants', sql`hires <= participants`)
    .addCheckConstraint('job_fair_abroad_within_hires', sql`hires_abroad <= hires`)
    .execute();
  // One commune's fairs by period, and every commune's fairs of a period.
  await db.schema.createIndex('job_fair_commune_held_idx').on('job_fair').columns(['commune_code', 'held_on']).execute();
  await db.schema.createIndex('job_fair_held_idx').on('job_fair').columns(['held_on', 'commune_code']).execute();

  await db.schema
    .createTable('job_placement')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    // Classification in force on the placement date (registry review of the previous year); null when none.
    .addColumn('household_classification', 'text', (c) =>
      c.check(sql`household_classification IN ('poor', 'near_poor', 'middle_income', 'above_middle_income')`),
    )
    .addColumn('employer', 'text', (c) => c.notNull())
    .addColumn('sector', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) =>
      c.notNull().check(sql`channel IN ('job_fair', 'employment_service_centre', 'budget_funded_support', 'loan_created_job')`),
    )
    .addColumn('contract', 'text', (c) => c.notNull().check(sql`contract IN ('domestic', 'overseas')`))
    .addColumn('destination_country', 'text')
    .addColumn('placed_on', 'date', (c) => c.notNull())
    .addColumn('monthly_wage', 'bigint', (c) => c.notNull().check(sql`monthly_wage >= 0`))
    .addColumn('job_fair_id', 'bigint', (c) => c.references('job_fair.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'job_placement_destination',
      sql`(contract = 'overseas' AND destination_country IS NOT NULL) OR (contract = 'domestic' AND destination_country IS NULL)`,
    )
    .execute();
  await db.schema.createIndex('job_placement_household_idx').on('job_placement').columns(['household_id', 'placed_on']).execute();
  await db.schema.createIndex('job_placement_member_idx').on('job_placement').column('member_id').execute();
  await db.schema.createIndex('job_placement_fair_idx').on('job_placement').column('job_fair_id').where(sql.ref('job_fair_id'), 'is not', null).execute();
  await db.schema.createIndex('job_placement_commune_placed_idx').on('job_placement').columns(['commune_code', 'placed_on']).execute();
  await db.schema.createIndex('job_placement_placed_idx').on('job_placement').columns(['placed_on', 'commune_code']).execute();

  await db.schema
    .createTable('training_enrolment')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('household_classification', 'text', (c) =>
      c.check(sql`household_classification IN ('poor', 'near_poor', 'middle_income', 'above_middle_income')`),
    )
    .addColumn('course', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level IN ('under_3_months', 'elementary', 'intermediate', 'college')`))
    .addColumn('started_on', 'date', (c) => c.notNull())
    .addColumn('completed_on', 'date')
    .addColumn('certificate', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('training_enrolment_completion', sql`completed_on IS NULL OR completed_on >= started_on`)
    .addCheckConstraint('training_enrolment_certificate', sql`certificate IS NULL OR completed_on IS NOT NULL`)
    .execute();
  await db.schema.createIndex('training_enrolment_household_idx').on('training_enrolment').columns(['household_id', 'started_on']).execute();
  await db.schema.createIndex('training_enrolment_member_idx').on('training_enrolment').column('member_id').execute();
  await db.schema.createIndex('training_enrolment_commune_started_idx').on('training_enrolment').columns(['commune_code', 'started_on']).execute();
  await db.schema.createIndex('training_enrolment_started_idx').on('training_enrolment').columns(['started_on', 'commune_code']).execute();
  await db.schema
    .createIndex('training_enrolment_commune_completed_idx')
    .on('training_enrolment')
    .columns(['commune_code', 'completed_on'])
    .where(sql.ref('completed_on'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('training_enrolment_completed_idx')
    .on('training_enrolment')
    .columns(['completed_on', 'commune_code'])
    .where(sql.ref('completed_on'), 'is not', null)
    .execute();

  // City labour statistics as reported, append-only: a revision is a new row, the latest row of
  // a year is the one in force, and earlier rows stay as the record of what was reported when.
  await db.schema
    .createTable('labour_statistics')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('urban_unemployment_rate_percent', 'numeric', (c) =>
      c.notNull().check(sql`urban_unemployment_rate_percent BETWEEN 0 AND 100`),
    )
    .addColumn('trained_worker_share_percent', 'numeric', (c) => c.notNull().check(sql`trained_worker_share_percent BETWEEN 0 AND 100`))
    .addColumn('basis', 'text', (c) => c.notNull().check(sql`basis IN ('reported', 'estimate')`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`length(trim(source)) > 0`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('labour_statistics_year_idx').on('labour_statistics').columns(['year', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('labour_statistics').execute();
  await db.schema.dropTable('training_enrolment').execute();
  await db.schema.dropTable('job_placement').execute();
  await db.schema.dropTable('job_fair').execute();
}
