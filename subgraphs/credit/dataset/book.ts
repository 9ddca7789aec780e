import { apportion, NEAR_POOR, POOR, type CityPlan } from '../../../db/generate/plan.js';
import { workingDayIn } from '../../../db/generate/calendar.js';
import { planHousingLoans } from '../../../db/generate/housing-loans.js';
import { Random } from '../../../db/random.js';
import { addMonths } from '../balance.js';

/**
 * The loan book of the credit subgraph's share of the city data set (generate.ts writes it):
 * VBSP loans to plan households drafted with their repayment schedules, and the capital the
 * city entrusted. Calibrated at scale 1 to the figures the city published
 * (tests/figures/published-figures.json), every count and amount scaled by plan.scale otherwise.
 *
 * Distributions (decided here):
 * - Two books of loans. (1) The loans still on the books at the end of 2020: disbursed
 *   2016-2020 (more in later years: weights 5/10/17/28/40 %), maturing after 2020, under the
 *   open programmes only (job creation 55 %, clean water 25 %, students 15 %, overseas labour
 *   5 %): the registry holds no review before 2021, so no loan before 2022 can be judged
 *   eligible for a poor / near-poor / newly-escaped / poor-housing programme. They are drawn in
 *   random order until their balance on 2020-12-31 reaches the published 10,166 billion
 *   (16,567 - 6,401). Loans fully repaid before 2021 are not generated. (2) Loans disbursed
 *   2021-2024 (year weights 23/25/26/26 %), to exactly 458,575 distinct households of the 480,000:
 *   - production loans (4,001 in all, to 4,001 distinct households: none borrows under two of
 *     the three programmes): POOR_HOUSEHOLDS 2022-2024 to households POOR in review
 *     Y-1, NEAR_POOR_HOUSEHOLDS 2022-2024 to NEAR_POOR in Y-1, NEWLY_ESCAPED_POVERTY 2023-2024
 *     to households reviewed and not poor in Y-1 but POOR in Y-4..Y-2 (plan.bands; 2021 has no
 *     lists in force, review 2020 not being in the registry); 20-100 M, 36-120 months;
 *   - HOUSING_POOR 2022-2024 (300) to households POOR in Y-1, 25-40 M, 180 months with 60 of grace:
 *     db/generate/housing-loans.ts decides them, and the housing subgraph records each as its case's
 *     VBSP line;
 *   - DISADVANTAGED_STUDENTS: 55,000 households with a member aged 18-24 in the loan year, one
 *     loan per academic year (September-October) for 1-4 consecutive years, 10-40 M a year;
 *   - CLEAN_WATER_SANITATION: 118,742 households of rural communes, one loan each, 10-25 M,
 *     36-60 months;
 *   - OVERSEAS_LABOUR: 10,000 households with a member aged 18-35, 50-150 M, 24-60 months, one
 *     job each;
 *   - RELEASED_PRISONERS: 600 loans in 2023-2024 (the programme began in 2023), 20-100 M;
 *   - JOB_CREATION: every other borrowing household (about 270,000), plus 5,000 second loans to
 *     households that already borrowed; 20-100 M (the amounts are scaled together so that the
 *     2021-2024 total is the published 23,243 billion), 24-120 months. A loan creates 0 (it keeps
 *     an existing job, about 30 %), 1 (about 60 %) or 2-3 jobs, adjusted one by one so that job
 *     creation and overseas labour loans of 2021-2024 create exactly 208,000 jobs.
 *   Priority rates (job creation, overseas labour) go to households poor or near-poor in
 *   review Y-1 and to 5 % of others.
 * - Disbursed on working days (db/generate/calendar.ts: no weekend, no public holiday).
 * - Amounts are whole millions; repayments are whole thousands. Repayments: one aggregated
 *   row per loan per year, on each anniversary of the disbursement (level principal, interest
 *   on the balance at the loan's rate), recorded up to the data cut-off 2025-12-31. 2 % of
 *   loans stop paying after some instalment (OVERDUE) and a fifth of those that stopped before
 *   2024 are written off 12-24 months after the missed instalment. The two published balances
 *   (2020-12-31 and 2024-12-31) are then made exact by moving small amounts of principal
 *   between a loan's instalment just before the date and the next one after it, spread over
 *   many loans (a borrower paying a little ahead of or behind the schedule).
 * - Mass organisation and savings-and-loan group follow the household: groups of a commune
 *   are numbered 1..8-32 and each is entrusted through one organisation (Women's Union 40 %,
 *   Farmers' Association 30 %, Veterans' 15 %, Youth Union 15 %).
 * - Capital entrusted: 8,718 billion over 2021-2024 (1,650 / 2,000 / 2,300 / 2,768 billion), in
 *   two tranches a year.
 */

