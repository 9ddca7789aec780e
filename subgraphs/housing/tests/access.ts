import { expect } from 'vitest';
import type { AccessCase, CaseContext, Outcome, Role } from '../../../tests/access/types.js';
import { adminOnly, departmentWrite, everyone, memo } from '../../../tests/access/outcomes.js';

// The housing subgraph's cells of the access matrix (tests/access.test.ts plays them).
//
// Through the gateway a household is reached by the registry's `household(id)`, which refuses a
// caseworker from another commune (FORBIDDEN); asked directly, the housing subgraph answers
// `_entities` for that household with its cases left out (an empty list). Hence the gateway and
// direct cells of a household-level read are separate cases below.
//
// Writes use dates in December 2025 (eligibility in 2025 comes from the 2024 review, the last
// one in the demo data), a different day for each case, so that each case's probe looks at a
// day only that case writes to.

/** A household-level read (housing has no personal field on it): every role with records:read. */
const records: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'allowed',
  caseworker: 'allowed',
  caseworkerElsewhere: 'hidden',
  ownWriter: 'allowed',
  otherWriter: 'allowed',
  administrator: 'allowed',
};

const CASE = `id kind status approvalDate commune { code } fundingLines { id source amount committedOn } totalFunding`;

/** The fixture household's cases, checked against the caller's communes. */
function checkCases(cases: any[], { fx, role }: CaseContext): void {
  if (role === 'caseworkerElsewhere') {
    expect(cases, 'cases outside the caseworker’s communes are left out').toEqual([]);
    return;
  }
  // The fixture household has housing cases (the runner picks it so).
  expect(cases.length).toBeGreaterThan(0);
  expect(cases.every((c) => c.fundingLines.length > 0)).toBe(true);
  if (role === 'caseworker') expect(cases.every((c) => c.commune.code === fx.household.communeCode)).toBe(true);
}

const HOUSING_FIGURES = `{ from to housesCompleted newHousesCompleted renovationsCompleted housesCompletedWithFund casesApproved
  casesCancelled housesSupported fundingBySource { source amount } totalFunding }`;
const FUND_FIGURES = `{ amountMobilised contributions byDonorKind { donorKind contributions amount } housesFunded amountCommittedToHousing }`;
const HOUSING_COUNTS = [
  'housesCompleted',
  'newHousesCompleted',
  'renovationsCompleted',
  'housesCompletedWithFund',
  'casesApproved',
  'casesCancelled',
  'housesSupported',
];

/**
 * Counts of households (cases) are withheld from the public when 1 to 4; money is rounded for
 * the public and withheld beside a withheld count; contributions (not households) never.
 */
function checkFigures(housing: any, fund: any, role: Role): void {
  const counts = [...HOUSING_COUNTS.map((k) => housing[k]), fund.housesFunded];
  if (role === 'public') {
    for (const n of counts) expect(n === null || n === 0 || n > 4, `public sees ${n}`).toBe(true);
  } else {
    for (const n of counts) expect(n).toEqual(expect.any(Number));
  }
  expect(housing.totalFunding).toEqual(role === 'public' ? expect.toSatisfy((m: unknown) => m === null || typeof m === 'string') : expect.any(String));
  expect(fund.contributions).toEqual(expect.any(Number));
}

/** Ids found once per run through the administrator, shared by the cells that need them. */
const once = memo();

/** One of the fixture household's cases (the runner's fixture has some). */
function fixtureCaseId({ fx, admin }: CaseContext): Promise<string> {
  return once('case', async () => {
    const data = await admin(`query($id: ID!) { household(id: $id) { housingSupport { id } } }`, { id: fx.household.id });
    const id = data.household.housingSupport[0]?.id;
    expect(id, `a housing case of household ${fx.household.id}`).toBeDefined();
    return id as string;
  });
}

/** A household on the poor or near-poor list in force during 2025 (its 2024 review), so eligible for a case. */
function eligibleHousehold({ admin }: CaseContext): Promise<string> {
  return once('eligible', async () => {
    const data = await admin(`{
      poor: households(filter: { classification: POOR, year: 2024 }, first: 1) { edges { node { id } } }
      nearPoor: households(filter: { classification: NEAR_POOR, year: 2024 }, first: 1) { edges { node { id } } } }`);
    const id = data.poor.edges[0]?.node.id ?? data.nearPoor.edges[0]?.node.id;
    expect(id, 'a household poor or near-poor in 2024').toBeDefined();
    return id as string;
  });
}

const APPROVE = `mutation($input: ApproveHousingCaseInput!) { approveHousingCase(input: $input) { housingCase { id status } } }`;
const PROGRESS = `mutation($input: RecordHousingProgressInput!) { recordHousingProgress(input: $input) { housingCase { id status } } }`;

