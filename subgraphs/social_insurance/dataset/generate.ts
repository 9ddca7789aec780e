import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { NEAR_POOR, POOR, type CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import type { SocialInsuranceDatabase, SupportGroup } from '../db/tables.js';
import { writeCityRollups } from '../rollups.js';

/**
 * The social-insurance share of the city data set, written as if every record had gone through
 * this subgraph's mutations (a card's group is the household's classification in the review of
 * the year before; no date after 30 September 2025, the data set's horizon; amounts never
 * negative). Households, members and communes are the plan's (the commune a record carries is
 * the plan household's commune).
 *
 * Distributions:
 * - Health insurance, poor and near-poor: every member (born by the card's year) of every
 *   household on the poor or near-poor list in force in 2022, 2023, 2024 and 2025 (reviews
 *   2021-2024) holds a card valid 1 January to 31 December; members born in the card's year
 *   hold one from 1 July. Granted on a day from 2 to 20 January. The budget pays 100% of the
 *   premium for the poor and 70% for the near-poor (the national minimum). Premium: 4.5% of the
 *   base salary in force on the day the support is granted (1,490,000 VND; 1,800,000 from
 *   1 July 2023; 2,340,000 from 1 July 2024) for each month of the card, paid in advance (a
 *   later rise of the base salary is not re-billed to these records).
 * - Health insurance, middle-income households in farming, forestry or fishery (the plan's
 *   middle-income agricultural households, reviewed MIDDLE_INCOME every year): they enrol as
 *   a household, voluntarily, with the budget paying 30% (the national minimum). Each
 *   enrolling household keeps one anniversary month (January for about a third, any month
 *   otherwise) and one term (3, 6 or 12 months, drawn 25/35/40%); it first enrols in 2022,
 *   2023 or 2024 and renews the next year with probability 0.55. Enough households (in a
 *   random order) enrol in 2022-2024 for the published "more than 179,000" people (aimed at
 *   179,500 at scale 1), the rest may enrol in 2025 only. The published budget of 2022-2024
 *   (137.8 billion VND at scale 1) is then met exactly: the poor and near-poor cards are fixed,
 *   so middle-income terms are shortened (12 to 6 to 3 months, or a renewal dropped) or lengthened
 *   (3 to 6 to 12 months) household by household until the gap is less than the smallest step,
 *   and the gap left (less than the smallest step) is spread evenly, in whole đồng, over the
 *   middle-income cards of the period (rounding of the premium split).
 * - Electricity: households on the poor list in force get 30 kWh a month at the first-tier
 *   household tariff (1,678 VND/kWh; 1,728 from 4 May 2023; 1,806 from 9 November 2023; 1,893
 *   from 11 October 2024), paid by quarter in the quarter's first month.
 * - Tuition (school years 2022-2023 to 2024-2025, the list in force when the school year
 *   starts): pupils aged 3-17 of poor and near-poor households (90% take it up). Poor: tuition
 *   exemption (not in primary school, which is free) and study-cost support of 150,000 VND a
 *   month for 9 months; near-poor: 50% tuition reduction outside primary school. Tuition:
 *   217,000 VND a month in wards, 95,000 in rural communes, 9 months. Granted in October.
 * - Monthly allowances (Hanoi's social assistance standard of 440,000 VND, coefficients of
 *   Decree 20/2021): people turning 80 without a pension (60% of the over-80s, any programme
 *   household; coefficient 1); elderly poor people living without carers (10% of members aged
 *   60+ of households on a poor list; 1.5; ends when the household leaves the list); disability
 *   (2% of the reviewed population, 0.5% elsewhere; 1.5 or 2); orphans (0.3% of children under
 *   16 of the reviewed population; 2.5, 5 under 4; until the year they turn 16); single parents
 *   in poor households (5% of poor households with children under 16; 1 per child); other (0.1%).
 * - Voluntary social insurance (Resolution 03/2022, from July 2022): contribution 22% of
 *   1,500,000 VND a month; support 50% for poor people, 40% for near-poor, 20% for others by
 *   the lists in force on the day paid; 4% of members aged 18-55 of reviewed households, 0.5% of
 *   others; 1 to 3 payments of 3, 6 or 12 months.
 * - Emergency relief: typhoon Yagi (September 2024) in rural communes that have poverty (about
 *   2,400 households at scale 1, 40% of them from the reviewed population), other natural
 *   disasters (about 150 a year), fires (about 120 a year) and other incidents (about 80 a year)
 *   in any commune, 2022 to September 2025; cash and, often, rice or building materials.
 */

const SEED_OFFSET = 404;
const HORIZON = '2025-09-30';

/** The published figures this generator reproduces at scale 1 (2022-01-01 to 2024-12-31). */
export const HEALTH_INSURANCE_TARGETS = { people: 179_500, budget: 137_800_000_000 };

const SHARE: Record<SupportGroup, number> = { poor: 100, near_poor: 70, middle_income_agriculture: 30 };

/** Base salary in force on an ISO date. */
function baseSalary(date: string): number {
  return date >= '2024-07-01' ? 2_340_000 : date >= '2023-07-01' ? 1_800_000 : 1_490_000;
}

/** Monthly health-insurance premium (4.5% of the base salary) on the day it is paid. */
function monthlyPremium(date: string): number {
  return Math.round(baseSalary(date) * 0.045);
}

/** First-tier household electricity tariff (VND per kWh) on a date. */
function tariff(date: string): number {
  return date >= '2024-10-11' ? 1_893 : date >= '2023-11-09' ? 1_806 : date >= '2023-05-04' ? 1_728 : 1_678;
}

const SOCIAL_STANDARD = 440_000;

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
/** Last day of month m (1-12, may exceed 12 for the next years) of year y, as an ISO date. */
function endOfMonth(y: number, m: number): string {
  const date = new Date(Date.UTC(y, m, 0)); // day 0 of the next month
  return date.toISOString().slice(0, 10);
}

/** Column buffers for one table, pushed row by row and inserted in chunks. */
class Columns {
  readonly data: unknown[][];
  constructor(readonly columns: Array<{ name: string; type: string }>) {
    this.data = columns.map(() => []);
  }
  push(...values: unknown[]): void {
    values.forEach((v, i) => this.data[i]!.push(v));
  }
  get length(): number {
    return this.data[0]!.length;
  }
}

interface Enrolment {
  household: number; // index (id - 1)
  year: number;
  month: number; // anniversary month 1-12
  months: number; // 3, 6 or 12; 0 once dropped
  day: number; // grant day in the month
  members: number[]; // member ids covered
}

export async function generateCity(db: Kysely<SocialInsuranceDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + SEED_OFFSET);
  const communeOf = (h: number) => plan.communes[plan.householdCommune[h]!]!;
  const bandIn = (reviewYear: number, h: number) => (h < plan.povertyPopulation ? (plan.bands[reviewYear]?.[h] ?? 255) : 255);
  const membersOf = (h: number) => {
    const ids: number[] = [];
    for (let k = 0; k < plan.memberCount[h]!; k++) ids.push(plan.memberStart[h]! + k);
    return ids;
  };
  const birthYear = (memberId: number) => plan.memberBirthYear[memberId - 1]!;

  await sql`TRUNCATE health_insurance_support, voluntary_insurance_support, tuition_support, electricity_subsidy, social_allowance, emergency_relief RESTART IDENTITY`.execute(
    db,
  );

  // ---------------------------------------------------------------- health insurance
  const cards = new Columns([
    { name: 'member_id', type: 'int8' },
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'year', type: 'int4' },
    { name: 'valid_from', type: 'date' },
    { name: 'valid_to', type: 'date' },
    { name: 'support_group', type: 'text' },
    { name: 'budget_share_percent', type: 'numeric' },
    { name: 'budget_amount', type: 'int8' },
    { name: 'granted_on', type: 'date' },
  ]);
  const inPeriod = (year: number) => year >= 2022 && year <= 2024;
  let poorNearBudget = 0;
  const poorNearPeople = new Set<number>();
  for (const year of [2022, 2023, 2024, 2025]) {
    for (let h = 0; h < plan.povertyPopulation; h++) {
      const band = bandIn(year - 1, h);
      if (band !== POOR && band !== NEAR_POOR) continue;
      const group: SupportGroup = band === POOR ? 'poor' : 'near_poor';
      const granted = iso(year, 1, random.int(2, 20));
      const monthly = monthlyPremium(granted);
      for (const m of membersOf(h)) {
        const born = birthYear(m);
        if (born > year) continue;
        const months = born === year ? 6 : 12;
        const amount = Math.round((months * monthly * SHARE[group]) / 100);
        cards.push(m, h + 1, communeOf(h).code, year, iso(year, born === year ? 7 : 1, 1), iso(year, 12, 31), group, SHARE[group], amount, granted);
        if (inPeriod(year)) {
          poorNearBudget += amount;
          poorNearPeople.add(m);
        }
      }
    }
  }

  // Middle-income agricultural households: who enrols, when, for how long.
  const targetPeople = Math.round(HEALTH_INSURANCE_TARGETS.people * plan.scale);
  const targetBudget = Math.round(HEALTH_INSURANCE_TARGETS.budget * plan.scale);
  const middle: number[] = [];
  for (let h = plan.middleIncomeStart - 1; h < plan.povertyPopulation; h++) middle.push(h);
  for (let i = middle.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [middle[i], middle[j]] = [middle[j]!, middle[i]!];
  }
  const enrolments: Enrolment[] = [];
  const byHousehold = new Map<number, Enrolment[]>();
  const term = (): number => {
    const r = random.next();
    return r < 0.25 ? 3 : r < 0.6 ? 6 : 12;
  };
  const enrol = (h: number, year: number, month: number, months: number): Enrolment | undefined => {
    const members = membersOf(h).filter((m) => birthYear(m) < year);
    if (!members.length) return undefined;
    const e: Enrolment = { household: h, year, month, months, day: random.int(2, 20), members };
    enrolments.push(e);
    byHousehold.set(h, [...(byHousehold.get(h) ?? []), e]);
    return e;
  };
  let people = poorNearPeople.size;
  let k = 0;
  for (; k < middle.length && people < targetPeople; k++) {
    const h = middle[k]!;
    const month = random.chance(0.33) ? 1 : random.int(1, 12);
    const months = term();
    const covered = new Set<number>();
    for (let year = random.int(2022, 2024); year <= 2025; year++) {
      if (year === 2025 && iso(year, month, 20) > HORIZON) break;
      const e = enrol(h, year, month, months);
      if (e && inPeriod(year)) e.members.forEach((m) => covered.add(m));
      if (!random.chance(0.55)) break;
    }
    people += covered.size;
  }
  // The others may enrol in 2025 only.
  for (; k < middle.length; k++) {
    if (!random.chance(0.3)) continue;
    const month = random.int(1, 9);
    enrol(middle[k]!, 2025, month, term());
  }

  const amountOf = (e: Enrolment) => Math.round((e.months * monthlyPremium(iso(e.year, e.month, e.day)) * SHARE.middle_income_agriculture) / 100);
  const budgetOf = (e: Enrolment) => (inPeriod(e.year) ? amountOf(e) * e.members.length : 0);
  let middleBudget = enrolments.reduce((sum, e) => sum + budgetOf(e), 0);
  const targetMiddle = targetBudget - poorNearBudget;
  if (targetMiddle < 0) throw new Error(`social_insurance: poor and near-poor cards alone cost ${poorNearBudget}, more than the budget ${targetBudget}`);
  const active = () => enrolments.filter((e) => inPeriod(e.year) && e.months > 0);
  // Shorten terms (or drop renewals: a household keeps at least one card in the period) until within budget.
  for (let guard = 0; middleBudget > targetMiddle; guard++) {
    if (guard > 50) throw new Error('social_insurance: cannot bring middle-income cards within the budget');
    const list = active();
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    for (const e of list) {
      if (middleBudget <= targetMiddle) break;
      const before = budgetOf(e);
      const siblings = byHousehold.get(e.household)!.filter((x) => inPeriod(x.year) && x.months > 0);
      const previous = siblings.at(-2);
      // A renewal is dropped only when the card before it covers the same people.
      if (e.months === 3 && previous && siblings.at(-1) === e && previous.members.length === e.members.length) {
        e.months = 0; // dropped (left out below)
        middleBudget -= before;
        continue;
      }
      if (e.months === 3) continue;
      e.months = e.months === 12 ? 6 : 3;
      middleBudget += budgetOf(e) - before;
    }
  }
  // Lengthen terms while a step still fits in the gap.
  for (let pass = 0; pass < 3; pass++) {
    for (const e of active()) {
      if (e.months === 12) continue;
      const before = budgetOf(e);
      const next = e.months === 3 ? 6 : 12;
      const step = Math.round((next * monthlyPremium(iso(e.year, e.month, e.day)) * SHARE.middle_income_agriculture) / 100) * e.members.length - before;
      if (middleBudget + step <= targetMiddle) {
        e.months = next;
        middleBudget += step;
      }
    }
  }
  // The gap left (less than the smallest step) is spread evenly, in whole đồng, over the
  // middle-income cards of the period.
  const residual = targetMiddle - middleBudget;
  const spreadOver = active().reduce((n, e) => n + e.members.length, 0);
  let spread = 0;
  let middleCards = 0;
  for (const e of enrolments) {
    if (e.months === 0) continue;
    const granted = iso(e.year, e.month, e.day);
    const validTo = endOfMonth(e.year, e.month + e.months - 1);
    const amount = amountOf(e);
    for (const m of e.members) {
      let extra = 0;
      if (inPeriod(e.year)) {
        extra = Math.floor(residual / spreadOver) + (spread < residual % spreadOver ? 1 : 0);
        spread++;
      }
      middleBudget += extra;
      cards.push(
        m,
        e.household + 1,
        communeOf(e.household).code,
        e.year,
        iso(e.year, e.month, 1),
        validTo,
        'middle_income_agriculture',
        30,
        amount + extra,
        granted,
      );
      middleCards++;
    }
  }
  if (middleBudget !== targetMiddle) throw new Error(`social_insurance: middle-income budget ${middleBudget}, expected ${targetMiddle}`);
  // In person order: the person's indexes then grow at their right edge (cheaper index upkeep).
  const order = Array.from({ length: cards.length }, (_, i) => i);
  const member = cards.data[0] as number[];
  const cardYear = cards.data[3] as number[];
  order.sort((a, b) => member[a]! - member[b]! || cardYear[a]! - cardYear[b]!);
  await bulkInsert(
    db,
    'health_insurance_support',
    cards.columns,
    cards.data.map((column) => order.map((i) => column[i])),
    { emptied: true },
  );
  log(`social_insurance: ${cards.length} health-insurance cards (${middleCards} middle-income agricultural)`);
  // The rollups, from the cards just written (ids follow the insert order, the identity restarted).
  const column = <T>(name: string) => cards.data[cards.columns.findIndex((c) => c.name === name)] as T[];
  // Also records the rules' version: the next start rebuilds nothing.
  const coverage = await writeCityRollups(
    db,
    order.map((i, k) => ({
      id: k + 1,
      member_id: member[i]!,
      commune_code: column<string>('commune_code')[i]!,
      support_group: column<SupportGroup>('support_group')[i]!,
      valid_from: column<string>('valid_from')[i]!,
      valid_to: column<string>('valid_to')[i]!,
      budget_amount: column<number>('budget_amount')[i]!,
      granted_on: column<string>('granted_on')[i]!,
    })),
  );
  log(`social_insurance: ${coverage.rows} health-insurance rollup rows, ${coverage.gaps} cover gaps`);

  // ---------------------------------------------------------------- electricity
  const power = new Columns([
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'period_from', type: 'date' },
    { name: 'period_to', type: 'date' },
    { name: 'months', type: 'int4' },
    { name: 'amount', type: 'int8' },
    { name: 'paid_on', type: 'date' },
  ]);
  for (const year of [2022, 2023, 2024, 2025]) {
    for (let h = 0; h < plan.povertyPopulation; h++) {
      if (bandIn(year - 1, h) !== POOR) continue;
      for (let q = 0; q < 4; q++) {
        const paid = iso(year, 3 * q + 1, random.int(10, 28));
        if (paid > HORIZON) break;
        power.push(h + 1, communeOf(h).code, iso(year, 3 * q + 1, 1), endOfMonth(year, 3 * q + 3), 3, 3 * 30 * tariff(paid), paid);
      }
    }
  }
  await bulkInsert(db, 'electricity_subsidy', power.columns, power.data, { emptied: true });
  log(`social_insurance: ${power.length} electricity subsidies`);

  // ---------------------------------------------------------------- tuition
  const tuition = new Columns([
    { name: 'member_id', type: 'int8' },
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'school_year', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'amount', type: 'int8' },
    { name: 'granted_on', type: 'date' },
  ]);
  for (const start of [2022, 2023, 2024]) {
    for (let h = 0; h < plan.povertyPopulation; h++) {
      const band = bandIn(start - 1, h);
      if (band !== POOR && band !== NEAR_POOR) continue;
      const commune = communeOf(h);
      const fee = (commune.kind === 'ward' ? 217_000 : 95_000) * 9;
      for (const m of membersOf(h)) {
        const age = start - birthYear(m);
        if (age < 3 || age > 17 || !random.chance(0.9)) continue;
        const primary = age >= 6 && age <= 10;
        const granted = iso(start, 10, random.int(1, 31));
        const schoolYear = `${start}-${start + 1}`;
        if (band === POOR) {
          if (!primary) tuition.push(m, h + 1, commune.code, schoolYear, 'tuition_exemption', fee, granted);
          tuition.push(m, h + 1, commune.code, schoolYear, 'study_cost', 150_000 * 9, granted);
        } else if (!primary) {
          tuition.push(m, h + 1, commune.code, schoolYear, 'tuition_reduction', fee / 2, granted);
        }
      }
    }
  }
  await bulkInsert(db, 'tuition_support', tuition.columns, tuition.data, { emptied: true });
  log(`social_insurance: ${tuition.length} tuition supports`);

  // ---------------------------------------------------------------- monthly allowances
  const allowance = new Columns([
    { name: 'member_id', type: 'int8' },
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'monthly_amount', type: 'int8' },
    { name: 'start_date', type: 'date' },
    { name: 'end_date', type: 'date' },
  ]);
  // From `fromYear` (at most 2025: someone born in 2025 starts that year) to the horizon.
  const randomStart = (from: number) => {
    const fromYear = Math.min(2025, from);
    for (;;) {
      const d = iso(random.int(fromYear, 2025), random.int(1, 12), 1);
      if (d <= HORIZON) return d;
    }
  };
  const poorYears = (h: number) => [2022, 2023, 2024, 2025].filter((y) => bandIn(y - 1, h) === POOR);
  for (let h = 0; h < plan.householdCount; h++) {
    const reviewed = h < plan.povertyPopulation;
    const code = communeOf(h).code;
    const onPoorList = reviewed ? poorYears(h) : [];
    const members = membersOf(h);
    for (const m of members) {
      const born = birthYear(m);
      // Turning 80 without a pension.
      if (born + 80 <= 2025 && random.chance(0.6)) {
        const start = iso(born + 80, random.int(1, born + 80 === 2025 ? 9 : 12), 1);
        allowance.push(m, h + 1, code, 'elderly', SOCIAL_STANDARD, start, null);
      } else if (onPoorList.length && born <= onPoorList[0]! - 60 && born + 80 > onPoorList[0]! && random.chance(0.1)) {
        allowance.push(m, h + 1, code, 'elderly', SOCIAL_STANDARD * 1.5, iso(onPoorList[0]!, 1, 1), iso(onPoorList.at(-1)!, 12, 31));
      }
      if (random.chance(reviewed ? 0.02 : 0.005)) {
        const start = randomStart(Math.max(2016, born + 1));
        allowance.push(m, h + 1, code, 'disability', SOCIAL_STANDARD * (random.chance(0.3) ? 2 : 1.5), start, null);
      } else if (reviewed && born >= 2010 && random.chance(0.003)) {
        const start = randomStart(Math.max(2020, born));
        const under4 = Number(start.slice(0, 4)) - born < 4;
        allowance.push(m, h + 1, code, 'orphan', SOCIAL_STANDARD * (under4 ? 5 : 2.5), start, iso(born + 16, 12, 31));
      } else if (reviewed && random.chance(0.001)) {
        allowance.push(m, h + 1, code, 'other', SOCIAL_STANDARD, randomStart(2018), null);
      }
    }
    if (onPoorList.length && random.chance(0.05)) {
      const first = onPoorList[0]!;
      const children = members.filter((m) => birthYear(m) > first - 16 && birthYear(m) <= first).length;
      if (children > 0)
        allowance.push(members[0]!, h + 1, code, 'single_parent_poor', SOCIAL_STANDARD * children, iso(first, 1, 1), iso(onPoorList.at(-1)!, 12, 31));
    }
  }
  await bulkInsert(db, 'social_allowance', allowance.columns, allowance.data, { emptied: true });
  log(`social_insurance: ${allowance.length} monthly allowances`);

  // ---------------------------------------------------------------- voluntary social insurance
  const voluntary = new Columns([
    { name: 'member_id', type: 'int8' },
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'paid_on', type: 'date' },
    { name: 'months', type: 'int4' },
    { name: 'amount', type: 'int8' },
  ]);
  const CONTRIBUTION = Math.round(1_500_000 * 0.22);
  for (let h = 0; h < plan.householdCount; h++) {
    const reviewed = h < plan.povertyPopulation;
    for (const m of membersOf(h)) {
      const born = birthYear(m);
      if (born > 2022 - 18 || born < 2022 - 55 || !random.chance(reviewed ? 0.04 : 0.005)) continue;
      const payments = random.int(1, 3);
      let date = iso(random.int(2022, 2024), random.int(1, 12), random.int(1, 28));
      if (date < '2022-07-01') date = iso(2022, random.int(7, 12), random.int(1, 28));
      for (let p = 0; p < payments && date <= HORIZON; p++) {
        const months = random.pick([3, 6, 12] as const);
        const year = Number(date.slice(0, 4));
        const band = bandIn(year - 1, h);
        const share = band === POOR ? 0.5 : band === NEAR_POOR ? 0.4 : 0.2;
        voluntary.push(m, h + 1, communeOf(h).code, date, months, Math.round(CONTRIBUTION * share) * months);
        const next = new Date(`${date}T00:00:00Z`);
        next.setUTCMonth(next.getUTCMonth() + months);
        date = next.toISOString().slice(0, 10);
      }
    }
  }
  await bulkInsert(db, 'voluntary_insurance_support', voluntary.columns, voluntary.data, { emptied: true });
  log(`social_insurance: ${voluntary.length} voluntary social-insurance supports`);

  // ---------------------------------------------------------------- emergency relief
  const relief = new Columns([
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'event_kind', type: 'text' },
    { name: 'event_date', type: 'date' },
    { name: 'relief_date', type: 'date' },
    { name: 'cash_amount', type: 'int8' },
    { name: 'in_kind_description', type: 'text' },
    { name: 'in_kind_value', type: 'int8' },
  ]);
  const addDays = (date: string, days: number) => {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  const anyHousehold = () => random.int(0, plan.householdCount - 1);
  const reviewedHousehold = () => random.int(0, plan.povertyPopulation - 1);
  const rice = (h: number) => {
    const kg = 15 * plan.memberCount[h]!;
    return { description: `${kg} kg of rice`, value: kg * 15_000 };
  };
  const addRelief = (h: number, kind: string, event: string, maxDelay: number, cash: number, inKind?: { description: string; value: number }) => {
    let date = addDays(event, random.int(1, maxDelay));
    if (date > HORIZON) date = HORIZON;
    relief.push(h + 1, communeOf(h).code, kind, event, date, cash, inKind?.description ?? null, inKind?.value ?? 0);
  };
  // Typhoon Yagi, September 2024: floods in the rural communes with poverty.
  const floodCommunes = new Set(plan.communes.filter((c) => c.kind === 'rural' && c.hasPoverty).map((c) => c.index));
  const yagi = Math.round(2_400 * plan.scale);
  for (let n = 0, tries = 0; n < yagi && tries < yagi * 1000; tries++) {
    const h = random.chance(0.4) ? reviewedHousehold() : anyHousehold();
    if (!floodCommunes.has(plan.householdCommune[h]!)) continue;
    n++;
    addRelief(h, 'natural_disaster', iso(2024, 9, random.int(8, 12)), 30, random.int(2, 10) * 500_000, random.chance(0.7) ? rice(h) : undefined);
  }
  const eventDate = () => {
    for (;;) {
      const d = iso(random.int(2022, 2025), random.int(1, 12), random.int(1, 28));
      if (d <= '2025-09-15') return d;
    }
  };
  const perYear = (n: number) => Math.round(n * 3.7 * plan.scale); // 2022 to September 2025
  for (let n = 0; n < perYear(150); n++) {
    let h = anyHousehold();
    for (let t = 0; t < 20 && !floodCommunes.has(plan.householdCommune[h]!); t++) h = anyHousehold();
    addRelief(h, 'natural_disaster', eventDate(), 20, random.int(2, 6) * 500_000, random.chance(0.6) ? rice(h) : undefined);
  }
  for (let n = 0; n < perYear(120); n++) {
    const h = random.chance(0.3) ? reviewedHousehold() : anyHousehold();
    const materials = random.chance(0.3) ? { description: 'building materials', value: random.int(5, 20) * 1_000_000 } : undefined;
    addRelief(h, 'fire', eventDate(), 14, random.int(5, 30) * 1_000_000, materials);
  }
  for (let n = 0; n < perYear(80); n++) {
    const h = random.chance(0.5) ? reviewedHousehold() : anyHousehold();
    addRelief(h, 'other_incident', eventDate(), 21, random.int(2, 10) * 1_000_000, random.chance(0.3) ? rice(h) : undefined);
  }
  await bulkInsert(db, 'emergency_relief', relief.columns, relief.data, { emptied: true });
  log(`social_insurance: ${relief.length} emergency reliefs`);

  for (const table of [
    'health_insurance_support',
    'voluntary_insurance_support',
    'tuition_support',
    'electricity_subsidy',
    'social_allowance',
    'emergency_relief',
    'health_insurance_rollup',
    'health_insurance_gap',
  ]) {
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
}
