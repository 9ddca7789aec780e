import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPopulation } from '../../../db/demo.js';
import { credit as creditSubgraph } from '../../credit/index.js';
import { housing } from '../index.js';
import { VBSP_HOUSING_LOAN } from '../rules.js';
import { demoHousing } from '../seed.js';
import { registry } from '../../registry/index.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import { onlyError, startTestStack, type GraphQLResponse, type TestStack } from '../../../tests/support/stack.js';
import { expectPublicAmount, expectPublicCount } from '../../../tests/support/disclosure.js';

// These tests are about this department's answers, so callers without a token may send any
// document; the gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, housing] });
});
afterAll(async () => {
  await stack?.close();
});

const plan = demoHousing();
const population = demoPopulation();

/** A household whose 2024 review put it on the list in force during 2025 (near-poor; no one is poor after 2024). */
const eligible2025 = population.find((h) => ['poor', 'near_poor'].includes(h.reviews.find((r) => r.year === 2024)!.classification))!;
/** A household above the near-poor line in 2024: not eligible in 2025. */
const ineligible2025 = population.find((h) => ['middle_income', 'above_middle_income'].includes(h.reviews.find((r) => r.year === 2024)!.classification))!;

const APPROVE = `mutation($input: ApproveHousingCaseInput!) { approveHousingCase(input: $input) { housingCase {
  id status kind approvalDate commune { code } household { id } fundingLines { source amount committedOn } totalFunding } } }`;
const PROGRESS = `mutation($input: RecordHousingProgressInput!) { recordHousingProgress(input: $input) { housingCase {
  id status startDate fundingLines { source amount committedOn } totalFunding } } }`;
const COMPLETE = `mutation($input: CompleteHousingCaseInput!) { completeHousingCase(input: $input) { housingCase { id status completionDate } } }`;
const CANCEL = `mutation($input: CancelHousingCaseInput!) { cancelHousingCase(input: $input) { housingCase {
  id status cancellationDate cancellationReason } } }`;
const CONTRIBUTE = `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution {
  id donorKind donorName amount contributionDate commune { code name } } } }`;

function approveInput(overrides: Record<string, unknown> = {}) {
  return {
    householdId: String(eligible2025.id),
    kind: 'NEW_HOUSE',
    approvalDate: '2025-03-10',
    fundingLines: [
      { source: 'CITY_BUDGET', amount: '40000000' },
      { source: 'FUND_FOR_THE_POOR', amount: '30000000' },
    ],
    ...overrides,
  };
}

async function approve(overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await stack.query(APPROVE, { input: approveInput(overrides) });
  expect(r.errors).toBeUndefined();
  return r.data.approveHousingCase.housingCase.id;
}

async function mutate(query: string, input: Record<string, unknown>) {
  const r = await stack.query(query, { input });
  expect(r.errors).toBeUndefined();
  return r.data;
}

/** Every row of the housing schema, counted, and the cases' states: what a refusal must leave alone. */
async function snapshot() {
  const db = stack.databases.kysely<any>('housing');
  const count = async (table: string) => Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const states = await db.selectFrom('housing_case').select(['id', 'status', 'start_date', 'completion_date', 'cancellation_date']).orderBy('id').execute();
  return {
    cases: await count('housing_case'),
    lines: await count('housing_funding_line'),
    contributions: await count('fund_contribution'),
    states,
  };
}

/** Runs a refused mutation: BAD_USER_INPUT naming `field`, and nothing written. */
async function expectRefused(query: string, input: Record<string, unknown>, field: string) {
  const before = await snapshot();
  const error = onlyError(await stack.query(query, { input }));
  expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error.extensions?.field).toBe(field);
  expect(await snapshot()).toEqual(before);
  return error;
}

function inPeriod(date: string | null | undefined, from: string, to: string): boolean {
  return date != null && date >= from && date <= to;
}

