import { sql, type Kysely } from 'kysely';
import type { Rollups } from '../../platform/rollups.js';
import type {
  Classification,
  CommuneKind,
  PovertyStatusChangeTable,
  PovertyWhatIfRollupTable,
  PovertyYearRollupTable,
  RegistryDatabase,
  Transition,
} from './db/tables.js';
import { rulesOf, score, type StandardRules } from './standard.js';

/**
 * The poverty rollups, declared (platform/rollups.ts): what is kept, from which rows, by which
 * rule. Reviews recorded (repository.ts, through withRollups), the city data set and the demo
 * data (writeRollups) and a rebuild after a rule changed (ensureRollupsCurrent) all use this one
 * rule; the migrations only create the tables.
 *
 * - poverty_year_rollup: per review year and commune, the households whose latest review of
 *   that year is in the commune, by classification, by the transition the review recorded since
 *   the household's review before, and how many of those latest reviews were periodic (the
 *   year's list).
 * - poverty_whatif_rollup: the same households scored again under each poverty standard (the
 *   what-if view): poor and near-poor under that standard's lines and indicators, read from the
 *   database. A (year, commune, standard) with neither may have no row: readers count it as 0.
 * - poverty_status_change: per commune and day, how the number of poor and near-poor
 *   households changed that day, each household counted by its latest review: a review adds its
 *   classification on its date and takes it away on the date of the household's next review.
 *
 * The owner is the household: every row above is a sum of households' shares, so a review
 * recorded moves the rollups by the difference between its household's share before and after.
 * A standard added or changed (lines, indicators) changes the what-if rows of every review:
 * bump `version` in the migration's release so that the next start rebuilds them.
 */

/** What the rule reads of the reviews: parallel columns, one entry a review, in id order. */
export interface ReviewColumns {
  household: readonly number[];
  commune: readonly string[];
  year: readonly number[];
  kind: readonly string[];
  reviewDate: readonly string[];
  income: readonly number[];
  deprivations: ReadonlyArray<readonly string[]>;
  classification: readonly Classification[];
  transition: readonly Transition[];
}

export interface PovertyFacts {
  reviews: ReviewColumns;
  /** The kind of every commune a review names (the what-if lines depend on it). */
  communeKinds: ReadonlyMap<string, CommuneKind>;
  /** Every standard's rules, as the database has them. */
  standards: readonly StandardRules[];
}

// Rows as plain object types (a rollup row is a record of its columns).
type Row<T> = { [K in keyof T]: T[K] };
type YearRow = Row<PovertyYearRollupTable>;
type WhatIfRow = Row<PovertyWhatIfRollupTable>;
type StatusChangeRow = Row<PovertyStatusChangeTable>;

const NO_COUNTS = { reviewed: 0, periodic: 0, poor: 0, near_poor: 0, newly_poor: 0, escaped_poverty: 0, newly_near_poor: 0, escaped_near_poverty: 0 };

/**
 * The rule: a household counts once a year, by its latest review of the year (by date, then
 * id), in that review's commune; the what-if rows score that review again under every standard
 * with `score()`, the scorer of recorded reviews (poor and near-poor are the classifications at
 * or below the line); a review's classification counts in its commune from its date until the
 * household's next review (by date, then id).
 */
export function derivePovertyRollups(facts: PovertyFacts): {
  poverty_year_rollup: YearRow[];
  poverty_whatif_rollup: WhatIfRow[];
  poverty_status_change: StatusChangeRow[];
} {
  const { reviews, communeKinds, standards } = facts;
  const years = new Map<string, YearRow>();
  const whatIf = new Map<string, WhatIfRow>();
  for (const i of latestOfYears(reviews)) {
    const year = reviews.year[i]!;
    const commune = reviews.commune[i]!;
    const key = `${year}|${commune}`;
    let row = years.get(key);
    if (!row) years.set(key, (row = { year, commune_code: commune, ...NO_COUNTS }));
    row.reviewed++;
    if (reviews.kind[i] === 'periodic') row.periodic++;
    const classification = reviews.classification[i]!;
    if (classification === 'poor' || classification === 'near_poor') row[classification]++;
    const transition = reviews.transition[i]!;
    if (transition !== 'unchanged') row[transition]++;
    const communeKind = communeKinds.get(commune);
    if (!communeKind) throw new Error(`poverty rollups: no kind for commune ${commune}`);
    for (const rules of standards) {
      const whatIfKey = `${year}|${rules.code}|${commune}`;
      let cell = whatIf.get(whatIfKey);
      if (!cell) whatIf.set(whatIfKey, (cell = { year, commune_code: commune, standard_code: rules.code, poor: 0, near_poor: 0 }));
      const scored = score(rules, { communeKind, incomePerPersonMonthly: reviews.income[i]!, deprivations: reviews.deprivations[i]! }).classification;
      if (scored === 'poor' || scored === 'near_poor') cell[scored]++;
    }
  }
  return { poverty_year_rollup: [...years.values()], poverty_whatif_rollup: [...whatIf.values()], poverty_status_change: statusChanges(reviews) };
}

