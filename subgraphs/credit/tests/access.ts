import { expect } from 'vitest';
import type { AccessCase, CaseContext, Outcome, Role } from '../../../tests/access/types.js';
import { adminOnly, departmentWrite, everyone, memo } from '../../../tests/access/outcomes.js';

// The credit subgraph's cells of the access matrix (tests/access.test.ts plays them).
//
// Through the gateway a household is reached by the registry's `household(id)`, which refuses a
// caseworker from another commune (FORBIDDEN); asked directly, the credit subgraph answers
// `_entities` for that household with its loans left out (an empty list, a zero summary): it
// knows no household's commune, only the commune each loan was disbursed in. Hence separate
// gateway and direct cases for the household-level reads.
//
// Writes use days in December 2025 that only one case writes to, so that each case's probe
// (the city's figures of its day, and the audit trail) shows a denial wrote nothing.

/** A household-level read (credit has no personal field): every role with records:read. */
const records: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'allowed',
  caseworker: 'allowed',
  caseworkerElsewhere: 'hidden',
  ownWriter: 'allowed',
  otherWriter: 'allowed',
  administrator: 'allowed',
};

/**
 * The registry's personal fields reached through a loan: personal:read is needed, which the
 * credit writer lacks and the matrix's other writer (registry-writer) has.
 */
const personal: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'FORBIDDEN',
  caseworker: 'allowed',
  caseworkerElsewhere: 'hidden',
  ownWriter: 'FORBIDDEN',
  otherWriter: 'allowed',
  administrator: 'allowed',
};

const LOAN = `id principal disbursedOn status commune { code } programme { code } repayments { paidOn principal } principalRepaid outstanding`;
// As of today (no `asOf`): every loan shown counts in the summary.
const SUMMARY = `creditSummary { loans totalBorrowed outstanding }`;

/** The fixture household's loans and summary, checked against the caller's communes. */
function checkLoans(household: { loans: any[]; creditSummary: any }, { fx, role }: CaseContext): void {
  if (role === 'caseworkerElsewhere') {
    expect(household.loans, 'loans outside the caseworker’s communes are left out').toEqual([]);
    expect(household.creditSummary, 'the summary covers only the loans shown').toMatchObject({ loans: 0, totalBorrowed: '0', outstanding: '0' });
    return;
  }
  // The fixture household has loans (the runner picks it so).
  expect(household.loans.length).toBeGreaterThan(0);
  expect(household.creditSummary.loans).toBe(household.loans.length);
  if (role === 'caseworker') expect(household.loans.every((l) => l.commune.code === fx.household.communeCode)).toBe(true);
}

const FIGURES = `{ amountDisbursed loans borrowingHouseholds jobsCreated byProgramme { programme { code } loans borrowingHouseholds jobsCreated } }`;
const OUTSTANDING = `{ outstanding loansWithBalance borrowersWithBalance byProgramme { loansWithBalance borrowersWithBalance } }`;

/**
 * Counts of loans, households and jobs are withheld from the public when 1 to 4 (and perturbed
 * above); money is rounded for the public, and withheld beside a withheld count.
 */
function checkFigures(figures: any, outstanding: any, role: Role): void {
  const counts = [
    figures.loans,
    figures.borrowingHouseholds,
    figures.jobsCreated,
    ...figures.byProgramme.flatMap((p: any) => [p.loans, p.borrowingHouseholds, p.jobsCreated]),
    outstanding.loansWithBalance,
    outstanding.borrowersWithBalance,
    ...outstanding.byProgramme.flatMap((p: any) => [p.loansWithBalance, p.borrowersWithBalance]),
  ];
  if (role === 'public') for (const n of counts) expect(n === null || n === 0 || n > 4, `public sees ${n}`).toBe(true);
  else for (const n of counts) expect(n).toEqual(expect.any(Number));
  const money = role === 'public' ? expect.toSatisfy((m: unknown) => m === null || typeof m === 'string') : expect.any(String);
  expect(figures.amountDisbursed).toEqual(money);
  expect(outstanding.outstanding).toEqual(money);
}

