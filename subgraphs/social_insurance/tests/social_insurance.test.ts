import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPopulation } from '../../../db/demo.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import { registry } from '../../registry/index.js';
import { socialInsurance } from '../index.js';
import { demoSocialRecords } from '../seed.js';
import { onlyError, startTestStack, type TestStack } from '../../../tests/support/stack.js';
import { expectPublicAmount, expectPublicCount } from '../../../tests/support/disclosure.js';

// These tests are about this department's answers, so callers without a token may send any
// document; the gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, socialInsurance] });
});
afterAll(async () => {
  await stack?.close();
});

const population = demoPopulation();
const records = demoSocialRecords(population);
const classification = (h: (typeof population)[number], year: number) => h.reviews.find((r) => r.year === year)!.classification;
/** A household on the poor list of 2024 (review 2023) with at least two members. */
const poor2023 = population.find((h) => classification(h, 2023) === 'poor' && h.members.length >= 2)!;
/** Poor in review 2023, near-poor in review 2024: NEAR_POOR cards for 2025 only. */
const poorThenNear = population.find((h) => classification(h, 2023) === 'poor' && classification(h, 2024) === 'near_poor' && h.members.length >= 2)!;
/** Near-poor in review 2024 (a different household, for the other writes). */
const nearPoor2024 = population.find((h) => classification(h, 2024) === 'near_poor' && h.id !== poorThenNear.id)!;
/** Middle-income in review 2023 and given no card for 2024 (not in farming, in the demo). */
const middle2023 = population.find(
  (h) => classification(h, 2023) === 'middle_income' && !records.cards.some((c) => c.household_id === h.id && c.year === 2024),
)!;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
const tomorrow = addDays(todayInHanoi(), 1);

const TABLES = ['health_insurance_support', 'voluntary_insurance_support', 'tuition_support', 'electricity_subsidy', 'social_allowance', 'emergency_relief'];

async function rowCounts(): Promise<Record<string, number>> {
  const db = stack.databases.kysely<any>('social_insurance');
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = (await db
      .selectFrom(table)
      .select((eb: any) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()) as { n: unknown };
    counts[table] = Number(row.n);
  }
  return counts;
}

const FIGURES = `healthInsurance { people budget byGroup { group people budget } }
  voluntaryInsurance { people months amount } tuition { pupils amount } electricity { households amount }
  allowances { recipients amount } emergencyRelief { events households cash inKindValue }`;

/** Expected allowance months of one allowance in a period, per the documented rule. */
function allowanceMonths(start: string, end: string | null, from: string, to: string): number {
  const idx = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  const first = idx(from) + (from.endsWith('-01') ? 0 : 1);
  const last = idx(to);
  const lo = Math.max(idx(start), first);
  const hi = Math.min(end ? idx(end) : last, last);
  return Math.max(0, hi - lo + 1);
}

describe('a household through the gateway', () => {
  it('reads the registry data and the social-support records together', async () => {
    const r = await stack.query(
      `query($id: ID!) { household(id: $id) { id address members { id fullName } latestReview(year: 2023) { classification }
        socialSupport {
          healthInsuranceCards { member { id fullName } household { id } commune { code name } year validFrom validTo supportGroup budgetSharePercent budgetAmount grantedOn }
          electricitySubsidies { months amount periodFrom periodTo commune { code } }
          tuitionSupports { member { id } schoolYear kind amount }
          socialAllowances { member { id } category monthlyAmount endDate }
          voluntaryContributions { months amount }
          emergencyReliefs { eventKind cashAmount totalValue }
        } } }`,
      { id: String(poor2023.id) },
    );
    expect(r.errors).toBeUndefined();
    const h = r.data.household;
    expect(h.latestReview.classification).toBe('POOR');
    expect(h.members).toHaveLength(poor2023.members.length);
    const cards2024 = h.socialSupport.healthInsuranceCards.filter((c: any) => c.year === 2024);
    expect(cards2024).toHaveLength(poor2023.members.length);
    const names = new Map(h.members.map((m: any) => [m.id, m.fullName]));
    for (const card of cards2024) {
      expect(card).toMatchObject({
        household: { id: String(poor2023.id) },
        commune: { code: poor2023.communeCode },
        validFrom: '2024-01-01',
        validTo: '2024-12-31',
        supportGroup: 'POOR',
        budgetSharePercent: 100,
        budgetAmount: '1263600',
      });
      // The member's name comes from the registry through the gateway.
      expect(card.member.fullName).toBe(names.get(card.member.id));
      expect(card.commune.name).toEqual(expect.any(String));
    }
    expect(h.socialSupport.electricitySubsidies).toContainEqual({
      months: 12,
      amount: '648000',
      periodFrom: '2024-01-01',
      periodTo: '2024-12-31',
      commune: { code: poor2023.communeCode },
    });
    const expectedTuition = records.tuition.filter((t) => t.household_id === poor2023.id).length;
    expect(h.socialSupport.tuitionSupports).toHaveLength(expectedTuition);
  });
});

