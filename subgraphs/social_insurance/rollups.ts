import type { RollupRecord, Rollups } from '../../platform/rollups.js';
import { COVERAGE_MEASURES, healthInsuranceRollups, type CardFacts, type CoverageGapRow } from './coverage.js';
import type { SocialInsuranceDatabase } from './db/tables.js';
import { findCardFacts } from './repository.js';

// The health-insurance rollups, declared for the one rollup mechanism (platform/rollups.ts): the
// cards granted (repository.ts), the demo data, the city data set and the rebuild at start all
// keep them by the rule of coverage.ts, healthInsuranceRollups, which is written nowhere else.

export const healthInsuranceRollupSet: Rollups<SocialInsuranceDatabase, readonly CardFacts[]> = {
  name: 'health_insurance',
  version: 1,
  tables: [
    // Per area and day, month and year (2026_11_29_0900_create_health_insurance_rollups).
    {
      kind: 'sum',
      table: 'health_insurance_rollup',
      key: [
        { name: 'grain', type: 'text' },
        { name: 'period_start', type: 'date' },
        { name: 'commune_code', type: 'text' },
        { name: 'support_group', type: 'text' },
      ],
      measures: COVERAGE_MEASURES.map((name) => ({ name, type: 'int8' })),
    },
    // Each person's gaps between spells of cover, replaced whenever they are granted a card.
    {
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
    },
  ],
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
