import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import type { PlannedHousingLoan } from '../../../db/generate/housing-loans.js';
import { apportion, NEAR_POOR, POOR, type CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';
import type { HousingCaseKind, HousingCaseStatus, HousingDatabase } from '../db/tables.js';
import { dayIn, HORIZON_DAY, pickMonth, scaledBy, shuffle, TARGETS, toDate, toDay, weightedSample } from './common.js';

/**
 * The house building and renovation cases (generate.ts runs it first; the funding lines follow
 * from its cases).
 *
 * Who gets a case (as approveHousingCase would allow): a household of the plan's poverty
 * population on the poor or near-poor list in force on the approval date, that is in plan.bands
 * of review year Y-1 for an approval in year Y (so approvals run 2022-2025; there is no 2020
 * review, so no case is approved in 2021), at most one case per household, drawn without
 * replacement with poor households three times as likely as near-poor ones. Households that
 * left the near-poor list in a 2025 regular review get no 2025 case. Cases therefore sit where
 * the plan puts poverty: rural and peri-urban communes, none in the 43 central wards. Each case
 * carries the household's plan commune.
 *
 * Cases: poor households get a new house 60% of the time, near-poor 40% (else a renovation).
 * Approvals fall from February to November, most in March-July; building starts 7-60 days
 * later; a new house takes 75-180 days, a renovation 30-100. Nothing is dated after
 * 2025-09-30 (the data set's "now"): 2025 approvals still open then are BUILDING or APPROVED.
 * Cancelled cases (about 3%) end 5-90 days after approval or start, with a reason.
 */

const CANCELLATION_REASONS = [
  'The household moved in with relatives',
  'The household could not raise its own share of the cost',
  'Dispute over the land-use right of the plot',
  'The household head died; the household merged with a relative household',
  'The household declined the support',
  'The plot lies in a planned clearance area',
];

/** A case as it is drawn (days as numbers); funding-lines.ts reads its kind, dates and Fund flag. */
export interface Case {
  id: number;
  household: number;
  commune: string;
  kind: HousingCaseKind;
  status: HousingCaseStatus;
  approval: number;
  start: number | null;
  completion: number | null;
  cancellation: number | null;
  reason: string | null;
  /** Drawn before the status is settled: the completion the case would have if it finishes. */
  naturalCompletion: number;
  fund: boolean;
}

/** Month weights for approvals (January .. December): after the lists are out, before the year closes. */
const APPROVAL_MONTHS = [0, 1, 3, 4, 4, 3, 3, 2, 2, 1, 1, 0];

/**
 * Draws the cases (who, when, what; exactly the 2024 completions and the Fund's houses), numbers
 * them in approval order and writes them; returns them for their funding lines.
 */
export async function generateCases(
  db: Kysely<HousingDatabase>,
  plan: CityPlan,
  random: Random,
  housingLoans: readonly PlannedHousingLoan[],
  log: (m: string) => void,
): Promise<Case[]> {
  const scaled = scaledBy(plan);
  const communeOf = (household: number) => plan.communes[plan.householdCommune[household - 1]!]!.code;
  const loanOf = new Map(housingLoans.map((l) => [l.household, l]));

  // ---- Cases: who, when, what.
  const used = new Uint8Array(plan.povertyPopulation + 1);
  const escaped = new Set(plan.escaped2025);
  const cases: Case[] = [];
  const approvalYears = [2022, 2023, 2024, 2025];
  const supportedTotal = scaled(Object.values(TARGETS.supportedByYear).reduce((a, b) => a + b, 0));
  const supported = apportion(
    supportedTotal,
    [2022, 2023, 2024].map((y) => TARGETS.supportedByYear[y]!),
  );
  for (const [k, year] of approvalYears.entries()) {
    const bands = plan.bands[year - 1]!;
    const ids: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < plan.povertyPopulation; i++) {
      const band = bands[i]!;
      if ((band !== POOR && band !== NEAR_POOR) || used[i + 1] || (year === 2025 && escaped.has(i + 1))) continue;
      ids.push(i + 1);
      weights.push(band === POOR ? 3 : 1);
    }
    const kept = year === 2025 ? scaled(TARGETS.approved2025) : supported[k]!;
    const cancelled = Math.round(kept * TARGETS.cancelledShare);
    // The year's housing-loan households first (kept, not cancelled), then the weighted draw.
    const borrowers = housingLoans.filter((l) => Number(l.date.slice(0, 4)) === year).map((l) => l.household);
    // Borrowers get their case in their loan's year only, so the draws leave them out.
    const rest = ids.map((id, i) => [id, weights[i]!] as const).filter(([id]) => !loanOf.has(id));
    const chosen = [
      ...borrowers,
      ...weightedSample(
        random,
        rest.map((r) => r[0]),
        rest.map((r) => r[1]),
        kept + cancelled - borrowers.length,
      ),
    ];
    if (chosen.length < kept + cancelled) throw new Error(`housing: only ${chosen.length} eligible households for ${year}`);
    chosen.forEach((household, n) => {
      used[household] = 1;
      const poor = bands[household - 1] === POOR;
      const loan = loanOf.get(household);
      const kind: HousingCaseKind = loan || random.chance(poor ? 0.6 : 0.4) ? 'new_house' : 'renovation';
      // 2025 approvals stop at the horizon (January to September); a borrower's case is approved
      // shortly before the loan is disbursed.
      const approval = loan
        ? toDay(loan.date) - random.int(10, 45)
        : dayIn(year, pickMonth(random, year === 2025 ? APPROVAL_MONTHS.slice(0, 9) : APPROVAL_MONTHS), random);
      const start = approval + random.int(7, 60);
      const naturalCompletion = start + (kind === 'new_house' ? random.int(75, 180) : random.int(30, 100));
      const c: Case = {
        id: 0,
        household,
        commune: communeOf(household),
        kind,
        status: 'completed',
        approval,
        start,
        completion: naturalCompletion,
        cancellation: null,
        reason: null,
        naturalCompletion,
        fund: false,
      };
      if (n >= kept) {
        // Cancelled: 40% after building had started.
        const started = random.chance(0.4) && start <= HORIZON_DAY;
        c.status = 'cancelled';
        c.start = started ? start : null;
        c.completion = null;
        c.cancellation = Math.min(HORIZON_DAY, (started ? start : approval) + random.int(5, 90));
        c.reason = random.pick(CANCELLATION_REASONS);
      } else if (start > HORIZON_DAY) {
        c.status = 'approved';
        c.start = null;
        c.completion = null;
      } else if (naturalCompletion > HORIZON_DAY) {
        c.status = 'building';
        c.completion = null;
      }
      cases.push(c);
    });
  }

  // ---- Exactly the target of houses completed in 2024: move the fewest cases needed across
  // one of the year's two boundaries by a few weeks, drawn among the cases closest to them.
  const y2024 = { from: toDay('2024-01-01'), to: toDay('2024-12-31') };
  const completedIn = (c: Case, from: number, to: number) => c.status === 'completed' && c.completion! >= from && c.completion! <= to;
  let in2024 = cases.filter((c) => completedIn(c, y2024.from, y2024.to)).length;
  const target2024 = scaled(TARGETS.completed2024);
  // Each candidate: how far its completion is from the boundary, and where it would move to.
  const candidates: Array<{ c: Case; distance: number; move: () => number }> = [];
  for (const c of cases) {
    if (c.status !== 'completed') continue;
    const done = c.completion!;
    const start = c.start!;
    if (in2024 > target2024 && done >= y2024.from && done <= y2024.to) {
      // Out of 2024: a late completion slips into January 2025, an early one (started by early
      // December 2023) finishes in December 2023 instead.
      candidates.push({ c, distance: y2024.to - done, move: () => Math.min(HORIZON_DAY, y2024.to + random.int(3, 40)) });
      if (start <= y2024.from - 25) candidates.push({ c, distance: done - y2024.from, move: () => Math.max(start + 20, y2024.from - 1 - random.int(0, 30)) });
    } else if (in2024 < target2024 && done < y2024.from) {
      // Into 2024: a late-2023 completion slips into January 2024.
      candidates.push({ c, distance: y2024.from - done, move: () => y2024.from + random.int(0, 30) });
    } else if (in2024 < target2024 && done > y2024.to && start <= y2024.to - 25) {
      // Into 2024: an early-2025 completion is finished in December 2024.
      candidates.push({ c, distance: done - y2024.to, move: () => Math.max(start + 20, y2024.to - random.int(0, 30)) });
    }
  }
  const needed = Math.abs(in2024 - target2024);
  candidates.sort((a, b) => a.distance - b.distance || a.c.household - b.c.household);
  const movedCases = new Set<Case>();
  for (const candidate of shuffle(random, candidates.slice(0, needed * 3))) {
    if (movedCases.size === needed) break;
    if (movedCases.has(candidate.c)) continue;
    candidate.c.completion = candidate.move();
    movedCases.add(candidate.c);
  }
  const moved = movedCases.size;
  in2024 = cases.filter((c) => completedIn(c, y2024.from, y2024.to)).length;
  if (in2024 !== target2024) throw new Error(`housing: ${in2024} houses completed in 2024, wanted ${target2024}`);

  // ---- Fund for the Poor lines: exactly the target among houses completed 2021-2024, ~60% elsewhere.
  const fundPeriod = { from: toDay('2021-01-01'), to: toDay('2024-12-31') };
  const completedInPeriod = shuffle(
    random,
    cases.filter((c) => completedIn(c, fundPeriod.from, fundPeriod.to)),
  );
  const fundTarget = scaled(TARGETS.fundHousesCompleted2021to2024);
  if (completedInPeriod.length < fundTarget) throw new Error(`housing: only ${completedInPeriod.length} houses completed 2021-2024`);
  completedInPeriod.slice(0, fundTarget).forEach((c) => (c.fund = true));
  for (const c of cases) if (!completedIn(c, fundPeriod.from, fundPeriod.to)) c.fund = random.chance(0.6);

  // ---- Ids in approval order, as the mutations would have given them.
  cases.sort((a, b) => a.approval - b.approval || a.household - b.household);
  cases.forEach((c, i) => (c.id = i + 1));

  await bulkInsert(
    db,
    'housing_case',
    [
      { name: 'id', type: 'int8' },
      { name: 'household_id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'status', type: 'text' },
      { name: 'approval_date', type: 'date' },
      { name: 'start_date', type: 'date' },
      { name: 'completion_date', type: 'date' },
      { name: 'cancellation_date', type: 'date' },
      { name: 'cancellation_reason', type: 'text' },
    ],
    [
      cases.map((c) => c.id),
      cases.map((c) => c.household),
      cases.map((c) => c.commune),
      cases.map((c) => c.kind),
      cases.map((c) => c.status),
      cases.map((c) => toDate(c.approval)),
      cases.map((c) => (c.start === null ? null : toDate(c.start))),
      cases.map((c) => (c.completion === null || c.status !== 'completed' ? null : toDate(c.completion))),
      cases.map((c) => (c.cancellation === null ? null : toDate(c.cancellation))),
      cases.map((c) => c.reason),
    ],
    { emptied: true },
  );
  log(`housing: ${cases.length} cases (${moved} case(s) moved across a 2024 year boundary)`);
  return cases;
}
