import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('livelihood_project')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('budget', 'bigint', (c) => c.notNull().check(sql`budget >= 0`))
    .addColumn('funding_source', 'text', (c) => c.notNull())
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('livelihood_project_period', sql`end_date >= start_date`)
    .execute();

  await db.schema
    .createTable('livelihood_participant')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('project_code', 'text', (c) => c.notNull().references('livelihood_project.code'))
    // The registry's household and commune: checked against the registry when enrolled, never
    // a foreign key (the registry's tables live in another subgraph's schema).
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('activity', 'text', (c) =>
      c.notNull().check(sql`activity IN ('agricultural_production', 'small_scale_handicraft', 'trade_and_services')`),
    )
    .addColumn('cash_support', 'bigint', (c) => c.notNull().check(sql`cash_support >= 0`))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A household takes part in a project once (its support is one enrolment's items and cash).
  await db.schema
    .createIndex('livelihood_participant_project_household_key')
    .on('livelihood_participant')
    .columns(['project_code', 'household_id'])
    .unique()
    .execute();
  await db.schema.createIndex('livelihood_participant_household_idx').on('livelihood_participant').columns(['household_id', 'start_date']).execute();
  // Commune figures per period, and city figures per period.
  await db.schema
    .createIndex('livelihood_participant_commune_start_idx')
    .on('livelihood_participant')
    .columns(['commune_code', 'start_date'])
    .execute();
  await db.schema.createIndex('livelihood_participant_start_idx').on('livelihood_participant').column('start_date').execute();

  await db.schema
    .createTable('livelihood_support_item')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('participant_id', 'bigint', (c) => c.notNull().references('livelihood_participant.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 1`))
    .addColumn('value', 'bigint', (c) => c.notNull().check(sql`value >= 0`))
    .execute();
  await db.schema
    .createIndex('livelihood_support_item_participant_key')
    .on('livelihood_support_item')
    .columns(['participant_id', 'position'])
    .unique()
    .execute();

  await db.schema
    .createTable('livelihood_high_tech_model')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    // The registry's commune, checked against the registry when recorded.
    .addColumn('commune_code', 'char(5)', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('crops', 'livestock', 'aquaculture', 'combined')`))
    .addColumn('technology', 'text', (c) => c.notNull())
    .addColumn('area_hectares', 'numeric(14, 4)', (c) => c.notNull().check(sql`area_hectares >= 0`))
    .addColumn('households_involved', 'integer', (c) => c.notNull().check(sql`households_involved >= 0`))
    // The start day, or 1 January of the start year when only the year is known (precision
    // 'year'), so that a period filter is one indexed range.
    .addColumn('started_on', 'date', (c) => c.notNull())
    .addColumn('start_precision', 'text', (c) => c.notNull().check(sql`start_precision IN ('day', 'year')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'livelihood_high_tech_model_year_start',
      sql`start_precision = 'day' OR (extract(month FROM started_on) = 1 AND extract(day FROM started_on) = 1)`,
    )
    .execute();
  await db.schema
    .createIndex('livelihood_high_tech_model_commune_start_idx')
    .on('livelihood_high_tech_model')
    .columns(['commune_code', 'started_on'])
    .execute();
  await db.schema.createIndex('livelihood_high_tech_model_start_idx').on('livelihood_high_tech_model').column('started_on').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['livelihood_high_tech_model', 'livelihood_support_item', 'livelihood_participant', 'livelihood_project']) {
    await db.schema.dropTable(table).execute();
  }
}