/** The index of each household's latest review of each year: the last by date, then id. */
function latestOfYears(reviews: ReviewColumns): number[] {
  const latest = new Map<string, number>();
  for (let i = 0; i < reviews.household.length; i++) {
    const key = `${reviews.household[i]!}|${reviews.year[i]!}`;
    const before = latest.get(key);
    // Ids grow with the index: a later index wins a tie on the date.
    if (before === undefined || reviews.reviewDate[i]! >= reviews.reviewDate[before]!) latest.set(key, i);
  }
  return [...latest.values()];
}

/** Each review's +1 on its date and, if the household has a later review, -1 on that one's date. */
function statusChanges(reviews: ReviewColumns): StatusChangeRow[] {
  const order = Array.from(reviews.household, (_, i) => i).sort(
    (a, b) => reviews.household[a]! - reviews.household[b]! || cmp(reviews.reviewDate[a]!, reviews.reviewDate[b]!) || a - b,
  );
  const changes = new Map<string, StatusChangeRow>();
  const add = (commune: string, date: string, classification: Classification, sign: number) => {
    if (classification !== 'poor' && classification !== 'near_poor') return;
    const key = `${commune}|${date}`;
    let row = changes.get(key);
    if (!row) changes.set(key, (row = { commune_code: commune, change_date: date, poor: 0, near_poor: 0 }));
    row[classification] += sign;
  };
  order.forEach((i, k) => {
    const commune = reviews.commune[i]!;
    const classification = reviews.classification[i]!;
    add(commune, reviews.reviewDate[i]!, classification, 1);
    const next = order[k + 1];
    if (next !== undefined && reviews.household[next] === reviews.household[i]) add(commune, reviews.reviewDate[next]!, classification, -1);
  });
  return [...changes.values()];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every standard's rules, from the database (the lines and indicators are data, not code). */
export async function loadStandardRules(db: Kysely<RegistryDatabase>): Promise<StandardRules[]> {
  const standards = await db.selectFrom('poverty_standard').selectAll().orderBy('code').execute();
  const indicators = await db.selectFrom('poverty_indicator').select(['standard_code', 'code']).orderBy('standard_code').orderBy('code').execute();
  return standards.map((s) =>
    rulesOf(
      s,
      indicators.filter((i) => i.standard_code === s.code).map((i) => i.code),
    ),
  );
}

/** The reviews of some households (every one when `households` is undefined), in id order. */
async function povertyFacts(db: Kysely<RegistryDatabase>, households?: readonly number[]): Promise<PovertyFacts> {
  const where = households ? sql`WHERE household_id = ANY(${[...households]}::int8[])` : sql``;
  const { rows } = await sql<{
    household: string;
    commune: string;
    year: number;
    kind: string;
    review_date: string;
    income: string;
    deprivations: string[];
    classification: Classification;
    transition: Transition;
  }>`SELECT household_id::int8 AS household, commune_code::text AS commune, year, kind, review_date::text AS review_date,
      income_per_person_monthly::int8 AS income, deprivations, classification, transition
    FROM poverty_review ${where} ORDER BY id`.execute(db);
  const communes = [...new Set(rows.map((r) => r.commune))];
  const kinds = communes.length ? await db.selectFrom('commune').select(['code', 'kind']).where('code', 'in', communes).execute() : [];
  return {
    reviews: {
      household: rows.map((r) => Number(r.household)),
      commune: rows.map((r) => r.commune),
      year: rows.map((r) => r.year),
      kind: rows.map((r) => r.kind),
      reviewDate: rows.map((r) => r.review_date),
      income: rows.map((r) => Number(r.income)),
      deprivations: rows.map((r) => r.deprivations),
      classification: rows.map((r) => r.classification),
      transition: rows.map((r) => r.transition),
    },
    communeKinds: new Map(kinds.map((c) => [c.code, c.kind])),
    standards: await loadStandardRules(db),
  };
}

const int4 = (name: string) => ({ name, type: 'int4' });
const text = (name: string) => ({ name, type: 'text' });

export const povertyRollups: Rollups<RegistryDatabase, PovertyFacts> = {
  name: 'poverty',
  version: 1,
  lockPrefix: 'registry.household',
  tables: [
    {
      kind: 'sum',
      table: 'poverty_year_rollup',
      key: [int4('year'), text('commune_code')],
      measures: ['reviewed', 'periodic', 'poor', 'near_poor', 'newly_poor', 'escaped_poverty', 'newly_near_poor', 'escaped_near_poverty'].map(int4),
    },
    {
      kind: 'sum',
      table: 'poverty_whatif_rollup',
      // The table's primary key, in its order.
      key: [int4('year'), text('standard_code'), text('commune_code')],
      measures: [int4('poor'), int4('near_poor')],
    },
    {
      kind: 'sum',
      table: 'poverty_status_change',
      key: [text('commune_code'), { name: 'change_date', type: 'date' }],
      measures: [int4('poor'), int4('near_poor')],
    },
  ],
  facts: povertyFacts,
  derive: derivePovertyRollups,
};