export const SALT = 2002;
/** Repayments are recorded up to this date (the data set's cut-off; the same whatever day it runs). */
export const CUTOFF = '2025-12-31';
const CUTOFF_YEAR = 2025;
export const M = 1_000_000;

/** Published targets at scale 1 (VND or counts). */
export const CREDIT_TARGETS = {
  disbursed2021To2024: 23_243_000_000_000,
  borrowingHouseholds2021To2024: 458_575,
  outstandingEnd2024: 16_567_000_000_000,
  outstandingIncreaseSinceEnd2020: 6_401_000_000_000,
  productionLoans: 4_001,
  jobsCreated: 208_000,
  cleanWaterHouseholds: 118_742, // published: "more than 118,500"
  capitalEntrustedMillions: 8_718_000,
};

export type Code =
  | 'POOR_HOUSEHOLDS'
  | 'NEAR_POOR_HOUSEHOLDS'
  | 'NEWLY_ESCAPED_POVERTY'
  | 'DISADVANTAGED_STUDENTS'
  | 'JOB_CREATION'
  | 'OVERSEAS_LABOUR'
  | 'CLEAN_WATER_SANITATION'
  | 'HOUSING_POOR'
  | 'RELEASED_PRISONERS';

const TERMS: Record<Code, number[]> = {
  POOR_HOUSEHOLDS: [36, 48, 60, 60, 84, 120],
  NEAR_POOR_HOUSEHOLDS: [36, 48, 60, 60, 84, 120],
  NEWLY_ESCAPED_POVERTY: [36, 48, 60, 60, 84],
  DISADVANTAGED_STUDENTS: [48, 60, 72, 84, 96, 120],
  JOB_CREATION: [24, 36, 36, 48, 60, 60, 60, 84, 120],
  OVERSEAS_LABOUR: [24, 36, 48, 60],
  CLEAN_WATER_SANITATION: [36, 48, 60, 60],
  HOUSING_POOR: [180],
  RELEASED_PRISONERS: [36, 48, 60],
};
interface Draft {
  hh: number;
  code: Code;
  date: string;
  principal: number;
  term: number;
  priority: boolean;
  jobs: number;
  /** Disbursement year. */
  y: number;
  /**
   * Principal due at each anniversary: instalment k falls due in year y + k + 1 on the
   * disbursement's month and day (terms are whole years and days at most the 28th).
   */
  sched: number[];
  /** Instalments paid before the borrower stopped (sched.length when never). */
  paidUpTo: number;
  writtenOff: string | null;
}

