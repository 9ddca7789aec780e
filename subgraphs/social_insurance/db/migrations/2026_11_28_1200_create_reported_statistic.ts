import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.
//
// Figures the city reports that no record in this subgraph implies (for example the share of
// poor children whose health is monitored), stored with their source so dashboards read them
// from the graph like any other figure.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reported_statistic')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('value', 'numeric(14, 4)', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('reported_statistic_code_idx').on('reported_statistic').columns(['code', 'id']).execute();
  await db
    .insertInto('reported_statistic')
    .values([
      {
        code: 'child_health_monitoring_poor_children',
        name: 'Poor children whose health and nutrition are monitored',
        period: '2022-2025',
        value: '100',
        unit: 'percent',
        source: 'https://hanoimoi.vn/thu-do-som-ve-dich-muc-tieu-giam-ngheo-ben-vung-726248.html',
      },
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reported_statistic').execute();
}
