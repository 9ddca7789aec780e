import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectUrl } from '../platform/paths.js';
import { onlyError, postGraphQL, startTestStack, type TestStack } from './support/stack.js';

// Cross-department consistency checks (issue 17). Each rule's inconsistency is created through
// the graph's own mutations in a commune the demo data leaves empty, beside records that are
// consistent, and the checks must find exactly the planted ones.

const OPERATION = fs.readFileSync(projectUrl('schema/operations/commune-consistency.graphql'), 'utf8');
const INDICATORS = [
  'employment',
  'dependants',
  'nutrition',
  'health_insurance',
  'adult_education',
  'school_attendance',
  'housing_quality',
  'floor_area',
  'water_source',
  'latrine',
  'telecommunication',
  'information_access',
];

const REGISTER = `mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { household { id members { id relation } } } }`;
const REVIEW = `mutation($input: RecordPovertyReviewInput!) { recordPovertyReview(input: $input) { review { id classification } } }`;
const CARD = `mutation($input: GrantHealthInsuranceSupportInput!) { grantHealthInsuranceSupport(input: $input) { healthInsuranceSupport { id } } }`;
const PLACEMENT = `mutation($input: RecordJobPlacementInput!) { recordJobPlacement(input: $input) { placement { id } } }`;
const APPROVE = `mutation($input: ApproveHousingCaseInput!) { approveHousingCase(input: $input) { housingCase { id fundingLines { id source } } } }`;
const DISBURSE = `mutation($input: DisburseLoanInput!) { disburseLoan(input: $input) { loan { id } } }`;

const CITY = `query($year: Int!) { city { consistency(year: $year) { totalCount byRule { rule { code } count } } } }`;

let stack: TestStack;
let commune: string;
let otherCommune: string;
const cityBefore = new Map<string, number>();

