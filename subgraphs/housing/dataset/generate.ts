import { sql, type Kysely } from 'kysely';
import { planHousingLoans } from '../../../db/generate/housing-loans.js';
import type { CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import type { HousingDatabase } from '../db/tables.js';
import { generateCases } from './cases.js';
import { generateContributions } from './contributions.js';
import { generateFundingLines } from './funding-lines.js';

/**
 * The housing subgraph's share of the city data set: house building and renovation cases with
 * their funding lines, and the contributions to the Fund for the Poor.
 *
 * Targets (tests/figures/published-figures.json, each rounded by plan.scale):
 * - 3,520 houses supported 2022-2024: cases approved in 2022, 2023 and 2024 and not cancelled,
 *   split 1,680 / 1,220 / 620 (support tapers off as the poor lists shrink); about 3% more
 *   cases were approved in each year and later cancelled (they do not count).
 * - 714 houses completed in 2024 (exact): completion dates are first drawn, then the fewest
 *   cases needed are moved across the 2024 year boundary by a few weeks (late-2024
 *   completions slip into January 2025, or early-2024 ones finish in December 2023; or the other
 *   way round), drawn at random among the three times as many cases closest to a boundary, so
 *   the count is exact (at scale 1, 38 of the 752 drawn 2024 completions move).
 * - More than 1,800 houses built or renovated with the Fund 2021-2024: exactly 1,837 of the
 *   cases completed in 2021-2024 carry a FUND_FOR_THE_POOR line; elsewhere about 60% do.
 * - More than 153 billion VND mobilised for the Fund 2021-2024: exactly 153.6 billion, spread
 *   over about 1,400 contributions a year.
 *
 * One file per record kind, each with how it is drawn: cases.ts (who gets a case, when, what),
 * funding-lines.ts (each case's funding), contributions.ts (the Fund's contributions);
 * common.ts has the targets and the calendar they share. This file empties the tables and runs
 * them in that order on one random stream (the rows depend on the order).
 */

const SEED_OFFSET = 33;

export async function generateCity(db: Kysely<HousingDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + SEED_OFFSET);
  await sql`TRUNCATE housing_funding_line, housing_case, fund_contribution RESTART IDENTITY`.execute(db);
  // The households that borrowed under HOUSING_POOR (the credit generator lends from the same plan).
  const housingLoans = planHousingLoans(plan);
  const cases = await generateCases(db, plan, random, housingLoans, log);
  await generateFundingLines(db, plan, random, cases, housingLoans, log);
  await generateContributions(db, plan, random, log);

  for (const table of ['housing_case', 'housing_funding_line', 'fund_contribution']) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce((SELECT max(id) FROM ${sql.table(table)}), 0) + 1, false)`.execute(db);
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
}
