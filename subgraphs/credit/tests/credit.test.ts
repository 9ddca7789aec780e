import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credit } from '../index.js';
import { registry } from '../../registry/index.js';
import { onlyError, startTestStack, type TestStack } from '../../../tests/support/stack.js';
import { expectPublicAmount, expectPublicCount } from '../../../tests/support/disclosure.js';

// These tests are about this department's answers, so callers without a token may send any
// document; the gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

// The credit subgraph (VBSP) with the registry, through the gateway, on the demo data.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, credit] });
});
afterAll(async () => {
  await stack?.close();
});

const DISBURSE = `mutation($input: DisburseLoanInput!) {
  disburseLoan(input: $input) { loan { id household { id } commune { code } programme { code } principal disbursedOn termMonths
    maturityDate annualRatePercent priorityRate jobsCreated status massOrganisation savingsGroup purpose outstanding } }
}`;
const REPAY = `mutation($input: RecordLoanRepaymentInput!) {
  recordRepayment(input: $input) { repayment { id paidOn principal interest loan { id } } loan { id status principalRepaid outstanding } }
}`;

async function rowCounts(): Promise<{ loans: number; repayments: number }> {
  const { rows } = await sql<{ loans: number; repayments: number }>`
    SELECT (SELECT count(*) FROM loan)::int AS loans, (SELECT count(*) FROM loan_repayment)::int AS repayments`.execute(stack.databases.kysely<any>('credit'));
  return rows[0]!;
}

/** Registry households of a review year and classification, with their classifications by year. */
async function householdsWith(year: number, classification: string) {
  const r = await stack.query(
    `query($year: Int!, $c: Classification!) { households(first: 100, filter: { year: $year, classification: $c }) { edges { node {
      id commune { code } reviews { year classification } } } } }`,
    { year, c: classification },
  );
  expect(r.errors).toBeUndefined();
  return r.data.households.edges.map((e: any) => ({
    id: e.node.id as string,
    communeCode: e.node.commune.code as string,
    byYear: Object.fromEntries(e.node.reviews.map((rv: any) => [rv.year, rv.classification])) as Record<number, string>,
  }));
}

