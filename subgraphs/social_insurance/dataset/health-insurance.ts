import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { NEAR_POOR, POOR } from '../../../db/generate/plan.js';
import type { SocialInsuranceDatabase, SupportGroup } from '../db/tables.js';
import { writeCityRollups } from '../rollups.js';
import { Columns, HORIZON, endOfMonth, iso, type City } from './city.js';

// Health-insurance cards of the city data set (the rules: generate.ts), and their rollups.

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

interface Enrolment {
  household: number; // index (id - 1)
  year: number;
  month: number; // anniversary month 1-12
  months: number; // 3, 6 or 12; 0 once dropped
  day: number; // grant day in the month
  members: number[]; // member ids covered
}

/** The cards of the poor, the near-poor and middle-income farming households, then their rollups. */
export async function writeHealthInsurance(
  db: Kysely<SocialInsuranceDatabase>,
  { plan, random, communeOf, bandIn, membersOf, birthYear, log }: City,
): Promise<void> {
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
}
