import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import type { PlannedHousingLoan } from '../../../db/generate/housing-loans.js';
import { apportion, plantedCount, POOR, type CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';
import type { HousingDatabase, HousingFundingSource } from '../db/tables.js';
import type { Case } from './cases.js';
import { toDate } from './common.js';

/**
 * The cases' funding lines (generate.ts runs it after the cases, on the same random stream).
 *
 * Funding per case: a total cost of 60-100 million VND for a new house, 30-50 million for a
 * renovation (whole millions), split by jittered weights over the case's sources: the city
 * budget always (weight 50), the Fund for the Poor (30) when the case has a Fund line, and
 * social mobilisation (15) for 40% of cases, committed when building starts (on the approval
 * date if it never started). Every other line is committed on the approval date.
 *
 * VBSP housing loans agree with the bank: the households that borrowed under HOUSING_POOR in
 * 2022-2024 (db/generate/housing-loans.ts, which the credit generator lends from too) get a new
 * house approved 10-45 days before the disbursement (never cancelled), with a VBSP_HOUSING_LOAN
 * line of exactly the loan's principal; no other case has one, except a few planted on purpose
 * (PLANTED in plan.ts, docs/data.md): poor households' 2023 cases with a VBSP line the bank never
 * lent.
 */
export async function generateFundingLines(
  db: Kysely<HousingDatabase>,
  plan: CityPlan,
  random: Random,
  cases: readonly Case[],
  housingLoans: readonly PlannedHousingLoan[],
  log: (m: string) => void,
): Promise<void> {
  const loanOf = new Map(housingLoans.map((l) => [l.household, l]));
  // Planted on purpose: a few 2023 cases of poor households, kept and without a loan, get a
  // VBSP line the bank never lent (docs/data.md).
  const unfunded = new Set<Case>();
  for (const c of cases) {
    if (unfunded.size >= plantedCount('housingLineWithoutLoan', plan.scale)) break;
    if (!loanOf.has(c.household) && c.status !== 'cancelled' && toDate(c.approval).startsWith('2023') && plan.bands[2022]![c.household - 1] === POOR)
      unfunded.add(c);
  }
  log(`housing: planted "VBSP line without a loan" on the cases of households ${[...unfunded].map((c) => c.household).join(', ')}`);
  const lines: Array<{ caseId: number; source: HousingFundingSource; amount: number; on: number }> = [];
  for (const c of cases) {
    const total = c.kind === 'new_house' ? random.int(60, 100) : random.int(30, 50);
    const jitter = () => 0.7 + random.next() * 0.6;
    const loan = loanOf.get(c.household)?.principal ?? (unfunded.has(c) ? 30_000_000 : 0);
    const sources: Array<[HousingFundingSource, number]> = [['city_budget', 50 * jitter()]];
    if (c.fund) sources.push(['fund_for_the_poor', 30 * jitter()]);
    if (random.chance(0.4)) sources.push(['social_mobilisation', 15 * jitter()]);
    // The loan's principal first; the rest of the cost split over the other sources.
    const parts = apportion(
      Math.max(total - loan / 1_000_000, 10),
      sources.map((s) => s[1]),
    );
    if (loan) lines.push({ caseId: c.id, source: 'vbsp_housing_loan', amount: loan, on: c.approval });
    sources.forEach(([source], i) => {
      if (parts[i]! <= 0) return;
      const on = source === 'social_mobilisation' && c.start !== null ? c.start : c.approval;
      lines.push({ caseId: c.id, source, amount: parts[i]! * 1_000_000, on });
    });
  }
  lines.sort((a, b) => a.on - b.on || a.caseId - b.caseId);

  await bulkInsert(
    db,
    'housing_funding_line',
    [
      { name: 'id', type: 'int8' },
      { name: 'case_id', type: 'int8' },
      { name: 'source', type: 'text' },
      { name: 'amount', type: 'int8' },
      { name: 'committed_on', type: 'date' },
    ],
    [lines.map((_, i) => i + 1), lines.map((l) => l.caseId), lines.map((l) => l.source), lines.map((l) => l.amount), lines.map((l) => toDate(l.on))],
    { emptied: true },
  );
  log(`housing: ${lines.length} funding lines`);
}