function loanInput(householdId: string, overrides: Record<string, unknown> = {}) {
  return {
    householdId,
    programmeCode: 'POOR_HOUSEHOLDS',
    amount: '50000000',
    disbursedOn: '2024-03-01',
    termMonths: 36,
    purpose: 'Raising pigs',
    massOrganisation: 'WOMENS_UNION',
    savingsGroup: 'Tổ TK&VV test-01',
    ...overrides,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('loan programmes', () => {
  it('holds the domain brief programmes as data', async () => {
    const r = await stack.query(
      `{ loanProgrammes { code eligibility annualRatePercent priorityRatePercent maxAmount maxTermMonths graceMonths recordsJobs } }`,
    );
    expect(r.errors).toBeUndefined();
    const byCode = Object.fromEntries(r.data.loanProgrammes.map((p: any) => [p.code, p]));
    expect(r.data.loanProgrammes).toHaveLength(9);
    expect(byCode.POOR_HOUSEHOLDS).toMatchObject({ eligibility: 'POOR', annualRatePercent: 6.6, maxAmount: '100000000', priorityRatePercent: null });
    expect(byCode.NEAR_POOR_HOUSEHOLDS).toMatchObject({ eligibility: 'NEAR_POOR', annualRatePercent: 7.92 });
    expect(byCode.NEWLY_ESCAPED_POVERTY).toMatchObject({ eligibility: 'NEWLY_ESCAPED', annualRatePercent: 8.25 });
    expect(byCode.JOB_CREATION).toMatchObject({
      eligibility: 'ANY_REGISTERED',
      annualRatePercent: 7.92,
      priorityRatePercent: 3.96,
      maxAmount: '100000000',
      recordsJobs: true,
    });
    expect(byCode.OVERSEAS_LABOUR).toMatchObject({ annualRatePercent: 6.6, priorityRatePercent: 3.3 });
    expect(byCode.CLEAN_WATER_SANITATION).toMatchObject({ annualRatePercent: 9 });
    expect(byCode.HOUSING_POOR).toMatchObject({ eligibility: 'POOR', annualRatePercent: 3, maxTermMonths: 180, graceMonths: 60 });
    expect(byCode.DISADVANTAGED_STUDENTS.annualRatePercent).toBe(6.6);
    expect(byCode.RELEASED_PRISONERS.eligibility).toBe('ANY_REGISTERED');
  });
});

describe('households and their loans through the gateway', () => {
  it("reads a household's registry data beside its loans and credit summary", async () => {
    const asOf = '2025-06-30';
    const r = await stack.query(
      `query($asOf: Date!) { loan(id: "1") { id household { id address commune { code name } members { fullName }
        loans { id principal disbursedOn status programme { code } commune { code } repayments { paidOn principal interest } principalRepaid outstanding(asOf: $asOf) writtenOffOn }
        creditSummary(asOf: $asOf) { asOf loans totalBorrowed outstanding } } } }`,
      { asOf },
    );
    expect(r.errors).toBeUndefined();
    const h = r.data.loan.household;
    expect(h.address.length).toBeGreaterThan(0);
    expect(h.members.length).toBeGreaterThan(0);
    expect(h.commune.name.length).toBeGreaterThan(0);
    expect(h.loans.map((l: any) => l.id)).toContain('1');
    const inForce = h.loans.filter((l: any) => l.disbursedOn <= asOf);
    expect(h.creditSummary).toEqual({
      asOf,
      loans: inForce.length,
      totalBorrowed: String(sum(inForce.map((l: any) => Number(l.principal)))),
      outstanding: String(sum(inForce.map((l: any) => Number(l.outstanding)))),
    });
    for (const l of h.loans) {
      // Derived balance: principal minus principal repaid up to the date.
      const repaid = sum(l.repayments.filter((p: any) => p.paidOn <= asOf).map((p: any) => Number(p.principal)));
      const expected = l.disbursedOn > asOf || (l.writtenOffOn && l.writtenOffOn <= asOf) ? 0 : Number(l.principal) - repaid;
      expect(Number(l.outstanding)).toBe(expected);
      expect(Number(l.principalRepaid)).toBe(sum(l.repayments.map((p: any) => Number(p.principal))));
      if (l.status === 'REPAID') expect(l.principalRepaid).toBe(l.principal);
    }
  });

  it('seeds programme loans only for households that were eligible in the review year before the loan', async () => {
    let checked = 0;
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r: any = await stack.query(
        `query($after: String) { households(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
          id commune { code } reviews { year classification } loans { disbursedOn commune { code } programme { eligibility } } } } } }`,
        { after },
      );
      expect(r.errors).toBeUndefined();
      for (const { node } of r.data.households.edges) {
        const byYear = Object.fromEntries(node.reviews.map((rv: any) => [rv.year, rv.classification]));
        for (const loan of node.loans) {
          expect(loan.commune.code).toBe(node.commune.code);
          const y = Number(loan.disbursedOn.slice(0, 4)) - 1;
          const e = loan.programme.eligibility;
          if (e === 'POOR') expect(byYear[y]).toBe('POOR');
          if (e === 'NEAR_POOR') expect(byYear[y]).toBe('NEAR_POOR');
          if (e === 'NEWLY_ESCAPED') {
            expect(byYear[y]).toBeDefined();
            expect(byYear[y]).not.toBe('POOR');
            expect([y - 3, y - 2, y - 1].some((x) => byYear[x] === 'POOR')).toBe(true);
          }
          checked++;
        }
      }
      if (!r.data.households.pageInfo.hasNextPage) break;
      after = r.data.households.pageInfo.endCursor;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('commune and city figures', () => {
  const from = '2021-01-01';
  const to = '2024-12-31';
  const asOf = '2024-12-31';

  it('reads all 126 communes and the city, and the city equals the sum of its communes', async () => {
    const r = await stack.query(
      `query($from: Date!, $to: Date!, $asOf: Date!) {
        communes { code name
          creditFigures(from: $from, to: $to) { from to amountDisbursed loans borrowingHouseholds jobsCreated byProgramme { programme { code } amountDisbursed loans borrowingHouseholds jobsCreated } }
          creditOutstanding(asOf: $asOf) { asOf outstanding loansWithBalance borrowersWithBalance byProgramme { programme { code } outstanding loansWithBalance } } }
        city { name
          creditFigures(from: $from, to: $to) { amountDisbursed loans borrowingHouseholds jobsCreated byProgramme { programme { code } amountDisbursed loans borrowingHouseholds } }
          creditOutstanding(asOf: $asOf) { outstanding loansWithBalance borrowersWithBalance byProgramme { programme { code } outstanding } }
          capitalEntrusted(fromYear: 2021, toYear: 2024) { fromYear toYear total entries { year amount sourceNote } } } }`,
      { from, to, asOf },
    );
    expect(r.errors).toBeUndefined();
    const communes = r.data.communes;
    const city = r.data.city;
    expect(communes).toHaveLength(126);
    expect(city.name).toBe('Hà Nội');
    const n = (x: string) => Number(x);
    for (const key of ['amountDisbursed', 'loans', 'jobsCreated'] as const) {
      expect(sum(communes.map((c: any) => n(c.creditFigures[key])))).toBe(n(city.creditFigures[key]));
    }
    expect(sum(communes.map((c: any) => n(c.creditOutstanding.outstanding)))).toBe(n(city.creditOutstanding.outstanding));
    expect(sum(communes.map((c: any) => c.creditOutstanding.loansWithBalance))).toBe(city.creditOutstanding.loansWithBalance);
    // A household is counted once: the city's distinct borrowers are at most the communes' sum.
    expect(city.creditFigures.borrowingHouseholds).toBeLessThanOrEqual(sum(communes.map((c: any) => c.creditFigures.borrowingHouseholds)));
    expect(city.creditFigures.loans).toBeGreaterThan(50);
    expect(n(city.creditOutstanding.outstanding)).toBeGreaterThan(0);
    // By programme: every programme listed, adding up to the total.
    expect(city.creditFigures.byProgramme).toHaveLength(9);
    expect(sum(city.creditFigures.byProgramme.map((p: any) => n(p.amountDisbursed)))).toBe(n(city.creditFigures.amountDisbursed));
    expect(sum(city.creditOutstanding.byProgramme.map((p: any) => n(p.outstanding)))).toBe(n(city.creditOutstanding.outstanding));
    city.creditFigures.byProgramme.forEach((p: any, i: number) => {
      expect(sum(communes.map((c: any) => n(c.creditFigures.byProgramme[i].amountDisbursed)))).toBe(n(p.amountDisbursed));
      expect(communes[0].creditFigures.byProgramme[i].programme.code).toBe(p.programme.code);
    });
    const busiest = communes.reduce((a: any, b: any) => (b.creditFigures.loans > a.creditFigures.loans ? b : a));
    expect(busiest.creditFigures).toMatchObject({ from, to });
    expect(sum(busiest.creditFigures.byProgramme.map((p: any) => p.loans))).toBe(busiest.creditFigures.loans);
    expect(city.capitalEntrusted).toMatchObject({ fromYear: 2021, toYear: 2024, total: '8718000000000' });
    expect(city.capitalEntrusted.entries.map((e: any) => e.year)).toEqual([2021, 2022, 2023, 2024]);
  });

  it("matches the city's outstanding balance and disbursements to the loans one by one", async () => {
    let outstanding = 0;
    let disbursed = 0;
    let loans = 0;
    const borrowers = new Set<string>();
    const GROUP = ['JOB_CREATION', 'CLEAN_WATER_SANITATION'];
    const groupBorrowers = new Set<string>();
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r: any = await stack.query(
        `query($after: String, $asOf: Date!) { households(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
          id loans { principal disbursedOn outstanding(asOf: $asOf) programme { code } } } } } }`,
        { after, asOf },
      );
      for (const { node } of r.data.households.edges) {
        for (const l of node.loans) {
          outstanding += Number(l.outstanding);
          if (l.disbursedOn >= from && l.disbursedOn <= to) {
            disbursed += Number(l.principal);
            loans++;
            borrowers.add(node.id);
            if (GROUP.includes(l.programme.code)) groupBorrowers.add(node.id);
          }
        }
      }
      if (!r.data.households.pageInfo.hasNextPage) break;
      after = r.data.households.pageInfo.endCursor;
    }
    const city = await stack.query(
      `query($from: Date!, $to: Date!, $asOf: Date!, $group: [String!]!) { city { creditFigures(from: $from, to: $to) { amountDisbursed loans borrowingHouseholds
        group: borrowingHouseholdsUnder(programmes: $group) }
        creditOutstanding(asOf: $asOf) { outstanding } } }`,
      { from, to, asOf, group: GROUP },
    );
    expect(city.data.city.creditOutstanding.outstanding).toBe(String(outstanding));
    expect(city.data.city.creditFigures).toEqual({
      amountDisbursed: String(disbursed),
      loans,
      borrowingHouseholds: borrowers.size,
      group: groupBorrowers.size,
    });
  });

  it('counts a household once over a group of programmes, for the city and each commune', async () => {
    const codes: string[] = (await stack.query('{ loanProgrammes { code } }')).data.loanProgrammes.map((p: any) => p.code);
    const aliases = codes.map((code, i) => `p${i}: borrowingHouseholdsUnder(programmes: ["${code}"])`).join(' ');
    const group = ['JOB_CREATION', 'CLEAN_WATER_SANITATION', 'DISADVANTAGED_STUDENTS'];
    const fields = `borrowingHouseholds all: borrowingHouseholdsUnder(programmes: ${JSON.stringify(codes)})
      group: borrowingHouseholdsUnder(programmes: ${JSON.stringify(group)}) ${aliases}
      byProgramme { programme { code } borrowingHouseholds }`;
    const r = await stack.query(`{ communes { code creditFigures(from: "${from}", to: "${to}") { ${fields} } }
      city { creditFigures(from: "${from}", to: "${to}") { ${fields} } } }`);
    expect(r.errors).toBeUndefined();
    const areas = [r.data.city.creditFigures, ...r.data.communes.map((c: any) => c.creditFigures)];
    for (const f of areas) {
      // Every programme: the same distinct count as over all programmes.
      expect(f.all).toBe(f.borrowingHouseholds);
      // One programme: that programme's own count.
      codes.forEach((code, i) => expect(f[`p${i}`]).toBe(f.byProgramme.find((p: any) => p.programme.code === code).borrowingHouseholds));
      const parts = f.byProgramme.filter((p: any) => group.includes(p.programme.code)).map((p: any) => p.borrowingHouseholds);
      expect(f.group).toBeLessThanOrEqual(sum(parts));
      expect(f.group).toBeGreaterThanOrEqual(Math.max(...parts));
    }
    // The group is not empty in the demo city (the loan-by-loan test below checks its count).
    expect(r.data.city.creditFigures.group).toBeGreaterThan(0);
  });

  it('refuses an empty, unknown or repeated group, and gives the public only published groups, perturbed', async () => {
    const ask = (programmes: string) =>
      stack.query(`{ city { creditFigures(from: "${from}", to: "${to}") { borrowingHouseholdsUnder(programmes: ${programmes}) } } }`);
    for (const [programmes, words] of [
      ['[]', 'is empty'],
      ['["JOB_CREATION", "NO_SUCH"]', '"NO_SUCH", not a programme code'],
      ['["JOB_CREATION", "JOB_CREATION"]', 'more than once'],
    ] as const) {
      const error = onlyError(await ask(programmes));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'programmes' });
      expect(error.message).toContain(words);
    }
    // The public: only a group the city publishes, withheld and perturbed like every count.
    const production = ['POOR_HOUSEHOLDS', 'NEAR_POOR_HOUSEHOLDS', 'NEWLY_ESCAPED_POVERTY'];
    const exact = await ask(JSON.stringify(production));
    const shown = await stack.query(
      `{ city { creditFigures(from: "${from}", to: "${to}") { borrowingHouseholdsUnder(programmes: ${JSON.stringify(production)}) } } }`,
      {},
      undefined,
      null,
    );
    expect(shown.errors).toBeUndefined();
    expectPublicCount(
      shown.data.city.creditFigures.borrowingHouseholdsUnder,
      exact.data.city.creditFigures.borrowingHouseholdsUnder,
      'production-loan households',
    );
    const refused = onlyError(
      await stack.query(
        `{ city { creditFigures(from: "${from}", to: "${to}") { borrowingHouseholdsUnder(programmes: ["JOB_CREATION"]) } } }`,
        {},
        undefined,
        null,
      ),
    );
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'programmes' });
    expect(refused.message).toContain('a group the city publishes');
  });

  it('refuses a period that ends before it starts', async () => {
    const error = onlyError(await stack.query(`{ commune(code: "00070") { creditFigures(from: "2024-01-01", to: "2023-01-01") { loans } } }`));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe('disbursing and repaying loans', () => {
  it('disburses a poor-household loan, counts it in the figures, and repays it to REPAID', async () => {
    const poor2023 = (await householdsWith(2023, 'POOR'))[0]!;
    const day = '2024-03-01';
    const figuresQ = `query($code: ID!) { commune(code: $code) { creditFigures(from: "${day}", to: "${day}") { amountDisbursed loans }
      creditOutstanding(asOf: "2024-12-31") { outstanding } } }`;
    const before = (await stack.query(figuresQ, { code: poor2023.communeCode })).data.commune;

    const r = await stack.query(DISBURSE, { input: loanInput(poor2023.id, { amount: 60000000, disbursedOn: day }) });
    expect(r.errors).toBeUndefined();
    const loan = r.data.disburseLoan.loan;
    expect(loan).toMatchObject({
      household: { id: poor2023.id },
      commune: { code: poor2023.communeCode },
      programme: { code: 'POOR_HOUSEHOLDS' },
      principal: '60000000',
      disbursedOn: day,
      termMonths: 36,
      maturityDate: '2027-03-01',
      annualRatePercent: 6.6,
      priorityRate: false,
      jobsCreated: 0,
      status: 'CURRENT',
      massOrganisation: 'WOMENS_UNION',
      outstanding: '60000000',
    });
    const after = (await stack.query(figuresQ, { code: poor2023.communeCode })).data.commune;
    expect(Number(after.creditFigures.amountDisbursed) - Number(before.creditFigures.amountDisbursed)).toBe(60_000_000);
    expect(after.creditFigures.loans - before.creditFigures.loans).toBe(1);
    expect(Number(after.creditOutstanding.outstanding) - Number(before.creditOutstanding.outstanding)).toBe(60_000_000);

    const first = await stack.query(REPAY, { input: { loanId: loan.id, paidOn: '2024-09-01', principal: '20000000', interest: '1980000' } });
    expect(first.errors).toBeUndefined();
    expect(first.data.recordRepayment).toMatchObject({
      repayment: { paidOn: '2024-09-01', principal: '20000000', interest: '1980000', loan: { id: loan.id } },
      loan: { status: 'CURRENT', principalRepaid: '20000000', outstanding: '40000000' },
    });
    const final = await stack.query(REPAY, { input: { loanId: loan.id, paidOn: '2025-03-01', principal: 40000000, interest: 1320000 } });
    expect(final.errors).toBeUndefined();
    expect(final.data.recordRepayment.loan).toMatchObject({ status: 'REPAID', principalRepaid: '60000000', outstanding: '0' });
    const at = await stack.query(
      `{ loan(id: "${loan.id}") { status a: outstanding(asOf: "2024-03-01") b: outstanding(asOf: "2024-12-31") c: outstanding(asOf: "2025-03-01") d: outstanding(asOf: "2024-02-29") } }`,
    );
    expect(at.data.loan).toEqual({ status: 'REPAID', a: '60000000', b: '40000000', c: '0', d: '0' });
  });

  it('applies the priority rate and records jobs for a job-creation loan', async () => {
    const r = await stack.query(DISBURSE, {
      input: loanInput('7', {
        programmeCode: 'JOB_CREATION',
        priorityRate: true,
        jobsCreated: 2,
        amount: '100000000',
        termMonths: 120,
        massOrganisation: 'YOUTH_UNION',
        disbursedOn: '2025-05-05',
      }),
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.disburseLoan.loan).toMatchObject({ annualRatePercent: 3.96, priorityRate: true, jobsCreated: 2, massOrganisation: 'YOUTH_UNION' });
  });

  it('lends to a household that escaped poverty within three years', async () => {
    const escaped = (await householdsWith(2022, 'POOR')).find((h: any) => h.byYear[2023] !== 'POOR')!;
    const r = await stack.query(DISBURSE, { input: loanInput(escaped.id, { programmeCode: 'NEWLY_ESCAPED_POVERTY', disbursedOn: '2024-06-01' }) });
    expect(r.errors).toBeUndefined();
    expect(r.data.disburseLoan.loan.annualRatePercent).toBe(8.25);
  });

  it('refuses bad loans naming the field, writing nothing', async () => {
    const poor2023 = (await householdsWith(2023, 'POOR'))[0]!;
    const poor2022 = await householdsWith(2022, 'POOR');
    const escaped = poor2022.find((h: any) => h.byYear[2023] !== 'POOR')!;
    const neverPoor = (await householdsWith(2022, 'MIDDLE_INCOME')).find((h: any) => !Object.values(h.byYear).includes('POOR'))!;
    expect(escaped && neverPoor).toBeTruthy();
    const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const ok = loanInput(poor2023.id);
    const before = await rowCounts();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...ok, householdId: '987654321' }, 'householdId'],
      [{ ...ok, householdId: 'abc' }, 'householdId'],
      [{ ...ok, programmeCode: 'LOTTERY' }, 'programmeCode'],
      [{ ...ok, amount: '0' }, 'amount'],
      [{ ...ok, amount: '-5000000' }, 'amount'],
      [{ ...ok, amount: '100000001' }, 'amount'],
      [{ ...ok, termMonths: 0 }, 'termMonths'],
      [{ ...ok, termMonths: 121 }, 'termMonths'],
      [{ ...ok, disbursedOn: tomorrow }, 'disbursedOn'],
      [{ ...ok, disbursedOn: '2099-01-01' }, 'disbursedOn'],
      // Poor in review 2022 but not in 2023: a poor-household loan in 2024 uses the 2023 list.
      [{ ...ok, householdId: escaped.id, disbursedOn: '2024-03-01' }, 'programmeCode'],
      // A household on the poor list is not near-poor.
      [{ ...ok, programmeCode: 'NEAR_POOR_HOUSEHOLDS' }, 'programmeCode'],
      // Never poor: did not escape poverty.
      [{ ...ok, householdId: neverPoor.id, programmeCode: 'NEWLY_ESCAPED_POVERTY' }, 'programmeCode'],
      // Still poor in the lists in force: not escaped.
      [{ ...ok, programmeCode: 'NEWLY_ESCAPED_POVERTY' }, 'programmeCode'],
      // No 2025 review in the registry: no poor list in force for 2026.
      [{ ...ok, disbursedOn: '2026-01-15' }, 'programmeCode'],
      [{ ...ok, programmeCode: 'HOUSING_POOR', amount: '40000001', termMonths: 120 }, 'amount'],
      [{ ...ok, priorityRate: true }, 'priorityRate'],
      [{ ...ok, jobsCreated: 3 }, 'jobsCreated'],
      [{ ...ok, programmeCode: 'JOB_CREATION', jobsCreated: -1 }, 'jobsCreated'],
      [{ ...ok, purpose: '   ' }, 'purpose'],
      [{ ...ok, savingsGroup: '' }, 'savingsGroup'],
    ];
    for (const [input, field] of cases) {
      const error = onlyError(await stack.query(DISBURSE, { input }));
      expect(error.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // The same household is accepted in 2023, under the 2022 list on which it was poor.
    expect(await rowCounts()).toEqual(before);
    const accepted = await stack.query(DISBURSE, { input: { ...ok, householdId: escaped.id, disbursedOn: '2023-04-01' } });
    expect(accepted.errors).toBeUndefined();
    expect(await rowCounts()).toEqual({ loans: before.loans + 1, repayments: before.repayments });
  });

  it('refuses bad repayments naming the field, writing nothing', async () => {
    const poor2023 = (await householdsWith(2023, 'POOR'))[1]!;
    const made = await stack.query(DISBURSE, { input: loanInput(poor2023.id, { amount: '30000000', disbursedOn: '2024-05-10' }) });
    const loanId = made.data.disburseLoan.loan.id as string;
    expect((await stack.query(REPAY, { input: { loanId, paidOn: '2025-05-10', principal: '10000000', interest: '0' } })).errors).toBeUndefined();
    const { rows } = await sql<{ id: number }>`SELECT id FROM loan WHERE status = 'written_off' ORDER BY id LIMIT 1`.execute(
      stack.databases.kysely<any>('credit'),
    );
    const writtenOff = rows[0];
    expect(writtenOff).toBeDefined();
    const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const ok = { loanId, paidOn: '2025-06-10', principal: '5000000', interest: '100000' };
    const before = await rowCounts();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...ok, loanId: '987654321' }, 'loanId'],
      [{ ...ok, loanId: 'x' }, 'loanId'],
      [{ ...ok, loanId: String(writtenOff!.id) }, 'loanId'],
      // 20,000,000 is outstanding: more is refused, on that date and on a back date.
      [{ ...ok, principal: '20000001' }, 'principal'],
      [{ ...ok, paidOn: '2024-12-01', principal: '25000000' }, 'principal'],
      [{ ...ok, principal: '-1' }, 'principal'],
      [{ ...ok, principal: '0', interest: '0' }, 'principal'],
      [{ ...ok, interest: '-1' }, 'interest'],
      [{ ...ok, paidOn: '2024-05-09' }, 'paidOn'],
      [{ ...ok, paidOn: tomorrow }, 'paidOn'],
    ];
    for (const [input, field] of cases) {
      const error = onlyError(await stack.query(REPAY, { input }));
      expect(error.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await rowCounts()).toEqual(before);
    const loan = await stack.query(`{ loan(id: "${loanId}") { status principalRepaid repayments { principal } } }`);
    expect(loan.data.loan).toEqual({ status: 'CURRENT', principalRepaid: '10000000', repayments: [{ principal: '10000000' }] });
  });

  it('checks concurrent repayments against the balance one after the other', async () => {
    const poor2023 = (await householdsWith(2023, 'POOR'))[2]!;
    const made = await stack.query(DISBURSE, { input: loanInput(poor2023.id, { amount: '10000000', disbursedOn: '2024-05-10' }) });
    const loanId = made.data.disburseLoan.loan.id as string;
    const results = await Promise.all(
      [1, 2, 3].map(() => stack.query(REPAY, { input: { loanId, paidOn: '2025-01-10', principal: '6000000', interest: '0' } })),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) expect(onlyError(r).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'principal' });
    const loan = await stack.query(`{ loan(id: "${loanId}") { principalRepaid outstanding } }`);
    expect(loan.data.loan).toEqual({ principalRepaid: '6000000', outstanding: '4000000' });
  });
});

describe('N+1 guards (credit)', () => {
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
    return { statements: stack.databases.statements.get('credit'), data: r.data };
  }

  it('credit figures for all 126 communes cost the same statements as for 2', async () => {
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code
      creditFigures(from: "2021-01-01", to: "2024-12-31") { amountDisbursed loans borrowingHouseholds jobsCreated byProgramme { programme { code name } amountDisbursed loans } }
      creditOutstanding(asOf: "2024-12-31") { outstanding borrowersWithBalance byProgramme { programme { code } outstanding } } }
      city { creditFigures(from: "2021-01-01", to: "2024-12-31") { amountDisbursed byProgramme { programme { code } loans } } creditOutstanding(asOf: "2024-12-31") { outstanding } } }`;
    const small = await statementsFor(q, { codes: ['00070', '00004'] });
    const large = await statementsFor(q, { codes: null });
    expect(large.data.communes).toHaveLength(126);
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: credit figures of 126 communes and the city = ${large.statements} SQL statements`);
  });

  it('_entities for 500 households with loans and creditSummary is a constant number of statements', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household {
      id loans { id principal status programme { code annualRatePercent } repayments { principal paidOn loan { id } } principalRepaid outstanding(asOf: "2024-12-31") }
      creditSummary(asOf: "2025-06-30") { loans totalBorrowed outstanding } } } }`;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Household', id: String(i + 1) }));
    const small = await statementsFor(q, { r: reps(5) }, stack.subgraphUrls.credit);
    const large = await statementsFor(q, { r: reps(500) }, stack.subgraphUrls.credit);
    expect(large.data._entities).toHaveLength(500);
    const withLoans = large.data._entities.filter((e: any) => e.loans.length > 0).length;
    expect(withLoans).toBeGreaterThan(100);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: _entities for 500 households (${withLoans} with loans) = ${large.statements} SQL statements`);
  });
});