/** Ids found once per run through the administrator, shared by the cells that need them. */
const once = memo();

/** One of the fixture household's loans (the runner's fixture has some). */
function fixtureLoanId({ fx, admin }: CaseContext): Promise<string> {
  return once('loan', async () => {
    const data = await admin(`query($id: ID!) { household(id: $id) { loans { id } } }`, { id: fx.household.id });
    const id = data.household.loans[0]?.id;
    expect(id, `a loan of household ${fx.household.id}`).toBeDefined();
    return id as string;
  });
}

const DISBURSE = `mutation($input: DisburseLoanInput!) { disburseLoan(input: $input) { loan { id status household { id } principal } } }`;

/** A job-creation loan (any registered household may borrow) to the fixture household. */
function loanInput(fx: CaseContext['fx'], disbursedOn: string, n: number) {
  return {
    householdId: fx.household.id,
    programmeCode: 'JOB_CREATION',
    amount: '10000000',
    disbursedOn,
    termMonths: 24,
    purpose: `Access matrix ${n}`,
    massOrganisation: 'YOUTH_UNION',
    savingsGroup: 'Tổ TK&VV matrix',
  };
}

/** What a denied write must leave alone: the city's credit figures of `day` and the audit trail. */
function probeDay(day: string): AccessCase['unchangedProbe'] {
  return {
    query: `query($day: Date!) { city { creditFigures(from: $day, to: $day) { loans amountDisbursed } creditOutstanding(asOf: $day) { outstanding } }
      creditAuditTrail(first: 1, filter: { action: WRITE }) { totalCount } }`,
    variables: () => ({ day }),
  };
}

let written = 0;

