import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('commune')
    .addColumn('code', 'char(5)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('ward', 'rural')`))
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();

  // The denominator of every rate: a commune's total households, per year, with its source.
  await db.schema
    .createTable('commune_household_count')
    .addColumn('commune_code', 'char(5)', (c) => c.notNull().references('commune.code'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('households', 'integer', (c) => c.notNull().check(sql`households >= 0`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('commune_household_count_pk', ['commune_code', 'year'])
    .execute();

  await db.schema
    .createTable('poverty_standard')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date', (c) => c.notNull())
    .addColumn('first_review_year', 'integer', (c) => c.notNull())
    .addColumn('last_review_year', 'integer', (c) => c.notNull())
    .addColumn('rural_income_line', 'bigint', (c) => c.notNull())
    .addColumn('urban_income_line', 'bigint', (c) => c.notNull())
    .addColumn('rural_middle_income_line', 'bigint', (c) => c.notNull())
    .addColumn('urban_middle_income_line', 'bigint', (c) => c.notNull())
    .addColumn('poor_min_deprivations', 'integer', (c) => c.notNull())
    .addCheckConstraint('poverty_standard_years', sql`first_review_year <= last_review_year`)
    .execute();

  await db.schema
    .createTable('poverty_indicator')
    .addColumn('standard_code', 'text', (c) => c.notNull().references('poverty_standard.code'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('poverty_indicator_pk', ['standard_code', 'code'])
    .execute();

  await db.schema
    .createTable('household')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('commune_code', 'char(5)', (c) => c.notNull().references('commune.code'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('household_commune_idx').on('household').columns(['commune_code', 'id']).execute();

  await db.schema
    .createTable('household_member')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('household_id', 'bigint', (c) => c.notNull().references('household.id'))
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex IN ('female', 'male')`))
    .addColumn('relation', 'text', (c) =>
      c.notNull().check(sql`relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')`),
    )
    .addColumn('national_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('household_member_household_idx').on('household_member').column('household_id').execute();
  // One person, one record: a national ID number may appear in one household only.
  await db.schema
    .createIndex('household_member_national_id_key')
    .on('household_member')
    .column('national_id')
    .unique()
    .where(sql.ref('national_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('poverty_review')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('household_id', 'bigint', (c) => c.notNull().references('household.id'))
    // The commune that approved the list, kept as it was at the review even if the family moves.
    .addColumn('commune_code', 'char(5)', (c) => c.notNull().references('commune.code'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('periodic', 'regular')`))
    .addColumn('review_date', 'date', (c) => c.notNull())
    .addColumn('income_per_person_monthly', 'bigint', (c) => c.notNull().check(sql`income_per_person_monthly >= 0`))
    .addColumn('standard_code', 'text', (c) => c.notNull().references('poverty_standard.code'))
    .addColumn('deprivations', sql`text[]`, (c) => c.notNull())
    .addColumn('deprivation_count', 'integer', (c) => c.notNull())
    .addColumn('classification', 'text', (c) =>
      c.notNull().check(sql`classification IN ('poor', 'near_poor', 'middle_income', 'above_middle_income')`),
    )
    .addColumn('transition', 'text', (c) =>
      c
        .notNull()
        .check(sql`transition IN ('newly_poor', 'escaped_poverty', 'newly_near_poor', 'escaped_near_poverty', 'unchanged')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One periodic review per household and year; regular reviews may come in between.
  await db.schema
    .createIndex('poverty_review_periodic_key')
    .on('poverty_review')
    .columns(['household_id', 'year'])
    .unique()
    .where(sql.ref('kind'), '=', 'periodic')
    .execute();
  await db.schema
    .createIndex('poverty_review_household_idx')
    .on('poverty_review')
    .columns(['household_id', 'review_date', 'id'])
    .execute();
  await db.schema
    .createIndex('poverty_review_year_commune_idx')
    .on('poverty_review')
    .columns(['year', 'commune_code', 'classification'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'poverty_review',
    'household_member',
    'household',
    'poverty_indicator',
    'poverty_standard',
    'commune_household_count',
    'commune',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