describe('the audit trail (credit)', () => {
  // Writes: refused attempts are audited too, as REFUSED events (counted below).
  const TRAIL = `query($h: ID) { creditAuditTrail(first: 10, filter: { householdId: $h, action: WRITE }) { totalCount
    edges { node { id subject roles action operation fields householdIds occurredAt } } } }`;
  const trail = async (householdId?: string) => {
    const r = await stack.query(TRAIL, { h: householdId ?? null });
    expect(r.errors).toBeUndefined();
    return r.data.creditAuditTrail as { totalCount: number; edges: Array<{ node: any }> };
  };

  const refusals = async () =>
    (await stack.query(`{ creditAuditTrail(filter: { action: REFUSED }) { totalCount } }`)).data.creditAuditTrail.totalCount as number;

  it('records an accepted write once, naming its household, and a refused one as a refusal, never as a write', async () => {
    const household = (await householdsWith(2023, 'POOR'))[3]!;
    const writer = await stack.token({ sub: 'test-credit-writer', roles: ['credit-writer'] });
    const analyst = await stack.token({ sub: 'test-analyst', roles: ['analyst'] });
    const before = await trail();
    const refusedBefore = await refusals();
    const loansBefore = await rowCounts();

    // Refused by the access rules (before any resolver) and by the business rules (inside).
    const denied = await stack.query(DISBURSE, { input: loanInput(household.id) }, undefined, analyst);
    expect(onlyError(denied).extensions?.code).toBe('FORBIDDEN');
    const anonymous = await stack.query(DISBURSE, { input: loanInput(household.id) }, stack.subgraphUrls.credit, null);
    expect(onlyError(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
    const invalid = await stack.query(DISBURSE, { input: loanInput(household.id, { amount: '0' }) }, undefined, writer);
    expect(onlyError(invalid).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await trail()).totalCount).toBe(before.totalCount);
    // The two refusals the credit subgraph saw (the analyst was refused at the gateway).
    expect(await refusals()).toBe(refusedBefore + 2);
    expect(await rowCounts()).toEqual(loansBefore);

    const ok = await stack.query(
      `mutation Disburse($input: DisburseLoanInput!) { disburseLoan(input: $input) { loan { id } } }`,
      { input: loanInput(household.id, { disbursedOn: '2024-04-02' }) },
      undefined,
      writer,
    );
    expect(ok.errors).toBeUndefined();
    const after = await trail();
    expect(after.totalCount).toBe(before.totalCount + 1);
    expect(after.edges[0]!.node).toMatchObject({
      subject: 'test-credit-writer',
      roles: ['credit-writer'],
      action: 'WRITE',
      // Through the gateway the subgraph sees the query planner's name for its part of the
      // operation ("Disburse__credit__0"); the client's name is its prefix.
      operation: expect.stringMatching(/^Disburse(__credit__\d+)?$/),
      fields: ['disburseLoan'],
      householdIds: [household.id],
    });

    // A repayment names the loan's household (the input names only the loan).
    const repaid = await stack.query(
      REPAY,
      { input: { loanId: ok.data.disburseLoan.loan.id, paidOn: '2024-05-02', principal: '1000000', interest: '0' } },
      undefined,
      writer,
    );
    expect(repaid.errors).toBeUndefined();
    const ofHousehold = await trail(household.id);
    expect(ofHousehold.edges.map((e) => e.node.fields[0]).slice(0, 2)).toEqual(['recordRepayment', 'disburseLoan']);
    expect(ofHousehold.edges[0]!.node.householdIds).toEqual([household.id]);
  });

  it('rolls the write back when its audit record cannot be written (one transaction)', async () => {
    const household = (await householdsWith(2023, 'POOR'))[4]!;
    const db = stack.databases.kysely<any>('credit');
    // Refuse audit rows of one subject only, so that nothing else in the file is affected.
    await sql`ALTER TABLE audit_event ADD CONSTRAINT test_refuse_subject CHECK (subject <> 'test-audit-breaker') NOT VALID`.execute(db);
    try {
      const breaker = await stack.token({ sub: 'test-audit-breaker', roles: ['credit-writer'] });
      const before = await rowCounts();
      const r = await stack.query(DISBURSE, { input: loanInput(household.id) }, undefined, breaker);
      expect(r.errors?.length).toBeGreaterThan(0);
      expect(await rowCounts()).toEqual(before);
    } finally {
      await sql`ALTER TABLE audit_event DROP CONSTRAINT test_refuse_subject`.execute(db);
    }
  });

  it('is for administrators only', async () => {
    for (const roles of [['analyst'], ['credit-writer']]) {
      const r = await stack.query(`{ creditAuditTrail { totalCount } }`, undefined, undefined, await stack.token({ roles }));
      expect(onlyError(r).extensions?.code).toBe('FORBIDDEN');
    }
    expect(onlyError(await stack.query(`{ creditAuditTrail { totalCount } }`, undefined, undefined, null)).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('commune scope (credit)', () => {
  it("shows a caseworker the loans of its communes and leaves the others out; refuses another commune's loan by id", async () => {
    const admin = await stack.query(`{ households(first: 100) { edges { node { id commune { code } loans { id commune { code } } } } } }`);
    expect(admin.errors).toBeUndefined();
    const node = admin.data.households.edges.map((e: any) => e.node).find((n: any) => n.loans.length > 0)!;
    const elsewhere = node.commune.code === '00004' ? '00007' : '00004';
    const here = await stack.token({ roles: ['caseworker'], communes: [node.commune.code] });
    const there = await stack.token({ roles: ['caseworker'], communes: [elsewhere] });
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { id loans { id } creditSummary(asOf: "2030-01-01") { loans totalBorrowed } } } }`;
    const reps = { r: [{ __typename: 'Household', id: node.id }] };

    const seen = await stack.query(q, reps, stack.subgraphUrls.credit, here);
    expect(seen.errors).toBeUndefined();
    expect(seen.data._entities[0].loans.map((l: any) => l.id)).toEqual(
      node.loans.filter((l: any) => l.commune.code === node.commune.code).map((l: any) => l.id),
    );
    const hidden = await stack.query(q, reps, stack.subgraphUrls.credit, there);
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data._entities[0]).toEqual({ id: node.id, loans: [], creditSummary: { loans: 0, totalBorrowed: '0' } });

    const byId = `query($id: ID!) { loan(id: $id) { id } }`;
    expect((await stack.query(byId, { id: node.loans[0].id }, undefined, here)).data.loan).toEqual({ id: node.loans[0].id });
    // Outside the caseworker's communes a loan reads as a missing one would: null, no error.
    expect(await stack.query(byId, { id: node.loans[0].id }, undefined, there)).toEqual(await stack.query(byId, { id: '987654321' }, undefined, there));
    expect((await stack.query(byId, { id: node.loans[0].id }, undefined, there)).data.loan).toBeNull();
  });
});

describe('small counts (credit)', () => {
  it('withholds counts from 1 to 4 from the public, with the reason, and shows them to analysts', async () => {
    const q = `{ communes { code creditFigures(from: "2024-01-01", to: "2024-12-31") { amountDisbursed loans borrowingHouseholds jobsCreated
      byProgramme { programme { code } loans borrowingHouseholds jobsCreated } }
      creditOutstanding(asOf: "2024-06-30") { outstanding loansWithBalance borrowersWithBalance byProgramme { loansWithBalance borrowersWithBalance } } } }`;
    const exact = await stack.query(q, undefined, undefined, await stack.token({ roles: ['analyst'] }));
    const pub = await stack.query(q, undefined, undefined, null);
    expect(exact.errors).toBeUndefined();
    expect(pub.errors).toBeUndefined();
    let withheld = 0;
    exact.data.communes.forEach((c: any, i: number) => {
      const p = pub.data.communes[i];
      let smallBeside = false;
      for (const key of ['loans', 'borrowingHouseholds', 'jobsCreated'] as const) {
        if (expectPublicCount(p.creditFigures[key], c.creditFigures[key], `${c.code} ${key}`) === 'withheld') {
          withheld++;
          smallBeside = true;
          // Credit answers these on the registry's communes (an entity fetch): the gateway maps
          // credit's own path (_entities, i, ...) onto the commune's place in this answer.
          expect((pub as any).extensions.withheld).toContainEqual(
            expect.objectContaining({ path: ['communes', i, 'creditFigures', key], coordinate: `CreditFigures.${key}` }),
          );
        }
      }
      let smallOutstanding = false;
      for (const key of ['loansWithBalance', 'borrowersWithBalance'] as const) {
        if (expectPublicCount(p.creditOutstanding[key], c.creditOutstanding[key], `${c.code} ${key}`) === 'withheld') smallOutstanding = true;
      }
      // Money summed over households: rounded, and withheld beside a withheld count.
      expectPublicAmount(p.creditFigures.amountDisbursed, c.creditFigures.amountDisbursed, smallBeside, `${c.code} amountDisbursed`);
      expectPublicAmount(p.creditOutstanding.outstanding, c.creditOutstanding.outstanding, smallOutstanding, `${c.code} outstanding`);
    });
    // The demo data has small communes: the test is not vacuous.
    expect(withheld).toBeGreaterThan(0);
    expect((pub as any).extensions.withheld.length).toBeGreaterThanOrEqual(withheld);
    expect((pub as any).extensions.withheld[0]).toMatchObject({
      coordinate: expect.stringMatching(/^Credit\w+\.\w+$/),
      reason: expect.stringContaining('withheld'),
    });
    expect((exact as any).extensions?.withheld).toBeUndefined();
  });
});