/** A new case approved on `approvalDate` (as the administrator), optionally started on `startDate`. */
async function setUpCase(ctx: CaseContext, approvalDate: string, startDate?: string): Promise<string> {
  const householdId = await eligibleHousehold(ctx);
  const approved = await ctx.admin(APPROVE, {
    input: { householdId, kind: 'RENOVATION', approvalDate, fundingLines: [{ source: 'CITY_BUDGET', amount: '20000000' }] },
  });
  const id = approved.approveHousingCase.housingCase.id as string;
  if (startDate) await ctx.admin(PROGRESS, { input: { caseId: id, startDate } });
  return id;
}

/** What a denied write must leave alone: the housing figures of `day` and the audit trail. */
function probeDay(day: string): AccessCase['unchangedProbe'] {
  return {
    query: `query($day: Date!) { city { housingFigures(from: $day, to: $day) { casesApproved casesCancelled housesCompleted totalFunding }
      fundForThePoor(from: $day, to: $day) { contributions amountMobilised } }
      housingAuditTrail(first: 1, filter: { action: WRITE }) { totalCount } }`,
    variables: () => ({ day }),
  };
}

let contributions = 0;

export const cases: AccessCase[] = [
  {
    name: 'commune and city housing figures, and the Fund for the Poor',
    subgraph: 'housing',
    query: `query($code: ID!) { commune(code: $code) { code housingFigures(from: "2022-01-01", to: "2024-12-31") ${HOUSING_FIGURES} }
      city { housingFigures(from: "2025-01-01", to: "2025-12-31") ${HOUSING_FIGURES} fundForThePoor(from: "2025-01-01", to: "2025-12-31") ${FUND_FIGURES} } }`,
    directQuery: `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Commune { code housingFigures(from: "2022-01-01", to: "2024-12-31") ${HOUSING_FIGURES} }
      ... on City { code housingFigures(from: "2025-01-01", to: "2025-12-31") ${HOUSING_FIGURES} fundForThePoor(from: "2025-01-01", to: "2025-12-31") ${FUND_FIGURES} } } }`,
    variables: ({ fx }) => ({
      code: fx.household.communeCode,
      reps: [
        { __typename: 'Commune', code: fx.household.communeCode },
        { __typename: 'City', code: '01' },
      ],
    }),
    expect: everyone('allowed'),
    check: (data, { role }) => {
      const commune = data.commune ?? data._entities[0];
      const city = data.city ?? data._entities[1];
      checkFigures(commune.housingFigures, city.fundForThePoor, role);
      checkFigures(city.housingFigures, city.fundForThePoor, role);
    },
  },
  {
    name: 'housingCase by id (a record of the fixture household)',
    subgraph: 'housing',
    query: `query($id: ID!) { housingCase(id: $id) { ${CASE} household { id } startDate completionDate cancellationDate cancellationReason } }`,
    variables: async (ctx) => ({ id: await fixtureCaseId(ctx) }),
    // Asked for by id, a case outside the caseworker's communes is refused, on both sides.
    expect: records,
    check: (data, { fx }) => expect(data.housingCase).toMatchObject({ household: { id: fx.household.id }, commune: { code: fx.household.communeCode } }),
  },
  {
    name: 'a household’s housing support through household(id)',
    subgraph: 'housing',
    via: 'gateway',
    query: `query($id: ID!) { household(id: $id) { id housingSupport { ${CASE} } } }`,
    variables: ({ fx }) => ({ id: fx.household.id }),
    expect: records,
    check: (data, ctx) => checkCases(data.household.housingSupport, ctx),
  },
  {
    name: '_entities: a household’s housing support',
    subgraph: 'housing',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id housingSupport { ${CASE} } } } }`,
    variables: ({ fx }) => ({ reps: [{ __typename: 'Household', id: fx.household.id }] }),
    // The housing subgraph knows no household's commune, only its cases' communes: the
    // household answers, with the cases outside the caller's communes left out.
    expect: { ...records, caseworkerElsewhere: 'empty' },
    check: (data, ctx) => {
      expect(data._entities[0].id).toBe(ctx.fx.household.id);
      checkCases(data._entities[0].housingSupport, ctx);
    },
  },
  {
    name: 'approveHousingCase',
    subgraph: 'housing',
    query: `mutation($input: ApproveHousingCaseInput!) { approveHousingCase(input: $input) { housingCase { id status household { id } fundingLines { amount } } } }`,
    variables: async (ctx) => ({
      input: {
        householdId: await eligibleHousehold(ctx),
        kind: 'NEW_HOUSE',
        approvalDate: '2025-12-01',
        fundingLines: [{ source: 'CITY_BUDGET', amount: '40000000' }],
      },
    }),
    expect: departmentWrite,
    check: (data) => expect(data.approveHousingCase.housingCase.status).toBe('APPROVED'),
    unchangedProbe: probeDay('2025-12-01'),
  },
  {
    name: 'recordHousingProgress',
    subgraph: 'housing',
    query: PROGRESS,
    // A fresh APPROVED case for each cell; building starts with community money on a day of its own.
    variables: async (ctx) => ({
      input: { caseId: await setUpCase(ctx, '2025-12-02'), startDate: '2025-12-03', fundingLines: [{ source: 'SOCIAL_MOBILISATION', amount: '5000000' }] },
    }),
    expect: departmentWrite,
    check: (data) => expect(data.recordHousingProgress.housingCase.status).toBe('BUILDING'),
    unchangedProbe: probeDay('2025-12-03'),
  },
  {
    name: 'completeHousingCase',
    subgraph: 'housing',
    query: `mutation($input: CompleteHousingCaseInput!) { completeHousingCase(input: $input) { housingCase { id status completionDate } } }`,
    variables: async (ctx) => ({ input: { caseId: await setUpCase(ctx, '2025-12-04', '2025-12-05'), completionDate: '2025-12-06' } }),
    expect: departmentWrite,
    check: (data) => expect(data.completeHousingCase.housingCase.status).toBe('COMPLETED'),
    unchangedProbe: probeDay('2025-12-06'),
  },
  {
    name: 'cancelHousingCase',
    subgraph: 'housing',
    query: `mutation($input: CancelHousingCaseInput!) { cancelHousingCase(input: $input) { housingCase { id status cancellationReason } } }`,
    // Cancelling counts against the approval day: the probe's casesCancelled of 2025-12-07.
    variables: async (ctx) => ({ input: { caseId: await setUpCase(ctx, '2025-12-07'), cancellationDate: '2025-12-08', reason: 'matrix' } }),
    expect: departmentWrite,
    check: (data) => expect(data.cancelHousingCase.housingCase.status).toBe('CANCELLED'),
    unchangedProbe: probeDay('2025-12-07'),
  },
  {
    name: 'addFundContribution (no personal field read back)',
    subgraph: 'housing',
    query: `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id donorKind amount contributionDate commune { code } } } }`,
    variables: ({ fx }) => ({
      input: {
        donorKind: 'INDIVIDUAL',
        donorName: `Matrix donor ${++contributions}`,
        amount: '1000000',
        contributionDate: '2025-12-09',
        communeCode: fx.household.communeCode,
      },
    }),
    expect: departmentWrite,
    check: (data) => expect(data.addFundContribution.contribution).toMatchObject({ donorKind: 'INDIVIDUAL', amount: '1000000' }),
    unchangedProbe: probeDay('2025-12-09'),
  },
  {
    name: 'addFundContribution reading the donor’s name under an alias',
    subgraph: 'housing',
    query: `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id who: donorName } } }`,
    variables: () => ({ input: { donorKind: 'INDIVIDUAL', donorName: `Matrix donor ${++contributions}`, amount: '2000000', contributionDate: '2025-12-10' } }),
    // Needs housing:write and personal:read, which only an administrator has together
    // (housing-writer lacks personal:read; registry-writer, the other writer, housing:write).
    expect: adminOnly,
    check: (data) => expect(data.addFundContribution.contribution.who).toMatch(/^Matrix donor /),
    unchangedProbe: probeDay('2025-12-10'),
  },
  {
    name: 'addFundContribution reading the donor’s name through a fragment',
    subgraph: 'housing',
    query: `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { ...Donor } } }
      fragment Donor on FundContribution { id ... on FundContribution { donorName } }`,
    variables: () => ({ input: { donorKind: 'INDIVIDUAL', donorName: `Matrix donor ${++contributions}`, amount: '3000000', contributionDate: '2025-12-11' } }),
    expect: adminOnly,
    check: (data) => expect(data.addFundContribution.contribution.donorName).toMatch(/^Matrix donor /),
    unchangedProbe: probeDay('2025-12-11'),
  },
  {
    name: 'the housing audit trail',
    subgraph: 'housing',
    query: `{ housingAuditTrail(first: 5) { totalCount pageInfo { hasNextPage } edges { cursor node { id occurredAt subject roles action operation fields householdIds } } } }`,
    expect: adminOnly,
    check: (data) => expect(data.housingAuditTrail.totalCount).toEqual(expect.any(Number)),
  },
];