describe('households and their housing support through the gateway', () => {
  it("reads a household's registry data together with its cases and funding lines", async () => {
    const demoCase = plan.cases.find((c) => plan.lines.filter((l) => l.case_id === c.id).length >= 2)!;
    const household = population.find((h) => h.id === demoCase.household_id)!;
    const r = await stack.query(
      `query($id: ID!) { household(id: $id) { id address commune { code name } members { fullName }
        housingSupport { kind status approvalDate startDate completionDate commune { code name } household { id address }
          fundingLines { source amount committedOn } totalFunding } } }`,
      { id: String(household.id) },
    );
    expect(r.errors).toBeUndefined();
    const h = r.data.household;
    expect(h.address).toBe(household.address);
    expect(h.members.map((m: any) => m.fullName)).toContain(household.members[0]!.fullName);
    const cases = plan.cases.filter((c) => c.household_id === household.id);
    expect(h.housingSupport).toHaveLength(cases.length);
    const got = h.housingSupport.find((c: any) => c.approvalDate === demoCase.approval_date);
    const lines = plan.lines.filter((l) => l.case_id === demoCase.id);
    expect(got).toMatchObject({
      kind: demoCase.kind.toUpperCase(),
      status: demoCase.status.toUpperCase(),
      startDate: demoCase.start_date,
      completionDate: demoCase.completion_date,
      commune: { code: household.communeCode, name: h.commune.name },
      household: { id: String(household.id), address: household.address },
      totalFunding: String(lines.reduce((s, l) => s + l.amount, 0)),
    });
    expect(got.fundingLines).toEqual(lines.map((l) => ({ source: l.source.toUpperCase(), amount: String(l.amount), committedOn: l.committed_on })));

    const noCases = population.find((x) => !plan.cases.some((c) => c.household_id === x.id))!;
    const none = await stack.query(`query($id: ID!) { household(id: $id) { id housingSupport { id } } }`, { id: String(noCases.id) });
    expect(none.data.household).toEqual({ id: String(noCases.id), housingSupport: [] });
  });

  it('finds a case by id, and null for an unknown one', async () => {
    const r = await stack.query(
      `{ housingCase(id: "1") { id household { id } kind } missing: housingCase(id: "99999") { id } bad: housingCase(id: "x") { id } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.housingCase).toEqual({ id: '1', household: { id: String(plan.cases[0]!.household_id) }, kind: plan.cases[0]!.kind.toUpperCase() });
    expect(r.data.missing).toBeNull();
    expect(r.data.bad).toBeNull();
  });
});

describe('figures for the 126 communes and the city', () => {
  // The demo plan's years; mutations in later tests write 2025 cases only.
  const from = '2023-01-01';
  const to = '2024-12-31';

  it("gives every commune's figures, summing to the city's, equal to the demo plan", async () => {
    const r = await stack.query(
      `query($from: Date!, $to: Date!) {
        communes { code housingFigures(from: $from, to: $to) { from to housesCompleted newHousesCompleted renovationsCompleted
          housesCompletedWithFund casesApproved casesCancelled housesSupported fundingBySource { source amount } totalFunding } }
        city { housingFigures(from: $from, to: $to) { housesCompleted newHousesCompleted renovationsCompleted housesCompletedWithFund
          casesApproved casesCancelled housesSupported fundingBySource { source amount } totalFunding }
          fundForThePoor(from: "2021-01-01", to: "2024-12-31") { amountMobilised contributions housesFunded amountCommittedToHousing
            byDonorKind { donorKind contributions amount } } } }`,
      { from, to },
    );
    expect(r.errors).toBeUndefined();
    const communes = r.data.communes;
    expect(communes).toHaveLength(126);
    const city = r.data.city.housingFigures;

    const completed = plan.cases.filter((c) => c.status === 'completed' && inPeriod(c.completion_date, from, to));
    const approved = plan.cases.filter((c) => inPeriod(c.approval_date, from, to));
    const withFund = (caseId: number) => plan.lines.some((l) => l.case_id === caseId && l.source === 'fund_for_the_poor');
    const live = new Set(plan.cases.filter((c) => c.status !== 'cancelled').map((c) => c.id));
    const amount = (source: string, f: string, t: string) =>
      plan.lines.filter((l) => l.source === source && live.has(l.case_id) && inPeriod(l.committed_on, f, t)).reduce((s, l) => s + l.amount, 0);
    expect(completed.length).toBeGreaterThan(20);
    expect(city).toMatchObject({
      housesCompleted: completed.length,
      newHousesCompleted: completed.filter((c) => c.kind === 'new_house').length,
      renovationsCompleted: completed.filter((c) => c.kind === 'renovation').length,
      housesCompletedWithFund: completed.filter((c) => withFund(c.id)).length,
      casesApproved: approved.length,
      casesCancelled: approved.filter((c) => c.status === 'cancelled').length,
      housesSupported: approved.filter((c) => c.status !== 'cancelled').length,
    });
    const sources = ['city_budget', 'fund_for_the_poor', 'social_mobilisation', 'vbsp_housing_loan'];
    expect(city.fundingBySource).toEqual(sources.map((s) => ({ source: s.toUpperCase(), amount: String(amount(s, from, to)) })));
    expect(Number(city.totalFunding)).toBe(sources.reduce((sum, s) => sum + amount(s, from, to), 0));

    // The communes add up to the city, field by field.
    for (const field of [
      'housesCompleted',
      'newHousesCompleted',
      'renovationsCompleted',
      'housesCompletedWithFund',
      'casesApproved',
      'casesCancelled',
      'housesSupported',
    ]) {
      expect(communes.reduce((s: number, c: any) => s + c.housingFigures[field], 0)).toBe(city[field]);
    }
    expect(communes.reduce((s: number, c: any) => s + Number(c.housingFigures.totalFunding), 0)).toBe(Number(city.totalFunding));
    // And one commune's figures are its own cases.
    const busiest = communes.reduce((a: any, b: any) => (b.housingFigures.housesCompleted > a.housingFigures.housesCompleted ? b : a));
    expect(busiest.housingFigures.housesCompleted).toBe(completed.filter((c) => c.commune_code === busiest.code).length);
    expect(busiest.housingFigures).toMatchObject({ from, to });

    const fund = r.data.city.fundForThePoor;
    const contributions = plan.contributions.filter((c) => inPeriod(c.contribution_date, '2021-01-01', '2024-12-31'));
    expect(fund.contributions).toBe(contributions.length);
    expect(Number(fund.amountMobilised)).toBe(contributions.reduce((s, c) => s + c.amount, 0));
    expect(fund.byDonorKind.reduce((s: number, k: any) => s + k.contributions, 0)).toBe(contributions.length);
    expect(fund.byDonorKind.find((k: any) => k.donorKind === 'ENTERPRISE').amount).toBe(
      String(contributions.filter((c) => c.donor_kind === 'enterprise').reduce((s, c) => s + c.amount, 0)),
    );
    const fundHouses = plan.cases.filter((c) => c.status === 'completed' && inPeriod(c.completion_date, '2021-01-01', '2024-12-31') && withFund(c.id));
    expect(fund.housesFunded).toBe(fundHouses.length);
    expect(fund.housesFunded).toBeGreaterThan(0);
    expect(Number(fund.amountCommittedToHousing)).toBe(amount('fund_for_the_poor', '2021-01-01', '2024-12-31'));
  });

  it('refuses a period that ends before it starts', async () => {
    const error = onlyError(await stack.query(`{ city { housingFigures(from: "2024-12-31", to: "2024-01-01") { housesCompleted } } }`));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe('a case through its life', () => {
  it('approves, starts with more funding, completes, and the figures count it', async () => {
    const period = { from: '2025-01-01', to: '2025-12-31' };
    const figuresQ = `query($from: Date!, $to: Date!, $code: ID!) { commune(code: $code) { housingFigures(from: $from, to: $to) {
      housesCompleted newHousesCompleted casesApproved housesCompletedWithFund fundingBySource { source amount } } }
      city { housingFigures(from: $from, to: $to) { housesCompleted } fundForThePoor(from: $from, to: $to) { housesFunded amountCommittedToHousing } } }`;
    const vars = { ...period, code: eligible2025.communeCode };
    const before = (await stack.query(figuresQ, vars)).data;

    const approved = (await mutate(APPROVE, approveInput())).approveHousingCase.housingCase;
    expect(approved).toMatchObject({
      status: 'APPROVED',
      kind: 'NEW_HOUSE',
      approvalDate: '2025-03-10',
      commune: { code: eligible2025.communeCode },
      household: { id: String(eligible2025.id) },
      totalFunding: '70000000',
      fundingLines: [
        { source: 'CITY_BUDGET', amount: '40000000', committedOn: '2025-03-10' },
        { source: 'FUND_FOR_THE_POOR', amount: '30000000', committedOn: '2025-03-10' },
      ],
    });
    const started = (
      await mutate(PROGRESS, { caseId: approved.id, startDate: '2025-04-01', fundingLines: [{ source: 'SOCIAL_MOBILISATION', amount: 5000000 }] })
    ).recordHousingProgress.housingCase;
    expect(started).toMatchObject({ status: 'BUILDING', startDate: '2025-04-01', totalFunding: '75000000' });
    expect(started.fundingLines[2]).toEqual({ source: 'SOCIAL_MOBILISATION', amount: '5000000', committedOn: '2025-04-01' });
    const done = (await mutate(COMPLETE, { caseId: approved.id, completionDate: '2025-08-15' })).completeHousingCase.housingCase;
    expect(done).toEqual({ id: approved.id, status: 'COMPLETED', completionDate: '2025-08-15' });

    const after = (await stack.query(figuresQ, vars)).data;
    const f0 = before.commune.housingFigures;
    const f1 = after.commune.housingFigures;
    expect(f1.housesCompleted).toBe(f0.housesCompleted + 1);
    expect(f1.newHousesCompleted).toBe(f0.newHousesCompleted + 1);
    expect(f1.casesApproved).toBe(f0.casesApproved + 1);
    expect(f1.housesCompletedWithFund).toBe(f0.housesCompletedWithFund + 1);
    const src = (f: any, s: string) => Number(f.fundingBySource.find((x: any) => x.source === s).amount);
    expect(src(f1, 'CITY_BUDGET') - src(f0, 'CITY_BUDGET')).toBe(40_000_000);
    expect(src(f1, 'SOCIAL_MOBILISATION') - src(f0, 'SOCIAL_MOBILISATION')).toBe(5_000_000);
    expect(after.city.housingFigures.housesCompleted).toBe(before.city.housingFigures.housesCompleted + 1);
    expect(after.city.fundForThePoor.housesFunded).toBe(before.city.fundForThePoor.housesFunded + 1);
    expect(Number(after.city.fundForThePoor.amountCommittedToHousing) - Number(before.city.fundForThePoor.amountCommittedToHousing)).toBe(30_000_000);

    const household = await stack.query(`query($id: ID!) { household(id: $id) { housingSupport { id status } } }`, { id: String(eligible2025.id) });
    expect(household.data.household.housingSupport).toContainEqual({ id: approved.id, status: 'COMPLETED' });
  });

  it('cancels a case, which then no longer counts its funding', async () => {
    const period = { from: '2025-05-01', to: '2025-05-31' };
    const q = `query($from: Date!, $to: Date!) { city { housingFigures(from: $from, to: $to) { casesApproved casesCancelled housesSupported totalFunding } } }`;
    const before = (await stack.query(q, period)).data.city.housingFigures;
    const id = await approve({ approvalDate: '2025-05-02', kind: 'RENOVATION', fundingLines: [{ source: 'CITY_BUDGET', amount: '20000000' }] });
    const mid = (await stack.query(q, period)).data.city.housingFigures;
    expect(mid).toEqual({
      ...before,
      casesApproved: before.casesApproved + 1,
      housesSupported: before.housesSupported + 1,
      totalFunding: String(Number(before.totalFunding) + 20_000_000),
    });
    const cancelled = (await mutate(CANCEL, { caseId: id, cancellationDate: '2025-05-20', reason: '  Moved away  ' })).cancelHousingCase.housingCase;
    expect(cancelled).toEqual({ id, status: 'CANCELLED', cancellationDate: '2025-05-20', cancellationReason: 'Moved away' });
    const after = (await stack.query(q, period)).data.city.housingFigures;
    expect(after).toEqual({ ...before, casesApproved: before.casesApproved + 1, casesCancelled: before.casesCancelled + 1 });
  });

  it('records Fund for the Poor contributions and counts them as money mobilised', async () => {
    const q = `{ city { fundForThePoor(from: "2025-06-01", to: "2025-06-30") { amountMobilised contributions byDonorKind { donorKind contributions amount } } } }`;
    const before = (await stack.query(q)).data.city.fundForThePoor;
    const r = await mutate(CONTRIBUTE, {
      donorKind: 'ENTERPRISE',
      donorName: ' Công ty TNHH Thử Nghiệm ',
      amount: '250000000',
      contributionDate: '2025-06-12',
      communeCode: '00070',
    });
    expect(r.addFundContribution.contribution).toMatchObject({
      donorKind: 'ENTERPRISE',
      donorName: 'Công ty TNHH Thử Nghiệm',
      amount: '250000000',
      contributionDate: '2025-06-12',
      commune: { code: '00070', name: 'Hoàn Kiếm' },
    });
    const anonymous = await mutate(CONTRIBUTE, { donorKind: 'INDIVIDUAL', amount: 2000000, contributionDate: '2025-06-13' });
    expect(anonymous.addFundContribution.contribution).toMatchObject({ donorName: null, commune: null, amount: '2000000' });
    const after = (await stack.query(q)).data.city.fundForThePoor;
    expect(after.contributions).toBe(before.contributions + 2);
    expect(Number(after.amountMobilised) - Number(before.amountMobilised)).toBe(252_000_000);
    const kind = (f: any, k: string) => f.byDonorKind.find((x: any) => x.donorKind === k);
    expect(Number(kind(after, 'ENTERPRISE').amount) - Number(kind(before, 'ENTERPRISE').amount)).toBe(250_000_000);
  });

  it('lets only one of two concurrent completions of a case through', async () => {
    const id = await approve({ approvalDate: '2025-02-01' });
    await mutate(PROGRESS, { caseId: id, startDate: '2025-02-10' });
    const [a, b] = await Promise.all([
      stack.query(COMPLETE, { input: { caseId: id, completionDate: '2025-06-01' } }),
      stack.query(CANCEL, { input: { caseId: id, cancellationDate: '2025-06-02' } }),
    ]);
    const ok = [a, b].filter((r) => !r.errors);
    const refused = [a, b].filter((r) => r.errors);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(onlyError(refused[0]!).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'caseId' });
    const row = await stack.databases.kysely<any>('housing').selectFrom('housing_case').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    expect(['completed', 'cancelled']).toContain(row.status);
    expect(row.status === 'completed' ? row.cancellation_date : row.completion_date).toBeNull();
  });
});

describe('refusals: BAD_USER_INPUT naming the field, nothing written', () => {
  const tomorrow = (() => {
    const d = new Date(`${todayInHanoi()}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  })();

  it('refuses bad approvals', async () => {
    await expectRefused(APPROVE, approveInput({ householdId: '999999' }), 'householdId');
    await expectRefused(APPROVE, approveInput({ householdId: 'abc' }), 'householdId');
    const notEligible = await expectRefused(APPROVE, approveInput({ householdId: String(ineligible2025.id) }), 'householdId');
    expect(notEligible.message).toMatch(/review 2024/);
    await expectRefused(APPROVE, approveInput({ fundingLines: [] }), 'fundingLines');
    await expectRefused(APPROVE, approveInput({ fundingLines: [{ source: 'CITY_BUDGET', amount: '0' }] }), 'fundingLines[0].amount');
    await expectRefused(
      APPROVE,
      approveInput({
        fundingLines: [
          { source: 'CITY_BUDGET', amount: '1000' },
          { source: 'VBSP_HOUSING_LOAN', amount: '-5000000' },
        ],
      }),
      'fundingLines[1].amount',
    );
    await expectRefused(APPROVE, approveInput({ approvalDate: tomorrow }), 'approvalDate');
  });

  it("refuses VBSP housing-loan lines the bank would not lend: not poor, or above the bank's ceiling", async () => {
    const poor2023 = population.find((h) => h.reviews.find((r) => r.year === 2023)?.classification === 'poor')!;
    const vbsp = (amount: string) => [
      { source: 'CITY_BUDGET', amount: '30000000' },
      { source: 'VBSP_HOUSING_LOAN', amount },
    ];
    // Near-poor on the list in force: eligible for housing support, but not for the bank's loan.
    const nearPoor = await expectRefused(APPROVE, approveInput({ fundingLines: vbsp('30000000') }), 'fundingLines[1].source');
    expect(nearPoor.message).toContain('poor list in force (review 2024: NEAR_POOR)');
    // Poor, but more than the bank lends.
    const poorInput = { householdId: String(poor2023.id), approvalDate: '2024-04-02' };
    const tooMuch = await expectRefused(APPROVE, approveInput({ ...poorInput, fundingLines: vbsp('40000001') }), 'fundingLines[1].source');
    expect(tooMuch.message).toContain('ceiling of 40000000');
    // Poor and within the ceiling: approved; a further VBSP line at the start that would take the
    // case past the ceiling is refused, one within it accepted.
    const id = await approve({ ...poorInput, fundingLines: vbsp('30000000') });
    await expectRefused(
      PROGRESS,
      { caseId: id, startDate: '2024-05-02', fundingLines: [{ source: 'VBSP_HOUSING_LOAN', amount: '10000001' }] },
      'fundingLines[0].source',
    );
    const started = await mutate(PROGRESS, { caseId: id, startDate: '2024-05-02', fundingLines: [{ source: 'VBSP_HOUSING_LOAN', amount: '10000000' }] });
    expect(started.recordHousingProgress.housingCase.totalFunding).toBe('70000000');
  });

  it("keeps the VBSP line rule in step with the bank's housing programme", async () => {
    // The housing subgraph cannot read the bank's tables: its copy of the rule must match them.
    const credit = await startTestStack({ subgraphs: [registry, creditSubgraph], data: 'none' });
    try {
      const r = await credit.query('{ loanProgrammes { code eligibility maxAmount } }');
      const programme = r.data.loanProgrammes.find((p: any) => p.code === 'HOUSING_POOR');
      expect(programme).toMatchObject({ eligibility: VBSP_HOUSING_LOAN.classification, maxAmount: String(VBSP_HOUSING_LOAN.ceiling) });
    } finally {
      await credit.close();
    }
  });

  it('refuses bad transitions and dates', async () => {
    // A case in each state.
    const approved = await approve({ approvalDate: '2025-03-01' });
    const building = await approve({ approvalDate: '2025-03-01' });
    await mutate(PROGRESS, { caseId: building, startDate: '2025-03-20' });
    const completed = await approve({ approvalDate: '2025-03-01' });
    await mutate(PROGRESS, { caseId: completed, startDate: '2025-03-05' });
    await mutate(COMPLETE, { caseId: completed, completionDate: '2025-07-01' });
    const cancelled = await approve({ approvalDate: '2025-03-01' });
    await mutate(CANCEL, { caseId: cancelled, cancellationDate: '2025-03-02' });

    // Unknown case, for each transition.
    await expectRefused(PROGRESS, { caseId: '999999', startDate: '2025-04-01' }, 'caseId');
    await expectRefused(COMPLETE, { caseId: '999999', completionDate: '2025-04-01' }, 'caseId');
    await expectRefused(CANCEL, { caseId: 'nope', cancellationDate: '2025-04-01' }, 'caseId');
    // Invalid transitions.
    const cancelledError = await expectRefused(COMPLETE, { caseId: cancelled, completionDate: '2025-08-01' }, 'caseId');
    expect(cancelledError.message).toMatch(/cancelled/);
    const neverStarted = await expectRefused(COMPLETE, { caseId: approved, completionDate: '2025-08-01' }, 'caseId');
    expect(neverStarted.message).toMatch(/never started/);
    await expectRefused(PROGRESS, { caseId: completed, startDate: '2025-08-01' }, 'caseId');
    await expectRefused(PROGRESS, { caseId: building, startDate: '2025-04-01' }, 'caseId');
    await expectRefused(CANCEL, { caseId: completed, cancellationDate: '2025-08-01' }, 'caseId');
    await expectRefused(CANCEL, { caseId: cancelled, cancellationDate: '2025-08-01' }, 'caseId');
    // Dates out of order or in the future.
    await expectRefused(PROGRESS, { caseId: approved, startDate: '2025-02-28' }, 'startDate');
    await expectRefused(COMPLETE, { caseId: building, completionDate: '2025-03-19' }, 'completionDate');
    await expectRefused(CANCEL, { caseId: approved, cancellationDate: '2025-02-01' }, 'cancellationDate');
    await expectRefused(PROGRESS, { caseId: approved, startDate: tomorrow }, 'startDate');
    await expectRefused(COMPLETE, { caseId: building, completionDate: tomorrow }, 'completionDate');
    await expectRefused(CANCEL, { caseId: approved, cancellationDate: tomorrow }, 'cancellationDate');
    // Bad funding lines when building starts: nothing written, the case still APPROVED.
    await expectRefused(
      PROGRESS,
      { caseId: approved, startDate: '2025-04-01', fundingLines: [{ source: 'SOCIAL_MOBILISATION', amount: '0' }] },
      'fundingLines[0].amount',
    );
    const still = await stack.query(`query($id: ID!) { housingCase(id: $id) { status startDate } }`, { id: approved });
    expect(still.data.housingCase).toEqual({ status: 'APPROVED', startDate: null });
  });

  it('refuses bad contributions', async () => {
    const good = { donorKind: 'ORGANISATION', amount: '10000000', contributionDate: '2025-01-15' };
    await expectRefused(CONTRIBUTE, { ...good, amount: '0' }, 'amount');
    await expectRefused(CONTRIBUTE, { ...good, amount: '-10000000' }, 'amount');
    await expectRefused(CONTRIBUTE, { ...good, contributionDate: tomorrow }, 'contributionDate');
    await expectRefused(CONTRIBUTE, { ...good, communeCode: '99999' }, 'communeCode');
    await expectRefused(CONTRIBUTE, { ...good, donorName: 'x'.repeat(201) }, 'donorName');
  });
});

describe('access: the audit trail and small counts', () => {
  const TRAIL = `query($filter: AuditTrailFilter) { housingAuditTrail(filter: $filter, first: 5) { totalCount
    edges { node { id subject roles action operation fields householdIds } } } }`;

  // Writes (and personal reads, asked for by name): refused attempts are audited too, as REFUSED.
  async function trail(filter: Record<string, unknown> = { action: 'WRITE' }) {
    const r = await stack.query(TRAIL, { filter });
    expect(r.errors).toBeUndefined();
    return r.data.housingAuditTrail as { totalCount: number; edges: Array<{ node: any }> };
  }

  it('records an accepted mutation once, in the transaction of its write, naming the household', async () => {
    const writer = await stack.token({ sub: 'audit-housing-writer', roles: ['housing-writer'] });
    const before = await trail();
    const r = await stack.query(
      `mutation ApproveForAudit($input: ApproveHousingCaseInput!) { approveHousingCase(input: $input) { housingCase { id } } }`,
      { input: approveInput({ approvalDate: '2025-09-01' }) },
      undefined,
      writer,
    );
    expect(r.errors).toBeUndefined();
    const caseId = Number(r.data.approveHousingCase.housingCase.id);

    const after = await trail();
    expect(after.totalCount).toBe(before.totalCount + 1);
    const mine = await trail({ householdId: String(eligible2025.id), action: 'WRITE', subject: 'audit-housing-writer' });
    expect(mine.totalCount).toBe(1);
    const event = mine.edges[0]!.node;
    expect(event).toMatchObject({
      subject: 'audit-housing-writer',
      roles: ['housing-writer'],
      action: 'WRITE',
      operation: 'ApproveForAudit',
      fields: ['approveHousingCase'],
      householdIds: [String(eligible2025.id)],
    });
    // One transaction: now() is the transaction's start, so the event and the case it wrote
    // carry the very same timestamp (two transactions could not).
    const db = stack.databases.kysely<any>('housing');
    const same = await sql<{ same: boolean }>`SELECT a.occurred_at = c.created_at AS same
      FROM audit_event a, housing_case c WHERE a.id = ${Number(event.id)} AND c.id = ${caseId}`.execute(db);
    expect(same.rows).toEqual([{ same: true }]);

    // A state-machine step names the case's household too.
    const started = await stack.query(PROGRESS, { input: { caseId: String(caseId), startDate: '2025-09-10' } }, undefined, writer);
    expect(started.errors).toBeUndefined();
    const steps = await trail({ householdId: String(eligible2025.id), subject: 'audit-housing-writer' });
    expect(steps.edges[0]!.node).toMatchObject({ fields: ['recordHousingProgress'], householdIds: [String(eligible2025.id)] });
  });

  it('leaves no write in the audit trail for a refused mutation, whether refused by access or by its input', async () => {
    const before = await trail();
    const snap = await snapshot();
    const analyst = await stack.token({ roles: ['analyst'] });
    const denied = onlyError(await stack.query(APPROVE, { input: approveInput() }, undefined, analyst));
    expect(denied.extensions?.code).toBe('FORBIDDEN');
    const direct = onlyError(await stack.query(APPROVE, { input: approveInput() }, stack.subgraphUrls.housing, analyst));
    expect(direct.extensions?.code).toBe('FORBIDDEN');
    const anonymous = onlyError(
      await stack.query(CONTRIBUTE, { input: { donorKind: 'INDIVIDUAL', amount: '1000', contributionDate: '2025-06-01' } }, undefined, null),
    );
    expect(anonymous.extensions?.code).toBe('UNAUTHENTICATED');
    // Refused inside the transaction, after the case row was locked: the audit record rolls back with it.
    const done = await approve({ approvalDate: '2025-09-02' });
    await mutate(CANCEL, { caseId: done, cancellationDate: '2025-09-03' });
    const afterSetUp = await trail();
    await expectRefused(COMPLETE, { caseId: done, completionDate: '2025-09-04' }, 'caseId');
    expect((await trail()).totalCount).toBe(afterSetUp.totalCount);
    expect(afterSetUp.totalCount).toBe(before.totalCount + 2);
    expect((await snapshot()).contributions).toBe(snap.contributions);
  });

  it('records a read of a donor’s name as a personal read; the housing writer may not read it', async () => {
    const q = `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id donorName } } }`;
    const input = { donorKind: 'INDIVIDUAL', donorName: 'Trần Thị Audit', amount: '500000', contributionDate: '2025-06-20' };
    const writer = await stack.token({ roles: ['housing-writer'] });
    const before = await snapshot();
    expect(onlyError(await stack.query(q, { input }, undefined, writer)).extensions?.code).toBe('FORBIDDEN');
    expect((await snapshot()).contributions).toBe(before.contributions);

    const reads = (await trail({ action: 'READ_PERSONAL' })).totalCount;
    const r = await stack.query(q, { input });
    expect(r.errors).toBeUndefined();
    expect(r.data.addFundContribution.contribution.donorName).toBe('Trần Thị Audit');
    const after = await trail({ action: 'READ_PERSONAL' });
    expect(after.totalCount).toBe(reads + 1);
    expect(after.edges[0]!.node).toMatchObject({ subject: 'test-admin', fields: ['FundContribution.donorName'], householdIds: [] });
  });

  it('shows the audit trail to administrators only', async () => {
    const writer = await stack.token({ roles: ['housing-writer'] });
    expect(onlyError(await stack.query(TRAIL, {}, undefined, writer)).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await stack.query(TRAIL, {}, stack.subgraphUrls.housing, null)).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('withholds a commune’s small counts from the public, saying so in extensions.withheld', async () => {
    // Houses completed in 2024 per commune, from the demo plan: a commune with 1 to 4 of them.
    const completed2024 = new Map<string, number>();
    for (const c of plan.cases) {
      if (c.status === 'completed' && inPeriod(c.completion_date, '2024-01-01', '2024-12-31')) {
        completed2024.set(c.commune_code, (completed2024.get(c.commune_code) ?? 0) + 1);
      }
    }
    const [code, n] = [...completed2024].find(([, count]) => count >= 1 && count <= 4)!;
    const q = `query($code: ID!) { commune(code: $code) { housingFigures(from: "2024-01-01", to: "2024-12-31") { housesCompleted totalFunding } } }`;
    const exact = await stack.query(q, { code }, undefined, await stack.token({ roles: ['analyst'] }));
    expect(exact.data.commune.housingFigures.housesCompleted).toBe(n);
    for (const url of [undefined, stack.subgraphUrls.housing]) {
      const r = (await stack.query(
        url
          ? `query($code: ID!) { commune: _entities(representations: [{ __typename: "Commune", code: $code }]) { ... on Commune {
          housingFigures(from: "2024-01-01", to: "2024-12-31") { housesCompleted totalFunding } } } }`
          : q,
        { code },
        url,
        null,
      )) as GraphQLResponse & { extensions?: any };
      expect(r.errors).toBeUndefined();
      const figures = Array.isArray(r.data.commune) ? r.data.commune[0].housingFigures : r.data.commune.housingFigures;
      expect(figures.housesCompleted).toBeNull();
      // Money beside a withheld count would give it away (an amount over a unit amount).
      expectPublicAmount(figures.totalFunding, exact.data.commune.housingFigures.totalFunding, true, 'totalFunding');
      expectPublicCount(figures.housesCompleted, n, 'housesCompleted');
      expect(r.extensions?.withheld).toContainEqual(expect.objectContaining({ coordinate: 'HousingFigures.housesCompleted' }));
    }
  });
});

describe('N+1 guards (housing)', () => {
  // They measure computation, so kept answers are off here: a kept answer costs fewer statements
  // (its versions only; tests/kept-figures.test.ts counts those).
  beforeAll(() => {
    process.env.KEPT_FIGURES = 'off';
  });
  afterAll(() => {
    delete process.env.KEPT_FIGURES;
  });
  async function housingStatements(query: string, variables?: Record<string, unknown>, url?: string) {
    stack.databases.statements.reset();
    const r = await stack.query(query, variables, url);
    expect(r.errors).toBeUndefined();
    return { statements: stack.databases.statements.get('housing'), data: r.data };
  }

  it('housing figures of all 126 communes cost the same statements as 2', async () => {
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code
      housingFigures(from: "2023-01-01", to: "2025-12-31") { housesCompleted casesApproved fundingBySource { source amount } totalFunding }
      y2024: housingFigures(from: "2024-01-01", to: "2024-12-31") { housesCompleted } }
      city { housingFigures(from: "2023-01-01", to: "2025-12-31") { housesCompleted } fundForThePoor(from: "2021-01-01", to: "2024-12-31") { amountMobilised housesFunded } } }`;
    const small = await housingStatements(q, { codes: ['00070', '00004'] });
    const large = await housingStatements(q, { codes: null });
    expect(large.data.communes).toHaveLength(126);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: housing figures of 126 communes (2 periods) and the city = ${large.statements} SQL statements`);
  });

  it('_entities for 500 households with housing support and funding lines cost the same statements as 5', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household {
      id housingSupport { id status commune { code } fundingLines { source amount } totalFunding } } } }`;
    const withCases = [...new Set(plan.cases.map((c) => c.household_id))];
    const rest = Array.from({ length: 500 }, (_, i) => i + 1).filter((id) => !withCases.includes(id));
    const ids = [...withCases, ...rest].slice(0, 500);
    const reps = (list: number[]) => list.map((id) => ({ __typename: 'Household', id: String(id) }));
    const small = await housingStatements(q, { r: reps(ids.slice(0, 5)) }, stack.subgraphUrls.housing);
    const large = await housingStatements(q, { r: reps(ids) }, stack.subgraphUrls.housing);
    expect(large.data._entities).toHaveLength(500);
    const cases = large.data._entities.reduce((n: number, e: any) => n + e.housingSupport.length, 0);
    expect(cases).toBeGreaterThanOrEqual(plan.cases.length);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: _entities for 500 households (${cases} cases with funding lines) = ${large.statements} SQL statements`);
  });
});
