import type { Kysely } from 'kysely';
import { writeRollupColumns, type OwnedTable, type RollupRecord, type Rollups, type SummedTable } from '../../platform/rollups.js';
import { COVERAGE_MEASURES, healthInsuranceRollups, type CardFacts, type CoverageGapRow, type CoverageRow } from './coverage.js';
import type { SocialInsuranceDatabase } from './db/tables.js';
import { findCardFacts } from './repository.js';

// The health-insurance rollups, declared for the one rollup mechanism (platform/rollups.ts): the
// cards granted (repository.ts), the demo data, the city data set and the rebuild at start all
// keep them by the rule of coverage.ts, healthInsuranceRollups, which is written nowhere else.

/** Per area and day, month and year (2026_11_29_0900_create_health_insurance_rollups). */
const ROLLUP_TABLE: SummedTable = {
  kind: 'sum',
  table: 'health_insurance_rollup',
  key: [
    { name: 'grain', type: 'text' },
    { name: 'period_start', type: 'date' },
    { name: 'commune_code', type: 'text' },
    { name: 'support_group', type: 'text' },
  ],
  measures: COVERAGE_MEASURES.map((name) => ({ name, type: 'int8' })),
};

/** Each person's gaps between spells of cover, replaced whenever they are granted a card. */
const GAP_TABLE: OwnedTable = {
  kind: 'owned',
  table: 'health_insurance_gap',
  owner: 'member_id',
  columns: [
    { name: 'member_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'support_group', type: 'text' },
    { name: 'areas', type: 'int2' },
    { name: 'gap', type: 'daterange' },
  ],
};

export const healthInsuranceRollupSet: Rollups<SocialInsuranceDatabase, readonly CardFacts[]> = {
  name: 'health_insurance',
  version: 1,
  tables: [ROLLUP_TABLE, GAP_TABLE],
  // The lock the writes took before the mechanism: a writer of an older process still takes turns.
  lockPrefix: 'social_insurance.member',
  facts: (db, members) => findCardFacts(db, members),
  derive(cards) {
    const { rows, gaps } = healthInsuranceRollups(cards);
    return { health_insurance_rollup: rows, health_insurance_gap: gaps.map(gapRecord) };
  },
};

/** A gap as its table's row: the range as its literal, half-open. */
function gapRecord(g: CoverageGapRow): RollupRecord {
  return { member_id: g.member_id, commune_code: g.commune_code, support_group: g.support_group, areas: g.areas, gap: `[${g.starts},${g.ends})` };
}

const byKey = (a: CoverageRow, b: CoverageRow) =>
  cmp(a.grain, b.grain) || cmp(a.period_start, b.period_start) || cmp(a.commune_code, b.commune_code) || cmp(a.support_group, b.support_group);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The city data set's rollups, from the cards it wrote: the rule gives one row per key, so they
 * go in bulk as columns, sorted into key order, without the mechanism's adding up of shares
 * (writeRollups was slower by a tenth here), and recorded as current so that the next start
 * rebuilds nothing. In the load's transaction.
 */
export async function writeCityRollups(db: Kysely<SocialInsuranceDatabase>, cards: readonly CardFacts[]): Promise<{ rows: number; gaps: number }> {
  const { rows, gaps } = healthInsuranceRollups(cards);
  const ordered = [...rows].sort(byKey);
  const records = gaps.map(gapRecord);
  await writeRollupColumns(db, healthInsuranceRollupSet, {
    health_insurance_rollup: [...ROLLUP_TABLE.key, ...ROLLUP_TABLE.measures].map((c) => ordered.map((r) => r[c.name as keyof CoverageRow])),
    health_insurance_gap: GAP_TABLE.columns.map((c) => records.map((r) => r[c.name])),
  });
  return { rows: rows.length, gaps: gaps.length };
}