function shuffle(random: Random, items: Int32Array | number[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** An amount in whole millions, triangular between min and max (millions). */
function amount(random: Random, min: number, max: number): number {
  return Math.round(min + ((random.next() + random.next()) / 2) * (max - min)) * M;
}

/**
 * The date instalment k falls due. Each distinct date is one string, made once: the 2.26 million
 * repayments fall on a few thousand dates, and a string each was garbage to collect by the
 * hundred megabytes.
 */
export const dueOn = (l: Draft, k: number): string => {
  const year = l.y + k + 1;
  // The disbursement's month and day as MMDD, read from the characters of 'YYYY-MM-DD'.
  const d = l.date;
  const key = year * 10_000 + (d.charCodeAt(5) - 48) * 1000 + (d.charCodeAt(6) - 48) * 100 + (d.charCodeAt(8) - 48) * 10 + (d.charCodeAt(9) - 48);
  let text = DUE_DATES.get(key);
  if (text === undefined) DUE_DATES.set(key, (text = `${year}${d.slice(4)}`));
  return text;
};
const DUE_DATES = new Map<number, string>();
/** Instalments falling due by the end of `year`. */
const dueBy = (l: Draft, year: number) => Math.max(0, Math.min(l.sched.length, year - l.y));

/** Principal outstanding at the end of the year `year` (31 December), by the rule of balance.ts, on a draft. */
function balanceAt(l: Draft, year: number): number {
  if (l.y > year) return 0;
  if (l.writtenOff !== null && l.writtenOff <= `${year}-12-31`) return 0;
  let repaid = 0;
  const n = Math.min(l.paidUpTo, dueBy(l, year));
  for (let k = 0; k < n; k++) repaid += l.sched[k]!;
  return l.principal - repaid;
}

/** Recorded instalments: paid and due on or before the cut-off. */
export function recorded(l: Draft): number {
  return Math.min(l.paidUpTo, dueBy(l, CUTOFF_YEAR));
}

/**
 * Moves `delta` VND (a multiple of 1000; positive: from instalment `a` to `a + 1`, negative: the
 * other way) spread evenly over the pool, never taking more than half of an instalment.
 */
function spreadShift(random: Random, pool: Array<{ l: Draft; a: number }>, delta: number, what: string): void {
  let units = Math.abs(delta) / 1000;
  if (!Number.isInteger(units)) throw new Error(`credit: ${what} shift of ${delta} is not whole thousands`);
  if (units === 0) return;
  const order = pool.map((_, i) => i);
  shuffle(random, order);
  const taken = new Float64Array(pool.length);
  // First at most a fifth of an instalment per loan, then (if needed) up to nine tenths.
  for (const share of [0.2, 0.9]) {
    for (let pass = 0; pass < 20 && units > 0; pass++) {
      let moved = 0;
      const per = Math.max(1, Math.ceil(units / order.length));
      for (const i of order) {
        if (units === 0) break;
        const { l, a } = pool[i]!;
        const from = delta > 0 ? a : a + 1;
        const to = delta > 0 ? a + 1 : a;
        const original = l.sched[from]! / 1000 + taken[i]!;
        const m = Math.min(per, Math.floor(original * share) - taken[i]!, units);
        if (m <= 0) continue;
        l.sched[from]! -= m * 1000;
        l.sched[to]! += m * 1000;
        taken[i]! += m;
        units -= m;
        moved += m;
      }
      if (moved === 0) break;
    }
  }
  if (units > 0) throw new Error(`credit: could not spread the ${what} adjustment (${units * 1000} VND left)`);
}

export interface CreditData {
  loans: Draft[];
  capital: Array<{ year: number; amount: number; note: string }>;
  /** The 2024 balance by the schedules alone (before the exact adjustment), the loans it was spread over, loans of 2021-2024. */
  diagnostics: { scheduled2024: number; pool2024: number; newLoans: number };
}

/** Builds every loan and its schedule from the plan (no database). */
export function buildCreditData(plan: CityPlan): CreditData {
  const random = new Random(plan.seed + SALT);
  const s = (n: number) => Math.round(n * plan.scale);
  const N = plan.householdCount;
  const P = plan.povertyPopulation;
  const communeOf = (hh: number) => plan.communes[plan.householdCommune[hh - 1]!]!;
  const bandOf = (hh: number, year: number): number => (hh <= P ? (plan.bands[year]?.[hh - 1] ?? 255) : 255);
  const memberAged = (hh: number, year: number, min: number, max: number) => {
    const start = plan.memberStart[hh - 1]! - 1;
    for (let m = 0; m < plan.memberCount[hh - 1]!; m++) {
      const age = year - plan.memberBirthYear[start + m]!;
      if (age >= min && age <= max) return true;
    }
    return false;
  };
  // Disbursed on working days only (db/generate/calendar.ts): never a weekend, 1 January, Tết or 2 September.
  const dateIn = (year: number, fromMonth = 1, toMonth = 12) => workingDayIn(random, year, fromMonth, toMonth);

  const loans: Draft[] = [];
  const draft = (hh: number, code: Code, date: string, principal: number, jobs = 0): Draft => {
    const year = Number(date.slice(0, 4));
    const band = bandOf(hh, year - 1);
    const hasPriority = code === 'JOB_CREATION' || code === 'OVERSEAS_LABOUR';
    const l: Draft = {
      hh,
      code,
      date,
      y: year,
      principal,
      term: random.pick(TERMS[code]),
      priority: hasPriority && (band === POOR || band === NEAR_POOR || random.chance(0.05)),
      jobs,
      sched: [],
      paidUpTo: 0,
      writtenOff: null,
    };
    loans.push(l);
    return l;
  };

  // ---- 2021-2024: who borrows. ----
  const used = new Uint8Array(N + 1);
  let borrowers = 0;
  const use = (hh: number) => {
    if (!used[hh]) {
      used[hh] = 1;
      borrowers++;
    }
  };
  const pickFrom = (candidates: number[], count: number): number[] => {
    shuffle(random, candidates);
    return candidates.slice(0, Math.min(count, candidates.length));
  };
  const poverty = (pred: (hh: number) => boolean) => {
    const out: number[] = [];
    for (let hh = 1; hh <= P; hh++) if (pred(hh)) out.push(hh);
    return out;
  };

  // Production loans: by programme and year, households eligible by the lists in force (Y-1).
  const productionSplit: Array<[Code, number, number]> = [
    ['POOR_HOUSEHOLDS', 2022, 650],
    ['POOR_HOUSEHOLDS', 2023, 450],
    ['POOR_HOUSEHOLDS', 2024, 150],
    ['NEAR_POOR_HOUSEHOLDS', 2022, 700],
    ['NEAR_POOR_HOUSEHOLDS', 2023, 680],
    ['NEAR_POOR_HOUSEHOLDS', 2024, 670],
    ['NEWLY_ESCAPED_POVERTY', 2023, 300],
    ['NEWLY_ESCAPED_POVERTY', 2024, 401],
  ];
  const productionCounts = apportion(
    s(CREDIT_TARGETS.productionLoans),
    productionSplit.map((p) => p[2]),
  );
  const eligible =
    (code: Code, year: number) =>
    (hh: number): boolean => {
      const current = bandOf(hh, year - 1);
      if (code === 'POOR_HOUSEHOLDS' || code === 'HOUSING_POOR') return current === POOR;
      if (code === 'NEAR_POOR_HOUSEHOLDS') return current === NEAR_POOR;
      if (current === 255 || current === POOR) return false;
      return [year - 4, year - 3, year - 2].some((y) => bandOf(hh, y) === POOR);
    };
  // One set for the three programmes: the published 4,001 are production-loan *households*, so
  // no household borrows under two of them (a set per programme let 241 households borrow twice,
  // and the distinct count over the three came to 3,760).
  const taken = new Set<number>();
  let productionShort = 0;
  productionSplit.forEach(([code, year], i) => {
    const chosen = pickFrom(
      poverty((hh) => !taken.has(hh) && eligible(code, year)(hh)),
      productionCounts[i]!,
    );
    productionShort += productionCounts[i]! - chosen.length;
    for (const hh of chosen) {
      taken.add(hh);
      use(hh);
      draft(hh, code, dateIn(year), amount(random, 20, 100));
    }
  });
  if (productionShort > 0) throw new Error(`credit: ${productionShort} production loans found no eligible household`);
  // Poor-household housing loans (a poor household may also have a production loan): the ones
  // the housing subgraph records as its cases' VBSP lines (db/generate/housing-loans.ts).
  for (const loan of planHousingLoans(plan)) {
    use(loan.household);
    draft(loan.household, 'HOUSING_POOR', loan.date, loan.principal);
  }

  // Students: one loan per academic year while a member is 18-24, 1-4 years.
  const studentCandidates: number[] = [];
  for (let hh = 1; hh <= N; hh++) if (!used[hh] && [2021, 2022, 2023, 2024].some((y) => memberAged(hh, y, 18, 24))) studentCandidates.push(hh);
  for (const hh of pickFrom(studentCandidates, s(55_000))) {
    const years = [2021, 2022, 2023, 2024].filter((y) => memberAged(hh, y, 18, 24));
    const start = random.int(0, years.length - 1);
    const count = random.int(1, years.length - start);
    use(hh);
    for (const year of years.slice(start, start + count)) draft(hh, 'DISADVANTAGED_STUDENTS', dateIn(year, 9, 10), amount(random, 10, 40));
  }
  // Clean water and sanitation: households of rural communes.
  const rural: number[] = [];
  for (let hh = 1; hh <= N; hh++) if (!used[hh] && communeOf(hh).kind === 'rural') rural.push(hh);
  const water = pickFrom(rural, s(CREDIT_TARGETS.cleanWaterHouseholds));
  if (water.length < s(CREDIT_TARGETS.cleanWaterHouseholds)) throw new Error('credit: too few rural households for clean-water loans');
  for (const hh of water) {
    use(hh);
    draft(hh, 'CLEAN_WATER_SANITATION', dateIn(random.pick(YEARS_2021_2024)), amount(random, 10, 25));
  }
  // Overseas contract labour: a member aged 18-35.
  const workers: number[] = [];
  for (let hh = 1; hh <= N; hh++) if (!used[hh] && memberAged(hh, 2022, 18, 35)) workers.push(hh);
  for (const hh of pickFrom(workers, s(10_000))) {
    use(hh);
    draft(hh, 'OVERSEAS_LABOUR', dateIn(random.pick(YEARS_2021_2024)), amount(random, 50, 150), 1);
  }
  // People released from prison (programme from 2023).
  const rest = () => {
    const out: number[] = [];
    for (let hh = 1; hh <= N; hh++) if (!used[hh]) out.push(hh);
    return out;
  };
  for (const hh of pickFrom(rest(), s(600))) {
    use(hh);
    draft(hh, 'RELEASED_PRISONERS', dateIn(random.pick([2023, 2024])), amount(random, 20, 100));
  }
  // Job creation: every other borrowing household, then second loans.
  const needed = s(CREDIT_TARGETS.borrowingHouseholds2021To2024) - borrowers;
  const jobHouseholds = pickFrom(rest(), needed);
  if (jobHouseholds.length < needed) throw new Error(`credit: ${needed - jobHouseholds.length} borrowing households missing`);
  const jobLoans: Draft[] = [];
  const jobDraw = () => (random.chance(0.3) ? 0 : random.chance(0.86) ? 1 : random.int(2, 3));
  for (const hh of jobHouseholds) {
    use(hh);
    jobLoans.push(draft(hh, 'JOB_CREATION', dateIn(random.pick(YEARS_2021_2024)), amount(random, 20, 100), jobDraw()));
  }
  const borrowerList: number[] = [];
  for (let hh = 1; hh <= N; hh++) if (used[hh]) borrowerList.push(hh);
  for (let k = 0; k < s(5_000); k++) {
    jobLoans.push(draft(random.pick(borrowerList), 'JOB_CREATION', dateIn(random.pick(YEARS_2021_2024)), amount(random, 20, 100), jobDraw()));
  }

  // Jobs: exact total, one job at a time on many loans (0..4 per loan).
  const overseasJobs = loans.reduce((n, l) => n + l.jobs * (l.code === 'OVERSEAS_LABOUR' ? 1 : 0), 0);
  let jobsLeft = s(CREDIT_TARGETS.jobsCreated) - overseasJobs - jobLoans.reduce((n, l) => n + l.jobs, 0);
  for (let guard = 0; jobsLeft !== 0; guard++) {
    if (guard > 50 * jobLoans.length) throw new Error('credit: could not reach the jobs target');
    const l = random.pick(jobLoans);
    if (jobsLeft > 0 && l.jobs < 4) {
      l.jobs++;
      jobsLeft--;
    } else if (jobsLeft < 0 && l.jobs > 0) {
      l.jobs--;
      jobsLeft++;
    }
  }

  // Amounts: job-creation loans scaled together so that 2021-2024 disbursements are exact.
  const target = s(CREDIT_TARGETS.disbursed2021To2024 / M) * M;
  const others = loans.reduce((n, l) => n + (l.code === 'JOB_CREATION' ? 0 : l.principal), 0);
  const jobBase = jobLoans.reduce((n, l) => n + l.principal, 0);
  const factor = (target - others) / jobBase;
  for (const l of jobLoans) l.principal = Math.min(100 * M, Math.max(10 * M, Math.round((l.principal * factor) / M) * M));
  let millionsLeft = (target - others - jobLoans.reduce((n, l) => n + l.principal, 0)) / M;
  for (let guard = 0; millionsLeft !== 0; guard++) {
    if (guard > 50 * jobLoans.length) throw new Error('credit: could not reach the disbursement target');
    const l = random.pick(jobLoans);
    if (millionsLeft > 0 && l.principal < 100 * M) {
      l.principal += M;
      millionsLeft--;
    } else if (millionsLeft < 0 && l.principal > 10 * M) {
      l.principal -= M;
      millionsLeft++;
    }
  }
  const newLoans = loans.length;

  // ---- Schedules and behaviour. ----
  const schedule = (l: Draft) => {
    const n = Math.ceil(l.term / 12);
    const grace = l.code === 'HOUSING_POOR' ? 5 : 0;
    const paying = n - grace;
    const level = Math.floor(l.principal / paying / 1000) * 1000;
    l.sched = [];
    for (let k = 0; k < n; k++) l.sched.push(k < grace ? 0 : k === n - 1 ? l.principal - level * (paying - 1) : level);
    l.paidUpTo = n;
    if (random.chance(0.02)) {
      l.paidUpTo = random.int(0, n - 1);
      const missed = dueOn(l, l.paidUpTo);
      if (missed < '2024-01-01' && random.chance(0.2)) {
        const off = addMonths(missed, random.int(12, 24));
        if (off <= CUTOFF) l.writtenOff = off;
      }
    }
  };
  for (const l of loans) schedule(l);

  // ---- The book at the end of 2020: drawn until its balance reaches the target. ----
  const outstanding2020 = s((CREDIT_TARGETS.outstandingEnd2024 - CREDIT_TARGETS.outstandingIncreaseSinceEnd2020) / M) * M;
  const outstanding2024 = s(CREDIT_TARGETS.outstandingEnd2024 / M) * M;
  const ruralAll: number[] = [];
  for (let hh = 1; hh <= N; hh++) if (communeOf(hh).kind === 'rural') ruralAll.push(hh);
  let book2020 = 0;
  while (book2020 < outstanding2020) {
    const year =
      2016 +
      (() => {
        const r = random.next();
        return r < 0.05 ? 0 : r < 0.15 ? 1 : r < 0.32 ? 2 : r < 0.6 ? 3 : 4;
      })();
    const r = random.next();
    const code: Code = r < 0.55 ? 'JOB_CREATION' : r < 0.8 ? 'CLEAN_WATER_SANITATION' : r < 0.95 ? 'DISADVANTAGED_STUDENTS' : 'OVERSEAS_LABOUR';
    let hh = random.int(1, N);
    if (code === 'CLEAN_WATER_SANITATION') hh = random.pick(ruralAll);
    if (code === 'DISADVANTAGED_STUDENTS' && !memberAged(hh, year, 18, 24)) continue;
    if (code === 'OVERSEAS_LABOUR' && !memberAged(hh, year, 18, 35)) continue;
    const date = code === 'DISADVANTAGED_STUDENTS' ? dateIn(year, 9, 10) : dateIn(year);
    const [min, max] = { JOB_CREATION: [30, 100], CLEAN_WATER_SANITATION: [10, 25], DISADVANTAGED_STUDENTS: [15, 40], OVERSEAS_LABOUR: [60, 150] }[
      code as string
    ]!;
    const l = draft(hh, code, date, amount(random, min!, max!), code === 'OVERSEAS_LABOUR' ? 1 : code === 'JOB_CREATION' ? jobDraw() : 0);
    if (year + l.term / 12 <= 2020) {
      loans.pop();
      continue;
    }
    schedule(l);
    book2020 += balanceAt(l, 2020);
  }

  // ---- Exact balances. ----
  const sumAt = (year: number) => loans.reduce((n, l) => n + balanceAt(l, year), 0);
  const lastIndexUpTo = (l: Draft, year: number) => dueBy(l, year) - 1;
  const healthy = (l: Draft) => l.paidUpTo === l.sched.length && l.writtenOff === null;
  // 2020: between the last instalment of 2020 or before and the next one (in 2021-2024).
  const pool2020: Array<{ l: Draft; a: number }> = [];
  for (const l of loans) {
    if (l.y > 2020 || !healthy(l)) continue;
    const a = lastIndexUpTo(l, 2020);
    if (a >= 0 && a + 1 < l.sched.length && l.y + a + 2 <= 2024 && l.sched[a]! > 0) pool2020.push({ l, a });
  }
  spreadShift(random, pool2020, outstanding2020 - sumAt(2020), '2020 balance');
  // 2024: between the last instalment of 2021-2024 and the next one (after 2024).
  const pool2024: Array<{ l: Draft; a: number }> = [];
  for (const l of loans) {
    if (!healthy(l)) continue;
    const a = lastIndexUpTo(l, 2024);
    if (a >= 0 && l.y + a + 1 > 2020 && a + 1 < l.sched.length && l.sched[a]! > 0) pool2024.push({ l, a });
  }
  const before2024 = sumAt(2024);
  spreadShift(random, pool2024, outstanding2024 - before2024, '2024 balance');

  // ---- Capital entrusted. ----
  const capitalTotal = s(CREDIT_TARGETS.capitalEntrustedMillions);
  const byYear = apportion(capitalTotal, [1_650, 2_000, 2_300, 2_768]);
  const capital: CreditData['capital'] = [];
  // One entry per year (YEARS_2021_2024 is the disbursement-year weighting, 100 entries: looping
  // over it dated every tranche 2021 and dropped the rest as NaN).
  CAPITAL_YEARS.forEach((year, i) => {
    const first = Math.round(byYear[i]! * 0.55);
    capital.push({
      year,
      amount: first * M,
      note: `Generated: first tranche of the ${year} city budget capital entrusted to VBSP Hanoi (calibrated to the 8,718 billion VND the city reported)`,
    });
    capital.push({
      year,
      amount: (byYear[i]! - first) * M,
      note: `Generated: second tranche of the ${year} city budget capital entrusted to VBSP Hanoi (calibrated to the 8,718 billion VND the city reported)`,
    });
  });
  return { loans, capital: capital.filter((c) => c.amount > 0), diagnostics: { scheduled2024: before2024, pool2024: pool2024.length, newLoans } };
}

const CAPITAL_YEARS = [2021, 2022, 2023, 2024] as const;

/** Disbursement years 2021-2024 weighted 23/25/26/26 %: drawn with random.pick. */
const YEARS_2021_2024 = [
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  2021,
  ...Array<number>(25).fill(2022),
  ...Array<number>(26).fill(2023),
  ...Array<number>(26).fill(2024),
];