async function ok(query: string, variables: Record<string, unknown>): Promise<any> {
  const r = await stack.query(query, variables);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

type Member = { birthYear: number; relation: string };
async function household(members: Member[]): Promise<{ id: string; members: string[] }> {
  const data = await ok(REGISTER, {
    input: {
      communeCode: commune,
      address: 'Thôn Thử nghiệm',
      members: members.map((m, i) => ({ fullName: `Người Thử ${i}`, sex: i % 2 ? 'FEMALE' : 'MALE', ...m })),
    },
  });
  const h = data.registerHousehold.household;
  return { id: h.id, members: h.members.map((m: { id: string }) => m.id) };
}

async function review(householdId: string, year: number, reviewDate: string, income: number, deprived: string[], kind = 'PERIODIC'): Promise<string> {
  const data = await ok(REVIEW, {
    input: {
      householdId,
      year,
      kind,
      reviewDate,
      incomePerPersonMonthly: String(income),
      indicators: INDICATORS.map((code) => ({ code, deprived: deprived.includes(code) })),
    },
  });
  return data.recordPovertyReview.review.id;
}

const couple: Member[] = [
  { birthYear: 1980, relation: 'HEAD' },
  { birthYear: 1982, relation: 'SPOUSE' },
];
const POOR_DEPRIVATIONS = ['housing_quality', 'floor_area', 'water_source'];

async function card(memberId: string, group: string): Promise<string> {
  const data = await ok(CARD, {
    input: {
      memberId,
      year: 2024,
      validFrom: '2024-01-01',
      validTo: '2024-12-31',
      supportGroup: group,
      budgetSharePercent: 100,
      budgetAmount: '1105650',
      grantedOn: '2024-01-05',
    },
  });
  return data.grantHealthInsuranceSupport.healthInsuranceSupport.id;
}

async function placement(workerId: string, householdId: string, placedOn: string, wage: number): Promise<string> {
  const data = await ok(PLACEMENT, {
    input: {
      workerId,
      householdId,
      employer: 'Công ty Thử',
      sector: 'manufacturing',
      channel: 'EMPLOYMENT_SERVICE_CENTRE',
      contract: 'DOMESTIC',
      placedOn,
      monthlyWage: String(wage),
    },
  });
  return data.recordJobPlacement.placement.id;
}

function loan(householdId: string, programmeCode: string, disbursedOn: string, amount = 40_000_000) {
  return ok(DISBURSE, {
    input: {
      householdId,
      programmeCode,
      amount: String(amount),
      disbursedOn,
      termMonths: 120,
      purpose: 'Thử',
      massOrganisation: 'WOMENS_UNION',
      savingsGroup: 'Tổ thử',
    },
  }).then((d) => d.disburseLoan.loan.id as string);
}

function approve(householdId: string, lines: Array<{ source: string; amount: string }>) {
  return ok(APPROVE, { input: { householdId, kind: 'NEW_HOUSE', approvalDate: '2024-03-01', fundingLines: lines } }).then(
    (d) => d.approveHousingCase.housingCase as { id: string; fundingLines: Array<{ id: string; source: string }> },
  );
}

/** Planted findings per rule, in the rules' order (SUPPORT_WITHOUT_LIST twice: a loan and a participation). */
const PLANTED_BY_RULE = [1, 1, 1, 2, 1];

/** What each planted inconsistency must be found as: rule, household, records. */
const planted: Array<{ rule: string; household: string; records: string[] }> = [];

async function findings(code: string, year: number, token?: string | null, first = 100) {
  const r = await postGraphQL(
    stack.gatewayUrl,
    OPERATION,
    { code, year, first, after: null },
    token === undefined ? await stack.token({ roles: ['administrator'] }) : token,
  );
  return r;
}

const simplified = (edges: any[]) =>
  edges
    .map((e) => ({
      rule: e.node.rule.code,
      household: e.node.household.id,
      records: e.node.records.map((r: any) => `${r.department}:${r.kind}:${r.id}`).sort(),
    }))
    .sort((a, b) => Number(a.household) - Number(b.household) || a.rule.localeCompare(b.rule));

beforeAll(async () => {
  stack = await startTestStack();
  const r = await stack.query(`{ communes { code households(first: 1) { totalCount } } }`);
  const empty = r.data.communes.filter((c: any) => c.households.totalCount === 0).map((c: any) => c.code);
  [commune, otherCommune] = empty;
  for (const row of (await ok(CITY, { year: 2024 })).city.consistency.byRule) cityBefore.set(row.rule.code, row.count);

  // 1. Deprived on health insurance in the 2024 review while all three members hold a 2024 card.
  const insured = await household([...couple, { birthYear: 2010, relation: 'CHILD' }]);
  await review(insured.id, 2023, '2023-11-10', 1_000_000, ['health_insurance']); // near-poor: the cards' list
  const cards = [];
  for (const m of insured.members) cards.push(await card(m, 'NEAR_POOR'));
  const insuredReview = await review(insured.id, 2024, '2024-11-20', 1_000_000, ['health_insurance']);
  planted.push({
    rule: 'HEALTH_INSURANCE_DEPRIVED_WHILE_INSURED',
    household: insured.id,
    records: [`REGISTRY:PovertyReview:${insuredReview}`, ...cards.map((c) => `SOCIAL_INSURANCE:HealthInsuranceSupport:${c}`)],
  });
  // ... and a household deprived on it with one member uninsured: consistent.
  const halfInsured = await household(couple);
  await review(halfInsured.id, 2023, '2023-11-10', 1_000_000, ['health_insurance']);
  await card(halfInsured.members[0]!, 'NEAR_POOR');
  await review(halfInsured.id, 2024, '2024-11-20', 1_000_000, ['health_insurance']);

  // 2. Reviewed at 1.2M đồng a person while both adults earn 8.0M and 8.5M from placements.
  const earners = await household(couple);
  const jobs = [
    await placement(earners.members[0]!, earners.id, '2024-05-02', 8_000_000),
    await placement(earners.members[1]!, earners.id, '2024-06-03', 8_500_000),
  ];
  const earnersReview = await review(earners.id, 2024, '2024-11-20', 1_200_000, []);
  planted.push({
    rule: 'INCOME_FAR_BELOW_WAGES',
    household: earners.id,
    records: [`REGISTRY:PovertyReview:${earnersReview}`, ...jobs.map((j) => `EMPLOYMENT:JobPlacement:${j}`)],
  });
  // ... and one whose single 2.0M wage over two people is in line with 1.2M a person: consistent.
  const modest = await household(couple);
  await placement(modest.members[0]!, modest.id, '2024-05-02', 2_000_000);
  await review(modest.id, 2024, '2024-11-20', 1_200_000, []);

  // 3. A housing case funded by a VBSP housing loan the bank never disbursed ...
  const unfunded = await household(couple);
  await review(unfunded.id, 2023, '2023-11-10', 1_000_000, POOR_DEPRIVATIONS);
  const unfundedCase = await approve(unfunded.id, [
    { source: 'CITY_BUDGET', amount: '40000000' },
    { source: 'VBSP_HOUSING_LOAN', amount: '40000000' },
  ]);
  const line = unfundedCase.fundingLines.find((l) => l.source === 'VBSP_HOUSING_LOAN')!;
  planted.push({
    rule: 'HOUSING_LOAN_NOT_DISBURSED',
    household: unfunded.id,
    records: [`HOUSING:HousingCase:${unfundedCase.id}`, `HOUSING:HousingFundingLine:${line.id}`],
  });
  // ... and one whose loan the bank did disburse: consistent.
  const funded = await household(couple);
  await review(funded.id, 2023, '2023-11-10', 1_000_000, POOR_DEPRIVATIONS);
  await approve(funded.id, [{ source: 'VBSP_HOUSING_LOAN', amount: '40000000' }]);
  await loan(funded.id, 'HOUSING_POOR', '2024-03-15');

  // 4. A poor-household loan, eligible when disbursed, whose list year a later regular review
  // of December 2023 changed to above the middle-income line.
  const delisted = await household(couple);
  await review(delisted.id, 2023, '2023-11-10', 1_000_000, POOR_DEPRIVATIONS);
  const delistedLoan = await loan(delisted.id, 'POOR_HOUSEHOLDS', '2024-02-01');
  await review(delisted.id, 2023, '2023-12-20', 9_000_000, [], 'REGULAR');
  planted.push({ rule: 'SUPPORT_WITHOUT_LIST', household: delisted.id, records: [`CREDIT:Loan:${delistedLoan}`] });
  // ... and a livelihood participation whose list year changed the same way.
  const participant = await household(couple);
  await review(participant.id, 2023, '2023-11-10', 1_000_000, []);
  await ok(`mutation($input: CreateLivelihoodProjectInput!) { createLivelihoodProject(input: $input) { project { code } } }`, {
    input: {
      code: 'TEST-CONSISTENCY',
      name: 'Dự án thử',
      budget: '500000000',
      fundingSource: 'ngân sách thành phố',
      startDate: '2024-01-01',
      endDate: '2025-12-31',
    },
  });
  const participation = (
    await ok(`mutation($input: EnrolLivelihoodParticipantInput!) { enrolLivelihoodParticipant(input: $input) { participation { id } } }`, {
      input: {
        householdId: participant.id,
        projectCode: 'TEST-CONSISTENCY',
        activity: 'AGRICULTURAL_PRODUCTION',
        cashSupport: '5000000',
        startDate: '2024-03-01',
      },
    })
  ).enrolLivelihoodParticipant.participation.id;
  await review(participant.id, 2023, '2023-12-20', 9_000_000, [], 'REGULAR');
  planted.push({ rule: 'SUPPORT_WITHOUT_LIST', household: participant.id, records: [`LIVELIHOODS:LivelihoodParticipation:${participation}`] });

  // 5. A "parent" 10 years older than the head (the rule asks for 14).
  const family = await household([
    { birthYear: 1980, relation: 'HEAD' },
    { birthYear: 1970, relation: 'PARENT' },
    { birthYear: 2005, relation: 'CHILD' },
  ]);
  planted.push({ rule: 'AGE_INCONSISTENT_WITH_RELATION', household: family.id, records: [`REGISTRY:HouseholdMember:${family.members[1]}`] });
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('consistency checks', () => {
  it('lists the rules as data, with descriptions in both languages', async () => {
    const data = await ok(`{ consistencyRules { code description descriptionVi departments evaluatedBy parameters } }`, {});
    expect(data.consistencyRules.map((r: any) => r.code)).toEqual([
      'HEALTH_INSURANCE_DEPRIVED_WHILE_INSURED',
      'INCOME_FAR_BELOW_WAGES',
      'HOUSING_LOAN_NOT_DISBURSED',
      'SUPPORT_WITHOUT_LIST',
      'AGE_INCONSISTENT_WITH_RELATION',
    ]);
    for (const r of data.consistencyRules) {
      expect(r.description.length).toBeGreaterThan(40);
      expect(r.descriptionVi.length).toBeGreaterThan(40);
      expect(JSON.parse(r.parameters)).toBeTypeOf('object');
    }
  });

  it('finds exactly the planted inconsistencies of each rule, naming the departments and records', async () => {
    const r = await findings(commune, 2024);
    expect(r.errors).toBeUndefined();
    const c = r.data.commune.consistency;
    const expected = planted.map((p) => ({ ...p, records: [...p.records].sort() })).sort((a, b) => Number(a.household) - Number(b.household));
    expect(simplified(c.findings.edges)).toEqual(expected);
    expect(c.totalCount).toBe(6);
    expect(c.byRule.map((b: any) => b.count)).toEqual(PLANTED_BY_RULE);
    const byRule = new Map(c.findings.edges.map((e: any) => [e.node.rule.code, e.node]));
    expect((byRule.get('HOUSING_LOAN_NOT_DISBURSED') as any).departments).toEqual(['HOUSING', 'CREDIT']);
    const unlisted = c.findings.edges.map((e: any) => e.node).filter((n: any) => n.rule.code === 'SUPPORT_WITHOUT_LIST');
    expect(unlisted.map((n: any) => n.departments)).toEqual([
      ['REGISTRY', 'CREDIT'],
      ['REGISTRY', 'LIVELIHOODS'],
    ]);
    expect(unlisted[0].detail).toMatch(/not poor in review year 2023/);
    expect(unlisted[0].detailVi).toMatch(/không thuộc danh sách hộ nghèo của rà soát năm 2023/);
    // Every rule's detail in both languages: other words, the same figures and dates.
    const numbers = (text: string) => (text.match(/\d[\d-]*/g) ?? []).sort();
    for (const { node } of c.findings.edges as Array<{ node: { rule: { code: string }; detail: string; detailVi: string } }>) {
      expect(node.detailVi, node.rule.code).not.toEqual(node.detail);
      expect(numbers(node.detailVi), node.rule.code).toEqual(numbers(node.detail));
    }
  });

  it('adds exactly the planted findings to the city summary', async () => {
    const data = await ok(CITY, { year: 2024 });
    expect(data.city.consistency.byRule.map((row: any) => row.count - (cityBefore.get(row.rule.code) ?? 0))).toEqual(PLANTED_BY_RULE);
  });

  it('checks the year asked: the 2024 records do not show in 2023 (the relation-age rule holds every year)', async () => {
    const r = await findings(commune, 2023);
    expect(simplified(r.data.commune.consistency.findings.edges).map((f) => f.rule)).toEqual(['AGE_INCONSISTENT_WITH_RELATION']);
  });

  it('pages with sealed cursors', async () => {
    const all = simplified((await findings(commune, 2024)).data.commune.consistency.findings.edges);
    const seen = [];
    let after: string | null = null;
    for (;;) {
      const r: any = await stack.query(OPERATION, { code: commune, year: 2024, first: 2, after });
      const page = r.data.commune.consistency.findings;
      seen.push(...simplified(page.edges));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.sort((a, b) => Number(a.household) - Number(b.household) || a.rule.localeCompare(b.rule))).toEqual(all);
    const forged = await stack.query(OPERATION, { code: commune, year: 2024, first: 2, after: 'bm90LWEtY3Vyc29yLWF0LWFsbC0wMDAwMDAwMDAw' });
    expect(onlyError(forged).extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('consistency checks by role', () => {
  it("a caseworker sees their commune's findings, nothing of another commune, and city counts of their communes only", async () => {
    const token = await stack.token({ roles: ['caseworker'], communes: [commune] });
    const own = await findings(commune, 2024, token);
    expect(own.errors).toBeUndefined();
    expect(own.data.commune.consistency.totalCount).toBe(6);
    const elsewhere = await stack.token({ roles: ['caseworker'], communes: [otherCommune] });
    const other = await findings(commune, 2024, elsewhere);
    expect(other.errors).toBeUndefined();
    expect(other.data.commune.consistency).toBeNull();
    const city = await postGraphQL(stack.gatewayUrl, CITY, { year: 2024 }, token);
    expect(city.data.city.consistency.byRule.map((b: any) => b.count)).toEqual(PLANTED_BY_RULE);
    const cityElsewhere = await postGraphQL(stack.gatewayUrl, CITY, { year: 2024 }, elsewhere);
    expect(cityElsewhere.data.city.consistency.totalCount).toBe(0);
  });

  it("an analyst sees the findings but not the households' personal fields", async () => {
    const token = await stack.token({ roles: ['analyst'] });
    expect((await findings(commune, 2024, token)).data.commune.consistency.totalCount).toBe(6);
    const personal = await postGraphQL(
      stack.gatewayUrl,
      `query($code: ID!) { commune(code: $code) { consistency(year: 2024) { findings { edges { node { household { address } } } } } } }`,
      { code: commune },
      token,
    );
    expect(onlyError(personal).extensions?.code).toBe('FORBIDDEN');
  });

  it('the public is refused, even with the registered operation, and at the subgraphs', async () => {
    const r = await findings(commune, 2024, null);
    expect(onlyError(r).extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.data?.commune?.consistency ?? null).toBeNull();
    const city = await postGraphQL(stack.gatewayUrl, CITY, { year: 2024 }, null);
    expect(onlyError(city).extensions?.code).toBe('UNAUTHENTICATED');
    // The hidden fields that carry the departments' findings are household-level too.
    const hidden = await postGraphQL(
      stack.subgraphUrls.credit!,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on CommuneConsistency { creditFindings { householdId } } } }`,
      { r: [{ __typename: 'CommuneConsistency', communeCode: commune, year: 2024 }] },
      null,
    );
    expect(onlyError(hidden).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("the registry's hidden facts give a caseworker their own communes only, whatever they name", async () => {
    const q = `query($codes: [ID!]) { consistencyClassifications(communeCodes: $codes, years: [2023]) { householdId }
      consistencyReviewFacts(communeCodes: $codes, year: 2024) { householdId communeCode } }`;
    const admin = await postGraphQL(stack.subgraphUrls.registry!, q, { codes: [commune] }, await stack.token({ roles: ['administrator'] }));
    expect(admin.data.consistencyClassifications.length).toBeGreaterThan(0);
    expect(admin.data.consistencyReviewFacts.every((f: any) => f.communeCode === commune)).toBe(true);
    const elsewhere = await stack.token({ roles: ['caseworker'], communes: [otherCommune] });
    for (const codes of [[commune], null]) {
      const r = await postGraphQL(stack.subgraphUrls.registry!, q, { codes }, elsewhere);
      expect(r.errors).toBeUndefined();
      expect(r.data.consistencyClassifications).toEqual([]);
      expect(r.data.consistencyReviewFacts).toEqual([]);
    }
    expect(onlyError(await postGraphQL(stack.subgraphUrls.registry!, q, { codes: [commune] }, null)).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("the departments' hidden fields are not part of the graph's API", async () => {
    const r = await stack.query(`query($code: ID!) { commune(code: $code) { consistency(year: 2024) { creditFindings { householdId } } } }`, { code: commune });
    expect(onlyError(r).extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('consistency checks: no N+1', () => {
  it('costs the same SQL statements with twice the findings and households', async () => {
    const q = `query($code: ID!) { commune(code: $code) { consistency(year: 2024) { totalCount byRule { count }
      findings(first: 100) { edges { node { rule { code } household { id commune { code } members { id birthYear } } records { id } } } } } } }`;
    const measure = async () => {
      stack.databases.statements.reset();
      const r = await stack.query(q, { code: commune });
      expect(r.errors).toBeUndefined();
      return { statements: stack.databases.statements.get(), findings: r.data.commune.consistency.totalCount as number };
    };
    const before = await measure();
    // One more of each rule's inconsistencies that the registry and the departments check
    // without new queries: earners, a misaligned family, an unfunded case.
    for (let i = 0; i < 3; i++) {
      const earners = await household(couple);
      await placement(earners.members[0]!, earners.id, '2024-05-02', 9_000_000);
      await review(earners.id, 2024, '2024-11-20', 1_000_000, []);
      await household([
        { birthYear: 1980, relation: 'HEAD' },
        { birthYear: 1975, relation: 'PARENT' },
      ]);
      const unfunded = await household(couple);
      await review(unfunded.id, 2023, '2023-11-10', 1_000_000, POOR_DEPRIVATIONS);
      await approve(unfunded.id, [{ source: 'VBSP_HOUSING_LOAN', amount: '40000000' }]);
    }
    const after = await measure();
    expect(after.findings).toBe(before.findings + 9);
    expect(after.statements).toBe(before.statements);
    console.log(`N+1 guard: a commune's consistency checks, ${after.findings} findings = ${after.statements} SQL statements`);
  }, 60_000);

  it('costs the same SQL statements for every commune of the city as for two (one run of the rules for all)', async () => {
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code consistency(year: 2024) { totalCount byRule { count } } } }`;
    const measure = async (codes: string[] | null) => {
      stack.databases.statements.reset();
      const r = await stack.query(q, { codes });
      expect(r.errors).toBeUndefined();
      return { statements: stack.databases.statements.get(), communes: r.data.communes as Array<{ consistency: { totalCount: number } }> };
    };
    const two = await measure([commune, otherCommune]);
    const all = await measure(null);
    expect(all.communes).toHaveLength(126);
    const city = (await ok(CITY, { year: 2024 })).city.consistency.totalCount;
    expect(all.communes.reduce((n, c) => n + c.consistency.totalCount, 0)).toBe(city);
    expect(all.statements).toBe(two.statements);
    console.log(`N+1 guard: consistency checks of 126 communes = ${all.statements} SQL statements`);
  });
});