export const cases: AccessCase[] = [
  {
    name: 'loan programmes, commune and city credit figures, capital entrusted',
    subgraph: 'credit',
    query: `query($code: ID!) { loanProgrammes { code name annualRatePercent }
      commune(code: $code) { code creditFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} creditOutstanding(asOf: "2024-03-31") ${OUTSTANDING} }
      city { creditFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} creditOutstanding(asOf: "2024-12-31") ${OUTSTANDING}
        capitalEntrusted(fromYear: 2021, toYear: 2025) { total entries { year amount } } } }`,
    directQuery: `query($reps: [_Any!]!) { loanProgrammes { code name annualRatePercent } _entities(representations: $reps) {
      ... on Commune { code creditFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} creditOutstanding(asOf: "2024-03-31") ${OUTSTANDING} }
      ... on City { code creditFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} creditOutstanding(asOf: "2024-12-31") ${OUTSTANDING}
        capitalEntrusted(fromYear: 2021, toYear: 2025) { total entries { year amount } } } } }`,
    variables: ({ fx }) => ({
      code: fx.household.communeCode,
      reps: [
        { __typename: 'Commune', code: fx.household.communeCode },
        { __typename: 'City', code: '01' },
      ],
    }),
    expect: everyone('allowed'),
    check: (data, { role }) => {
      expect(data.loanProgrammes).toHaveLength(9);
      const commune = data.commune ?? data._entities[0];
      const city = data.city ?? data._entities[1];
      checkFigures(commune.creditFigures, commune.creditOutstanding, role);
      checkFigures(city.creditFigures, city.creditOutstanding, role);
      expect(city.capitalEntrusted.total).toEqual(expect.any(String));
    },
  },
  {
    name: 'loan by id (a record of the fixture household)',
    subgraph: 'credit',
    query: `query($id: ID!) { loan(id: $id) { ${LOAN} household { id } maturityDate annualRatePercent purpose massOrganisation savingsGroup } }`,
    variables: async (ctx) => ({ id: await fixtureLoanId(ctx) }),
    // Asked for by id, a loan outside the caseworker's communes is refused, on both sides.
    expect: records,
    check: (data, { fx }) => expect(data.loan).toMatchObject({ household: { id: fx.household.id }, commune: { code: fx.household.communeCode } }),
  },
  {
    name: 'a household’s loans and credit summary through household(id)',
    subgraph: 'credit',
    via: 'gateway',
    query: `query($id: ID!) { household(id: $id) { id loans { ${LOAN} } ${SUMMARY} } }`,
    variables: ({ fx }) => ({ id: fx.household.id }),
    expect: records,
    check: (data, ctx) => checkLoans(data.household, ctx),
  },
  {
    name: '_entities: a household’s loans and credit summary',
    subgraph: 'credit',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id loans { ${LOAN} } ${SUMMARY} } } }`,
    variables: ({ fx }) => ({ reps: [{ __typename: 'Household', id: fx.household.id }] }),
    // The credit subgraph answers for the household, with the loans outside the caller's
    // communes left out and the summary computed over the loans shown.
    expect: { ...records, caseworkerElsewhere: 'empty' },
    check: (data, ctx) => {
      expect(data._entities[0].id).toBe(ctx.fx.household.id);
      checkLoans(data._entities[0], ctx);
    },
  },
  {
    name: 'a loan’s household address under an alias (the registry’s personal field)',
    subgraph: 'credit',
    via: 'gateway',
    query: `query($id: ID!) { loan(id: $id) { id household { id where: address } } }`,
    variables: async (ctx) => ({ id: await fixtureLoanId(ctx) }),
    expect: personal,
    check: (data) => expect(data.loan.household.where).toEqual(expect.any(String)),
  },
  {
    name: 'a loan’s household members’ names through fragments',
    subgraph: 'credit',
    via: 'gateway',
    query: `query($id: ID!) { loan(id: $id) { ...L } }
      fragment L on Loan { id household { ...H } }
      fragment H on Household { id members { name: fullName } }`,
    variables: async (ctx) => ({ id: await fixtureLoanId(ctx) }),
    expect: personal,
    check: (data) => expect(data.loan.household.members[0].name).toEqual(expect.any(String)),
  },
  {
    name: 'disburseLoan',
    subgraph: 'credit',
    query: DISBURSE,
    variables: ({ fx }) => ({ input: loanInput(fx, '2025-12-10', ++written) }),
    expect: departmentWrite,
    check: (data, { fx }) => expect(data.disburseLoan.loan).toMatchObject({ status: 'CURRENT', household: { id: fx.household.id }, principal: '10000000' }),
    unchangedProbe: probeDay('2025-12-10'),
  },
  {
    name: 'recordRepayment',
    subgraph: 'credit',
    query: `mutation($input: RecordLoanRepaymentInput!) { recordRepayment(input: $input) { repayment { id principal } loan { id principalRepaid } } }`,
    // A fresh loan for each cell (disbursed by the administrator before the probe is taken),
    // repaid in part on a day of its own.
    variables: async (ctx) => {
      const loan = await ctx.admin(DISBURSE, { input: loanInput(ctx.fx, '2025-12-20', ++written) });
      return { input: { loanId: loan.disburseLoan.loan.id, paidOn: '2025-12-21', principal: '1000000', interest: '55000' } };
    },
    expect: departmentWrite,
    check: (data) => expect(data.recordRepayment.loan.principalRepaid).toBe('1000000'),
    unchangedProbe: probeDay('2025-12-21'),
  },
  {
    name: 'the credit audit trail',
    subgraph: 'credit',
    query: `{ creditAuditTrail(first: 5, filter: { action: WRITE }) { totalCount edges { cursor node { id occurredAt subject roles action operation fields householdIds requestId } } pageInfo { hasNextPage endCursor } } }`,
    expect: adminOnly,
    check: (data) => expect(data.creditAuditTrail.totalCount).toEqual(expect.any(Number)),
  },
];