describe('social figures', () => {
  it('gives all 126 communes and the city, adding up to the demo records', async () => {
    const period = { from: '2024-01-01', to: '2024-12-31' };
    const r = await stack.query(
      `query($from: Date!, $to: Date!) { communes { code name socialFigures(from: $from, to: $to) { from to ${FIGURES} } }
        city { name socialFigures(from: $from, to: $to) { ${FIGURES} } } }`,
      period,
    );
    expect(r.errors).toBeUndefined();
    const communes = r.data.communes;
    expect(communes).toHaveLength(126);
    const city = r.data.city.socialFigures;

    const cards2024 = records.cards.filter((c) => c.year === 2024);
    expect(city.healthInsurance.people).toBe(new Set(cards2024.map((c) => c.member_id)).size);
    expect(city.healthInsurance.budget).toBe(String(cards2024.reduce((s, c) => s + c.budget_amount, 0)));
    const poorCards = cards2024.filter((c) => c.support_group === 'poor');
    expect(city.healthInsurance.byGroup.find((g: any) => g.group === 'POOR')).toEqual({
      group: 'POOR',
      people: poorCards.length,
      budget: String(poorCards.length * 1_263_600),
    });
    expect(poorCards.length).toBeGreaterThan(0);

    const electricity2024 = records.electricity.filter((e) => e.paid_on.startsWith('2024'));
    expect(city.electricity).toEqual({
      households: electricity2024.length,
      amount: String(electricity2024.reduce((s, e) => s + e.amount, 0)),
    });
    const allowanceAmount = records.allowances.reduce(
      (s, a) => s + a.monthly_amount * allowanceMonths(a.start_date, a.end_date ?? null, period.from, period.to),
      0,
    );
    expect(allowanceAmount).toBeGreaterThan(0);
    expect(city.allowances.amount).toBe(String(allowanceAmount));

    // Every person and household is in one commune in the demo: the communes add up to the city.
    const sum = (pick: (f: any) => number | string) => communes.reduce((s: number, c: any) => s + Number(pick(c.socialFigures)), 0);
    expect(sum((f) => f.healthInsurance.people)).toBe(city.healthInsurance.people);
    expect(sum((f) => f.healthInsurance.budget)).toBe(Number(city.healthInsurance.budget));
    expect(sum((f) => f.voluntaryInsurance.amount)).toBe(Number(city.voluntaryInsurance.amount));
    expect(sum((f) => f.tuition.amount)).toBe(Number(city.tuition.amount));
    expect(sum((f) => f.electricity.households)).toBe(city.electricity.households);
    expect(sum((f) => f.allowances.amount)).toBe(Number(city.allowances.amount));
    expect(sum((f) => f.emergencyRelief.cash)).toBe(Number(city.emergencyRelief.cash));
    const home = communes.find((c: any) => c.code === poor2023.communeCode).socialFigures;
    expect(home.healthInsurance.people).toBeGreaterThanOrEqual(poor2023.members.length);
    expect(home).toMatchObject(period);
  });

  it('counts people once over 2022-2024 (the published window) and splits by group', async () => {
    const r = await stack.query(`{ city { socialFigures(from: "2022-01-01", to: "2024-12-31") { ${FIGURES} } } }`);
    expect(r.errors).toBeUndefined();
    const hi = r.data.city.socialFigures.healthInsurance;
    expect(hi.people).toBe(new Set(records.cards.map((c) => c.member_id)).size);
    expect(hi.people).toBeLessThan(records.cards.length); // people with cards in 2023 and 2024 count once
    expect(hi.budget).toBe(String(records.cards.reduce((s, c) => s + c.budget_amount, 0)));
    expect(hi.byGroup.map((g: any) => g.group)).toEqual(['POOR', 'NEAR_POOR', 'MIDDLE_INCOME_AGRICULTURE']);
    const relief = r.data.city.socialFigures.emergencyRelief;
    expect(relief.events).toBe(records.relief.length);
    expect(relief.cash).toBe(String(records.relief.reduce((s, x) => s + x.cash_amount, 0)));
  });

  it('refuses a period that ends before it starts', async () => {
    const r = await stack.query(`{ city { socialFigures(from: "2024-12-31", to: "2024-01-01") { healthInsurance { people } } } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe('health-insurance coverage', () => {
  const COVERAGE = `query($ids: [ID!]!, $date: Date!) { healthInsuranceCoverage(householdIds: $ids, date: $date) {
    household { id members { id } } date memberCount coveredMembers { id fullName } uncoveredMembers { id } cards { year supportGroup } coveragePercent } }`;

  it('shows every member of the 2024 poor and near-poor lists covered, and others not', async () => {
    const listed = population.filter((h) => ['poor', 'near_poor'].includes(classification(h, 2023)));
    const r = await stack.query(COVERAGE, { ids: [...listed.map((h) => String(h.id)), String(middle2023.id)], date: '2024-06-30' });
    expect(r.errors).toBeUndefined();
    const rows = r.data.healthInsuranceCoverage;
    expect(rows).toHaveLength(listed.length + 1);
    for (const [i, h] of listed.entries()) {
      expect(rows[i]).toMatchObject({ household: { id: String(h.id) }, memberCount: h.members.length, coveragePercent: 100, uncoveredMembers: [] });
      expect(rows[i].coveredMembers.map((m: any) => m.id)).toEqual(rows[i].household.members.map((m: any) => m.id));
    }
    const other = rows.at(-1);
    expect(other).toMatchObject({ memberCount: middle2023.members.length, coveredMembers: [], cards: [], coveragePercent: 0 });
    // After the cards expire nobody is covered.
    const later = await stack.query(COVERAGE, { ids: [String(poor2023.id)], date: '2025-01-01' });
    expect(later.data.healthInsuranceCoverage[0]).toMatchObject({ coveredMembers: [], coveragePercent: 0 });
  });

  it('refuses an unknown household, naming it', async () => {
    const r = await stack.query(COVERAGE, { ids: [String(poor2023.id), '999999'], date: '2024-06-30' });
    expect(onlyError(r).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'householdIds[1]' });
  });
});

const GRANT_HI = `mutation($input: GrantHealthInsuranceSupportInput!) { grantHealthInsuranceSupport(input: $input) {
  healthInsuranceSupport { id year supportGroup budgetSharePercent budgetAmount member { id } household { id } commune { code } } } }`;
const VOLUNTARY = `mutation($input: SupportVoluntaryContributionInput!) { supportVoluntaryContribution(input: $input) {
  voluntaryInsuranceSupport { id months amount household { id } } } }`;
const TUITION = `mutation($input: GrantTuitionSupportInput!) { grantTuitionSupport(input: $input) {
  tuitionSupport { id schoolYear kind amount member { id } } } }`;
const ELECTRICITY = `mutation($input: GrantElectricitySubsidyInput!) { grantElectricitySubsidy(input: $input) {
  electricitySubsidy { id months amount commune { code } } } }`;
const ALLOWANCE = `mutation($input: StartSocialAllowanceInput!) { startSocialAllowance(input: $input) {
  socialAllowance { id category monthlyAmount startDate endDate } } }`;
const RELIEF = `mutation($input: RecordEmergencyReliefInput!) { recordEmergencyRelief(input: $input) {
  emergencyRelief { id eventKind cashAmount inKindValue totalValue inKindDescription } } }`;

describe('mutations', () => {
  const member = poorThenNear.members[0]!;
  const hiInput = {
    memberId: String(member.id),
    year: 2025,
    validFrom: '2025-01-01',
    validTo: '2025-12-31',
    supportGroup: 'NEAR_POOR',
    budgetSharePercent: 70,
    budgetAmount: '884520',
    grantedOn: '2025-01-10',
  };

  it('grants a health-insurance card by the lists in force (review of the year before)', async () => {
    const before = await stack.query(`{ city { socialFigures(from: "2025-01-01", to: "2025-12-31") { healthInsurance { people budget } } } }`);
    const r = await stack.query(GRANT_HI, { input: hiInput });
    expect(r.errors).toBeUndefined();
    expect(r.data.grantHealthInsuranceSupport.healthInsuranceSupport).toMatchObject({
      year: 2025,
      supportGroup: 'NEAR_POOR',
      budgetSharePercent: 70,
      budgetAmount: '884520',
      member: { id: String(member.id) },
      household: { id: String(poorThenNear.id) },
      commune: { code: poorThenNear.communeCode },
    });
    const after = await stack.query(`{ city { socialFigures(from: "2025-01-01", to: "2025-12-31") { healthInsurance { people budget } } } }`);
    expect(after.data.city.socialFigures.healthInsurance.people).toBe(before.data.city.socialFigures.healthInsurance.people + 1);
    expect(Number(after.data.city.socialFigures.healthInsurance.budget)).toBe(Number(before.data.city.socialFigures.healthInsurance.budget) + 884_520);
    const coverage = await stack.query(`{ healthInsuranceCoverage(householdIds: ["${poorThenNear.id}"], date: "2025-03-01") { coveredMembers { id } } }`);
    expect(coverage.data.healthInsuranceCoverage[0].coveredMembers).toEqual([{ id: String(member.id) }]);

    // A second card for the same person and year is refused, naming the year.
    const counts = await rowCounts();
    const again = await stack.query(GRANT_HI, { input: hiInput });
    expect(onlyError(again).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect(await rowCounts()).toEqual(counts);
  });

  it('records each other kind of support', async () => {
    const person = String(nearPoor2024.members[0]!.id);
    const household = String(nearPoor2024.id);
    const before = await rowCounts();

    const v = await stack.query(VOLUNTARY, { input: { memberId: person, paidOn: '2025-03-15', months: 6, amount: '594000' } });
    expect(v.errors).toBeUndefined();
    expect(v.data.supportVoluntaryContribution.voluntaryInsuranceSupport).toMatchObject({ months: 6, amount: '594000', household: { id: household } });

    const t = await stack.query(TUITION, {
      input: { memberId: person, schoolYear: '2024-2025', kind: 'TUITION_EXEMPTION', amount: '1500000', grantedOn: '2024-09-20' },
    });
    expect(t.errors).toBeUndefined();
    expect(t.data.grantTuitionSupport.tuitionSupport).toMatchObject({ schoolYear: '2024-2025', kind: 'TUITION_EXEMPTION', amount: '1500000' });

    const e = await stack.query(ELECTRICITY, {
      input: { householdId: household, periodFrom: '2025-01-01', periodTo: '2025-06-30', amount: '324000', paidOn: '2025-07-05' },
    });
    expect(e.errors).toBeUndefined();
    expect(e.data.grantElectricitySubsidy.electricitySubsidy).toMatchObject({ months: 6, amount: '324000', commune: { code: nearPoor2024.communeCode } });

    const a = await stack.query(ALLOWANCE, {
      input: { memberId: person, category: 'DISABILITY', monthlyAmount: '810000', startDate: '2025-02-10', endDate: '2025-05-31' },
    });
    expect(a.errors).toBeUndefined();
    expect(a.data.startSocialAllowance.socialAllowance).toMatchObject({ category: 'DISABILITY', monthlyAmount: '810000', endDate: '2025-05-31' });

    const f = await stack.query(RELIEF, {
      input: {
        householdId: household,
        eventKind: 'FIRE',
        eventDate: '2025-04-02',
        reliefDate: '2025-04-03',
        cashAmount: '5000000',
        inKindDescription: 'rice',
        inKindValue: '500000',
      },
    });
    expect(f.errors).toBeUndefined();
    expect(f.data.recordEmergencyRelief.emergencyRelief).toMatchObject({ eventKind: 'FIRE', totalValue: '5500000', inKindDescription: 'rice' });

    const after = await rowCounts();
    for (const table of TABLES.slice(1)) expect(after[table]).toBe(before[table]! + 1);

    // The allowance counts February to May 2025 (four months) in the year's figures.
    const figures = await stack.query(
      `query($code: ID!) { commune(code: $code) { socialFigures(from: "2025-01-01", to: "2025-12-31") { allowances { recipients amount } emergencyRelief { events cash inKindValue } } } }`,
      { code: nearPoor2024.communeCode },
    );
    const communeAllowances = records.allowances
      .filter((x) => x.commune_code === nearPoor2024.communeCode)
      .reduce((s, x) => s + x.monthly_amount * allowanceMonths(x.start_date, x.end_date ?? null, '2025-01-01', '2025-12-31'), 0);
    expect(Number(figures.data.commune.socialFigures.allowances.amount)).toBe(communeAllowances + 4 * 810_000);
    expect(figures.data.commune.socialFigures.emergencyRelief).toMatchObject({ cash: '5000000', inKindValue: '500000' });

    const support = await stack.query(`{ household(id: "${household}") { socialSupport { socialAllowances { category } emergencyReliefs { eventKind } } } }`);
    expect(support.data.household.socialSupport.socialAllowances).toContainEqual({ category: 'DISABILITY' });
    expect(support.data.household.socialSupport.emergencyReliefs).toContainEqual({ eventKind: 'FIRE' });
  });
});

describe('refusals: BAD_USER_INPUT naming the field, nothing written', () => {
  const person = () => String(nearPoor2024.members[0]!.id);
  const household = () => String(nearPoor2024.id);
  const hi = (over: Record<string, unknown>) => ({
    memberId: String(poorThenNear.members.at(-1)!.id),
    year: 2025,
    validFrom: '2025-01-01',
    validTo: '2025-12-31',
    supportGroup: 'NEAR_POOR',
    budgetSharePercent: 70,
    budgetAmount: '884520',
    grantedOn: '2025-01-10',
    ...over,
  });
  const vol = (over: Record<string, unknown>) => ({ memberId: person(), paidOn: '2025-03-15', months: 6, amount: '594000', ...over });
  const tui = (over: Record<string, unknown>) => ({
    memberId: person(),
    schoolYear: '2024-2025',
    kind: 'STUDY_COST',
    amount: '800000',
    grantedOn: '2024-09-20',
    ...over,
  });
  const ele = (over: Record<string, unknown>) => ({
    householdId: household(),
    periodFrom: '2025-01-01',
    periodTo: '2025-03-31',
    amount: '162000',
    paidOn: '2025-04-01',
    ...over,
  });
  const all = (over: Record<string, unknown>) => ({ memberId: person(), category: 'ELDERLY', monthlyAmount: '540000', startDate: '2025-01-01', ...over });
  const rel = (over: Record<string, unknown>) => ({
    householdId: household(),
    eventKind: 'NATURAL_DISASTER',
    eventDate: '2025-07-01',
    reliefDate: '2025-07-03',
    cashAmount: '2000000',
    ...over,
  });

  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['health insurance: unknown person', GRANT_HI, hi({ memberId: '999999' }), 'memberId'],
    ['health insurance: negative amount', GRANT_HI, hi({ budgetAmount: '-1' }), 'budgetAmount'],
    ['health insurance: validTo before validFrom', GRANT_HI, hi({ validTo: '2024-12-31' }), 'validTo'],
    ['health insurance: granted in the future', GRANT_HI, hi({ grantedOn: tomorrow }), 'grantedOn'],
    ['health insurance: share over 100%', GRANT_HI, hi({ budgetSharePercent: 120 }), 'budgetSharePercent'],
    // The household was poor in review 2023 but near-poor in review 2024: POOR is not justified for 2025.
    ['health insurance: POOR not on the lists in force', GRANT_HI, hi({ supportGroup: 'POOR', budgetSharePercent: 100 }), 'supportGroup'],
    [
      'health insurance: MIDDLE_INCOME_AGRICULTURE for a near-poor household',
      GRANT_HI,
      hi({ supportGroup: 'MIDDLE_INCOME_AGRICULTURE', budgetSharePercent: 30 }),
      'supportGroup',
    ],
    ['health insurance: no review in the year before', GRANT_HI, hi({ year: 2026, validFrom: '2026-01-01', validTo: '2026-12-31' }), 'supportGroup'],
    [
      'health insurance: NEAR_POOR for a middle-income household',
      GRANT_HI,
      hi({ memberId: String(middle2023.members[0]!.id), year: 2024, validFrom: '2024-01-01', validTo: '2024-12-31' }),
      'supportGroup',
    ],
    ['voluntary: unknown person', VOLUNTARY, vol({ memberId: '999999' }), 'memberId'],
    ['voluntary: negative amount', VOLUNTARY, vol({ amount: '-5' }), 'amount'],
    ['voluntary: paid in the future', VOLUNTARY, vol({ paidOn: tomorrow }), 'paidOn'],
    ['voluntary: no months', VOLUNTARY, vol({ months: 0 }), 'months'],
    ['tuition: unknown person', TUITION, tui({ memberId: '999999' }), 'memberId'],
    ['tuition: negative amount', TUITION, tui({ amount: '-100' }), 'amount'],
    ['tuition: granted in the future', TUITION, tui({ grantedOn: tomorrow }), 'grantedOn'],
    ['tuition: not a school year', TUITION, tui({ schoolYear: '2025-2023' }), 'schoolYear'],
    ['electricity: unknown household', ELECTRICITY, ele({ householdId: '999999' }), 'householdId'],
    ['electricity: periodTo before periodFrom', ELECTRICITY, ele({ periodTo: '2024-12-31' }), 'periodTo'],
    ['electricity: negative amount', ELECTRICITY, ele({ amount: '-1' }), 'amount'],
    ['electricity: paid in the future', ELECTRICITY, ele({ paidOn: tomorrow }), 'paidOn'],
    ['allowance: unknown person', ALLOWANCE, all({ memberId: '999999' }), 'memberId'],
    ['allowance: negative monthly amount', ALLOWANCE, all({ monthlyAmount: '-540000' }), 'monthlyAmount'],
    ['allowance: end before start', ALLOWANCE, all({ endDate: '2024-12-31' }), 'endDate'],
    ['allowance: starts in the future', ALLOWANCE, all({ startDate: tomorrow }), 'startDate'],
    ['relief: unknown household', RELIEF, rel({ householdId: '999999' }), 'householdId'],
    ['relief: negative cash', RELIEF, rel({ cashAmount: '-1' }), 'cashAmount'],
    ['relief: negative value in kind', RELIEF, rel({ inKindValue: '-1', inKindDescription: 'rice' }), 'inKindValue'],
    ['relief: event in the future', RELIEF, rel({ eventDate: tomorrow, reliefDate: tomorrow }), 'eventDate'],
    ['relief: relief in the future', RELIEF, rel({ reliefDate: tomorrow }), 'reliefDate'],
    ['relief: relief before the event', RELIEF, rel({ reliefDate: '2025-06-30' }), 'reliefDate'],
    ['relief: value in kind without saying what', RELIEF, rel({ inKindValue: '300000' }), 'inKindDescription'],
    ['relief: nothing given', RELIEF, rel({ cashAmount: '0' }), 'cashAmount'],
  ];

  it.each(cases)('%s', async (_name, mutation, input, field) => {
    const before = await rowCounts();
    const r = await stack.query(mutation, { input });
    expect(r.data ?? null).toBeNull();
    expect(onlyError(r).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await rowCounts()).toEqual(before);
  });

  it('the valid version of the refused health-insurance input is accepted (the refusals are not vacuous)', async () => {
    const r = await stack.query(GRANT_HI, { input: hi({}) });
    expect(r.errors).toBeUndefined();
  });
});

describe('N+1 guards (social_insurance)', () => {
  // They measure computation, so kept answers are off here: a kept answer costs fewer statements
  // (its versions only; tests/kept-figures.test.ts counts those).
  beforeAll(() => {
    process.env.KEPT_FIGURES = 'off';
  });
  afterAll(() => {
    delete process.env.KEPT_FIGURES;
  });
  async function statementsFor(query: string, variables?: Record<string, unknown>, url?: string) {
    stack.databases.statements.reset();
    const r = await stack.query(query, variables, url);
    expect(r.errors).toBeUndefined();
    return { statements: stack.databases.statements.get('social_insurance'), data: r.data };
  }

  it('social figures for all 126 communes cost the same statements as for 2', async () => {
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code
      a: socialFigures(from: "2024-01-01", to: "2024-12-31") { ${FIGURES} }
      b: socialFigures(from: "2022-01-01", to: "2024-12-31") { healthInsurance { people } } } }`;
    const small = await statementsFor(q, { codes: ['00070', poor2023.communeCode] });
    const large = await statementsFor(q, { codes: null });
    expect(large.data.communes).toHaveLength(126);
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: social figures of 126 communes (2 periods) = ${large.statements} SQL statements`);
  });

  it('_entities for 500 households with socialSupport costs the same statements as for 5', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { id socialSupport {
      healthInsuranceCards { id year supportGroup budgetAmount member { id } commune { code } }
      voluntaryContributions { id amount } tuitionSupports { id amount } electricitySubsidies { id amount }
      socialAllowances { id monthlyAmount } emergencyReliefs { id cashAmount } } } } }`;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Household', id: String(i + 1) }));
    const small = await statementsFor(q, { r: reps(5) }, stack.subgraphUrls.social_insurance);
    const large = await statementsFor(q, { r: reps(500) }, stack.subgraphUrls.social_insurance);
    expect(large.data._entities).toHaveLength(500);
    const cards = large.data._entities.reduce((n: number, e: any) => n + e.socialSupport.healthInsuranceCards.length, 0);
    expect(cards).toBeGreaterThanOrEqual(records.cards.length);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: _entities for 500 households with socialSupport (${cards} cards) = ${large.statements} SQL statements`);
  });
});

describe('the audit trail (social_insurance)', () => {
  // Writes: refused attempts are audited too, as REFUSED events (counted below).
  const TRAIL = `query($h: ID) { socialInsuranceAuditTrail(first: 10, filter: { householdId: $h, action: WRITE }) { totalCount
    edges { node { subject roles action fields householdIds } } } }`;
  const trail = async (householdId?: string) => {
    const r = await stack.query(TRAIL, { h: householdId ?? null });
    expect(r.errors).toBeUndefined();
    return r.data.socialInsuranceAuditTrail as { totalCount: number; edges: Array<{ node: any }> };
  };
  /** Near-poor in review 2024 and untouched by the tests above: a 2025 card is new for it. */
  const subject = population.find((h) => classification(h, 2024) === 'near_poor' && h.id !== poorThenNear.id && h.id !== nearPoor2024.id)!;

  it('records each accepted write once, naming its household, and a refused one as a refusal, never as a write', async () => {
    const writer = await stack.token({ sub: 'test-si-writer', roles: ['social_insurance-writer'] });
    const person = String(subject.members[0]!.id);
    const household = String(subject.id);
    const before = await trail();
    const refusals = async () =>
      (await stack.query(`{ socialInsuranceAuditTrail(filter: { action: REFUSED }) { totalCount } }`)).data.socialInsuranceAuditTrail.totalCount as number;
    const refusedBefore = await refusals();
    const rowsBefore = await rowCounts();

    const relief = { householdId: household, eventKind: 'FIRE', eventDate: '2025-02-01', reliefDate: '2025-02-02', cashAmount: '1000000' };
    const refused = [
      // Refused by the access rules (a registry writer, an analyst, no token) and by the business rules.
      [await stack.query(RELIEF, { input: relief }, undefined, await stack.token({ roles: ['registry-writer'] })), 'FORBIDDEN'],
      [await stack.query(RELIEF, { input: relief }, undefined, await stack.token({ roles: ['analyst'] })), 'FORBIDDEN'],
      [await stack.query(RELIEF, { input: relief }, stack.subgraphUrls.social_insurance, null), 'UNAUTHENTICATED'],
      [await stack.query(RELIEF, { input: { ...relief, cashAmount: '0' } }, undefined, writer), 'BAD_USER_INPUT'],
    ] as const;
    for (const [r, code] of refused) expect(onlyError(r).extensions?.code).toBe(code);
    expect((await trail()).totalCount).toBe(before.totalCount);
    // The two refusals the subgraph saw (the other two were refused at the gateway).
    expect(await refusals()).toBe(refusedBefore + 2);
    expect(await rowCounts()).toEqual(rowsBefore);

    const writes: Array<[string, string, Record<string, unknown>]> = [
      [
        'grantHealthInsuranceSupport',
        GRANT_HI,
        {
          memberId: person,
          year: 2025,
          validFrom: '2025-01-01',
          validTo: '2025-12-31',
          supportGroup: 'NEAR_POOR',
          budgetSharePercent: 70,
          budgetAmount: '884520',
          grantedOn: '2025-01-12',
        },
      ],
      ['supportVoluntaryContribution', VOLUNTARY, { memberId: person, paidOn: '2025-03-15', months: 3, amount: '297000' }],
      ['grantTuitionSupport', TUITION, { memberId: person, schoolYear: '2024-2025', kind: 'STUDY_COST', amount: '400000', grantedOn: '2024-09-20' }],
      [
        'grantElectricitySubsidy',
        ELECTRICITY,
        { householdId: household, periodFrom: '2025-01-01', periodTo: '2025-01-31', amount: '54000', paidOn: '2025-02-01' },
      ],
      ['startSocialAllowance', ALLOWANCE, { memberId: person, category: 'OTHER', monthlyAmount: '500000', startDate: '2025-01-01' }],
      ['recordEmergencyRelief', RELIEF, relief],
    ];
    for (const [, mutation, input] of writes) expect((await stack.query(mutation, { input }, undefined, writer)).errors).toBeUndefined();

    const after = await trail(household);
    expect((await trail()).totalCount).toBe(before.totalCount + writes.length);
    // Newest first: one event per write, each naming the household and the mutation.
    expect(after.edges.slice(0, writes.length).map((e) => e.node)).toEqual(
      writes
        .map(([name]) => ({ subject: 'test-si-writer', roles: ['social_insurance-writer'], action: 'WRITE', fields: [name], householdIds: [household] }))
        .reverse(),
    );
  });

  it('rolls the write back when its audit record cannot be written (one transaction)', async () => {
    const db = stack.databases.kysely<any>('social_insurance');
    // Refuse audit rows of one subject only, so that nothing else in the file is affected.
    await sql`ALTER TABLE audit_event ADD CONSTRAINT test_refuse_subject CHECK (subject <> 'test-audit-breaker') NOT VALID`.execute(db);
    try {
      const breaker = await stack.token({ sub: 'test-audit-breaker', roles: ['social_insurance-writer'] });
      const before = await rowCounts();
      const r = await stack.query(
        RELIEF,
        {
          input: { householdId: String(subject.id), eventKind: 'OTHER_INCIDENT', eventDate: '2025-03-01', reliefDate: '2025-03-01', cashAmount: '300000' },
        },
        undefined,
        breaker,
      );
      expect(r.errors?.length).toBeGreaterThan(0);
      expect(await rowCounts()).toEqual(before);
    } finally {
      await sql`ALTER TABLE audit_event DROP CONSTRAINT test_refuse_subject`.execute(db);
    }
  });

  it('is for administrators only', async () => {
    for (const roles of [['analyst'], ['social_insurance-writer']]) {
      const r = await stack.query(`{ socialInsuranceAuditTrail { totalCount } }`, undefined, undefined, await stack.token({ roles }));
      expect(onlyError(r).extensions?.code).toBe('FORBIDDEN');
    }
    expect(onlyError(await stack.query(`{ socialInsuranceAuditTrail { totalCount } }`, undefined, undefined, null)).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('commune scope (social_insurance)', () => {
  const SUPPORT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { id socialSupport {
    healthInsuranceCards { id } voluntaryContributions { id } tuitionSupports { id } electricitySubsidies { id } socialAllowances { id } emergencyReliefs { id } } } } }`;
  const elsewhere = (code: string) => (code === '00004' ? '00007' : '00004');

  it("shows a caseworker its communes' records and leaves the others out", async () => {
    const reps = { r: [{ __typename: 'Household', id: String(poor2023.id) }] };
    const all = await stack.query(SUPPORT, reps, stack.subgraphUrls.social_insurance);
    const here = await stack.query(
      SUPPORT,
      reps,
      stack.subgraphUrls.social_insurance,
      await stack.token({ roles: ['caseworker'], communes: [poor2023.communeCode] }),
    );
    const there = await stack.query(
      SUPPORT,
      reps,
      stack.subgraphUrls.social_insurance,
      await stack.token({ roles: ['caseworker'], communes: [elsewhere(poor2023.communeCode)] }),
    );
    for (const r of [all, here, there]) expect(r.errors).toBeUndefined();
    expect(all.data._entities[0].socialSupport.healthInsuranceCards.length).toBeGreaterThan(0);
    // The demo's households never move: every record lies in the household's commune.
    expect(here.data).toEqual(all.data);
    expect(there.data._entities[0].socialSupport).toEqual({
      healthInsuranceCards: [],
      voluntaryContributions: [],
      tuitionSupports: [],
      electricitySubsidies: [],
      socialAllowances: [],
      emergencyReliefs: [],
    });
  });

  it('refuses coverage of a household outside the caseworker’s communes exactly as of an unknown one', async () => {
    const q = `query($ids: [ID!]!) { healthInsuranceCoverage(householdIds: $ids, date: "2024-06-30") { household { id } memberCount cards { id } } }`;
    const ids = { ids: [String(poor2023.id)] };
    const here = await stack.query(q, ids, undefined, await stack.token({ roles: ['caseworker'], communes: [poor2023.communeCode] }));
    expect(here.errors).toBeUndefined();
    expect(here.data.healthInsuranceCoverage[0].cards.length).toBeGreaterThan(0);
    const outsider = await stack.token({ roles: ['caseworker'], communes: [elsewhere(poor2023.communeCode)] });
    const there = await stack.query(q, ids, undefined, outsider);
    expect(onlyError(there).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'householdIds[0]' });
    const unknown = await stack.query(q, { ids: ['987654321'] }, undefined, outsider);
    expect(JSON.stringify(there).replaceAll(String(poor2023.id), '<id>')).toBe(JSON.stringify(unknown).replaceAll('987654321', '<id>'));
  });
});

describe('small counts (social_insurance)', () => {
  it('withholds counts from 1 to 4 from the public and shows them to analysts', async () => {
    const q = `{ communes { code socialFigures(from: "2025-01-01", to: "2025-12-31") { ${FIGURES} } } }`;
    const exact = await stack.query(q, undefined, undefined, await stack.token({ roles: ['analyst'] }));
    const pub = await stack.query(q, undefined, undefined, null);
    expect(exact.errors).toBeUndefined();
    expect(pub.errors).toBeUndefined();
    const counts = (f: any): Array<[string, number | null]> => [
      ['people', f.healthInsurance.people],
      ['voluntary', f.voluntaryInsurance.people],
      ['pupils', f.tuition.pupils],
      ['households', f.electricity.households],
      ['recipients', f.allowances.recipients],
      ['events', f.emergencyRelief.events],
      ['reliefHouseholds', f.emergencyRelief.households],
      ...f.healthInsurance.byGroup.map((g: any): [string, number] => [`group ${g.group}`, g.people]),
    ];
    let withheld = 0;
    exact.data.communes.forEach((c: any, i: number) => {
      const shown = counts(pub.data.communes[i].socialFigures);
      counts(c.socialFigures).forEach(([name, n], j) => {
        expect(shown[j]![0]).toBe(name);
        if (expectPublicCount(shown[j]![1], n, `${c.code} ${name}`) === 'withheld') withheld++;
      });
      // Months are not counts of people: shown to everyone as they are.
      expect(pub.data.communes[i].socialFigures.voluntaryInsurance.months).toBe(c.socialFigures.voluntaryInsurance.months);
      const f = pub.data.communes[i].socialFigures;
      expectPublicAmount(f.electricity.amount, c.socialFigures.electricity.amount, f.electricity.households === null, `${c.code} electricity amount`);
    });
    expect(withheld).toBeGreaterThan(0);
    expect((pub as any).extensions.withheld.length).toBeGreaterThanOrEqual(withheld);
  });
});
