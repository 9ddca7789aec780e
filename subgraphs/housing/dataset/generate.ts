import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { planHousingLoans } from '../../../db/generate/housing-loans.js';
import { apportion, NEAR_POOR, plantedCount, POOR, type CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import type { FundDonorKind, HousingCaseKind, HousingCaseStatus, HousingDatabase, HousingFundingSource } from '../db/tables.js';

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
 *
 * Fund contributions, per year 2021-2025 (2025 up to 30 September): about 700 from individuals
 * (0.2-30 million, 40% anonymous), 380 from enterprises (5-200 million), 200 from organisations
 * (5-150 million), all log-uniform, and one "day's wage" collection of public servants per
 * commune plus one at city level (20-80 million per commune, 1.5-3 billion for the city). About
 * half the money comes in the peak month for the poor (17 October - 18 November), some around Tết
 * (January-February), the rest through the year. Three in four contributions are received by
 * a commune's Fund committee (communes weighted by size), the rest at city level. The amounts
 * of 2021-2024 are then scaled to the exact target, rounded (100,000 VND for individuals, whole
 * millions otherwise), and the rounding remainder spread over many contributions one million
 * (or 100,000) at a time.
 */

const SEED_OFFSET = 33;
/** The data set's "now": nothing is dated after it. */
const HORIZON = '2025-09-30';

const TARGETS = {
  supportedByYear: { 2022: 1_680, 2023: 1_220, 2024: 620 } as Record<number, number>,
  approved2025: 640,
  cancelledShare: 0.03,
  completed2024: 714,
  fundHousesCompleted2021to2024: 1_837,
  fundMobilised2021to2024: 153_600_000_000,
  contributionsPerYear: { individual: 700, enterprise: 380, organisation: 200 } as Record<string, number>,
};

const CANCELLATION_REASONS = [
  'The household moved in with relatives',
  'The household could not raise its own share of the cost',
  'Dispute over the land-use right of the plot',
  'The household head died; the household merged with a relative household',
  'The household declined the support',
  'The plot lies in a planned clearance area',
];
const ENTERPRISES = [
  'Công ty CP Xây dựng Sông Hồng',
  'Tổng công ty Điện lực Hà Nội',
  'Ngân hàng TMCP Thủ Đô',
  'Công ty TNHH Thương mại Hà Thành',
  'Tập đoàn Dệt may Thăng Long',
  'Công ty CP Vật liệu xây dựng Tây Đô',
  'Công ty CP Thực phẩm Hồ Tây',
  'Công ty TNHH Cơ khí Đông Anh',
  'Tổng công ty Vận tải Hà Nội',
  'Công ty CP Bất động sản Long Biên',
  'Ngân hàng TMCP Kinh Bắc',
  'Công ty TNHH Gốm Bát Tràng',
];
const ORGANISATIONS = [
  'Hội Doanh nhân trẻ Hà Nội',
  'Hội Chữ thập đỏ',
  'Hội Liên hiệp Phụ nữ',
  'Hội Cựu chiến binh',
  'Đoàn Thanh niên',
  'Hội Nông dân',
  'Liên đoàn Lao động',
  'Hội Người cao tuổi',
  'Câu lạc bộ Doanh nhân Thăng Long',
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const GIVEN = ['Văn An', 'Thị Bình', 'Minh Châu', 'Đức Thắng', 'Thu Trang', 'Quốc Việt', 'Thị Nga', 'Hữu Phúc'];

const DAY = 86_400_000;
const toDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const toDate = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const HORIZON_DAY = toDay(HORIZON);

interface Case {
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

function pickMonth(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random.next() * total;
  for (let m = 0; m < weights.length; m++) {
    r -= weights[m]!;
    if (r < 0) return m;
  }
  return weights.length - 1;
}

function dayIn(year: number, month: number, random: Random): number {
  return Date.UTC(year, month, random.int(1, 28)) / DAY;
}

/** `n` ids drawn without replacement, each with probability proportional to its weight (Efraimidis-Spirakis). */
function weightedSample(random: Random, ids: readonly number[], weights: readonly number[], n: number): number[] {
  const keyed = ids.map((id, i) => ({ id, key: Math.log(random.next() || Number.MIN_VALUE) / weights[i]! }));
  keyed.sort((a, b) => b.key - a.key || a.id - b.id);
  return keyed.slice(0, n).map((k) => k.id);
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export async function generateCity(db: Kysely<HousingDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + SEED_OFFSET);
  const scaled = (n: number) => Math.round(n * plan.scale);
  const communeOf = (household: number) => plan.communes[plan.householdCommune[household - 1]!]!.code;

  await sql`TRUNCATE housing_funding_line, housing_case, fund_contribution RESTART IDENTITY`.execute(db);

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
  const housingLoans = planHousingLoans(plan);
  const loanOf = new Map(housingLoans.map((l) => [l.household, l]));
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

  // ---- Funding lines.
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

  // ---- Fund for the Poor contributions.
  const sizeWeights = plan.communes.map((c) => c.households[2024] ?? 0);
  const sizeTotal = sizeWeights.reduce((a, b) => a + b, 0);
  const pickCommune = (): string => {
    let r = random.next() * sizeTotal;
    for (let i = 0; i < sizeWeights.length; i++) {
      r -= sizeWeights[i]!;
      if (r < 0) return plan.communes[i]!.code;
    }
    return plan.communes[plan.communes.length - 1]!.code;
  };
  const communeName = new Map(plan.communes.map((c) => [c.code, c.name]));
  const contributionDay = (year: number): number => {
    const r = random.next();
    let day: number;
    if (r < 0.45)
      day = Date.UTC(year, 9, 17) / DAY + random.int(0, 32); // the peak month, 17 Oct - 18 Nov
    else if (r < 0.6)
      day = dayIn(year, random.int(0, 1), random); // around Tết
    else day = dayIn(year, random.int(0, 11), random);
    return day;
  };
  const logUniform = (min: number, max: number) => Math.exp(Math.log(min) + random.next() * (Math.log(max) - Math.log(min)));

  const k = { kind: [] as FundDonorKind[], name: [] as (string | null)[], amount: [] as number[], day: [] as number[], commune: [] as (string | null)[] };
  const add = (kind: FundDonorKind, name: string | null, amount: number, day: number, commune: string | null) => {
    k.kind.push(kind);
    k.name.push(name);
    k.amount.push(amount);
    k.day.push(day);
    k.commune.push(commune);
  };
  for (const year of [2021, 2022, 2023, 2024, 2025]) {
    // 2025 runs to the horizon: a date past it is drawn again from January to September.
    const inYear = (day: number) => (day > HORIZON_DAY ? dayIn(2025, random.int(0, 8), random) : day);
    for (let i = 0; i < scaled(TARGETS.contributionsPerYear.individual!); i++) {
      const name = random.chance(0.4) ? null : `${random.pick(FAMILY)} ${random.pick(GIVEN)}`;
      add('individual', name, logUniform(0.2e6, 30e6), inYear(contributionDay(year)), random.chance(0.85) ? pickCommune() : null);
    }
    for (let i = 0; i < scaled(TARGETS.contributionsPerYear.enterprise!); i++) {
      add('enterprise', random.pick(ENTERPRISES), logUniform(5e6, 200e6), inYear(contributionDay(year)), random.chance(0.5) ? pickCommune() : null);
    }
    for (let i = 0; i < scaled(TARGETS.contributionsPerYear.organisation!); i++) {
      add('organisation', random.pick(ORGANISATIONS), logUniform(5e6, 150e6), inYear(contributionDay(year)), random.chance(0.8) ? pickCommune() : null);
    }
    // A day's wage: one collection at city level (its amount scaled below scale 1, as it stands
    // for the whole city's staff) and one per commune (a scaled share of the communes).
    add(
      'public_servants',
      'Cán bộ, công chức, viên chức, người lao động thành phố (một ngày lương)',
      (1.5e9 + random.next() * 1.5e9) * Math.min(1, plan.scale),
      inYear(Date.UTC(year, 9, 17) / DAY + random.int(0, 20)),
      null,
    );
    const communes = shuffle(
      random,
      plan.communes.map((c) => c.code),
    ).slice(0, scaled(plan.communes.length) - 1);
    for (const code of communes.sort()) {
      add(
        'public_servants',
        `Cán bộ, công chức, viên chức, người lao động ${communeName.get(code)} (một ngày lương)`,
        20e6 + random.next() * 60e6,
        inYear(Date.UTC(year, 9, 17) / DAY + random.int(0, 32)),
        code,
      );
    }
  }
  // Scale the 2021-2024 amounts to the exact target, round, spread the remainder.
  const lastDay = toDay('2024-12-31');
  const inPeriod = k.day.map((d) => d <= lastDay);
  const target = Math.round((TARGETS.fundMobilised2021to2024 * plan.scale) / 1e5) * 1e5;
  const drawn = k.amount.reduce((sum, a, i) => sum + (inPeriod[i] ? a : 0), 0);
  const factor = target / drawn;
  const unit = (i: number) => (k.kind[i] === 'individual' ? 100_000 : 1_000_000);
  k.amount = k.amount.map((a, i) => Math.max(unit(i), Math.round((inPeriod[i] ? a * factor : a) / unit(i)) * unit(i)));
  let rest = target - k.amount.reduce((sum, a, i) => sum + (inPeriod[i] ? a : 0), 0);
  const periodIdx = k.amount.map((_, i) => i).filter((i) => inPeriod[i]);
  const millionIdx = shuffle(
    random,
    periodIdx.filter((i) => unit(i) === 1_000_000 && k.amount[i]! > 5_000_000),
  );
  const smallIdx = shuffle(
    random,
    periodIdx.filter((i) => unit(i) === 100_000 && k.amount[i]! > 1_000_000),
  );
  let adjusted = 0;
  for (let n = 0; Math.abs(rest) >= 1_000_000 && millionIdx.length; n = (n + 1) % millionIdx.length) {
    const step = Math.sign(rest) * 1_000_000;
    k.amount[millionIdx[n]!]! += step;
    rest -= step;
    adjusted++;
  }
  for (let n = 0; rest !== 0 && smallIdx.length; n = (n + 1) % smallIdx.length) {
    const step = Math.sign(rest) * 100_000;
    k.amount[smallIdx[n]!]! += step;
    rest -= step;
    adjusted++;
  }
  if (rest !== 0) throw new Error(`housing: Fund contributions miss the target by ${rest}`);

  const order = k.day.map((_, i) => i).sort((a, b) => k.day[a]! - k.day[b]! || a - b);
  await bulkInsert(
    db,
    'fund_contribution',
    [
      { name: 'id', type: 'int8' },
      { name: 'donor_kind', type: 'text' },
      { name: 'donor_name', type: 'text' },
      { name: 'amount', type: 'int8' },
      { name: 'contribution_date', type: 'date' },
      { name: 'commune_code', type: 'text' },
    ],
    [
      order.map((_, n) => n + 1),
      order.map((i) => k.kind[i]!),
      order.map((i) => k.name[i] ?? null),
      order.map((i) => k.amount[i]!),
      order.map((i) => toDate(k.day[i]!)),
      order.map((i) => k.commune[i] ?? null),
    ],
    { emptied: true },
  );
  log(`housing: ${order.length} Fund contributions (2021-2024 scaled by ${factor.toFixed(3)}, ${adjusted} nudged for the exact sum)`);

  for (const table of ['housing_case', 'housing_funding_line', 'fund_contribution']) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce((SELECT max(id) FROM ${sql.table(table)}), 0) + 1, false)`.execute(db);
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
}
