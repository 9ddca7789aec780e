import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadOperations } from '../platform/operations.js';
import { figureLeaseMs } from '../platform/kept-responses.js';
import { serveGateway } from '../gateway/gateway.js';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.js';
import { seededRandom } from './support/random.js';

// Kept answers (platform/kept.ts): figures served again without computing them, and
// exact at every moment. Random writes through the gateway (the real mutations), interleaved
// with reads; every answer given with kept answers on must equal the same read computed afresh
// (KEPT_FIGURES=off, read by the subgraphs on each request, so both run in this one process).

// The public reads documents of its own here (disclosure control over kept values is the point).
process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  delete process.env.KEPT_FIGURES;
  await stack?.close();
});

async function read(query: string, variables: Record<string, unknown>, kept: boolean, as?: string | null) {
  process.env.KEPT_FIGURES = kept ? 'on' : 'off';
  const r = await stack.query(query, variables, undefined, as);
  expect(r.errors).toBeUndefined();
  return r.data;
}

/**
 * Runs `fn` with the subgraphs granting no lease on their figure versions (FIGURE_LEASE_MS=0),
 * so that the gateway asks each for its sum on every kept answer it serves: the tests that count
 * those statements. Leases are tested under 'kept answers at the gateway under leases'.
 */
async function withoutLeases<T>(fn: () => Promise<T>): Promise<T> {
  process.env.FIGURE_LEASE_MS = '0';
  // A lease granted before (50 ms by default, to an earlier read) would still let the gateway
  // serve without asking: let it end first. Every grant from here on is for 0 ms.
  await new Promise((resolve) => setTimeout(resolve, figureLeaseMs({}) + 100));
  try {
    return await fn();
  } finally {
    delete process.env.FIGURE_LEASE_MS;
  }
}

/** Reads with kept answers, then afresh: they must agree. */
async function expectExact(query: string, variables: Record<string, unknown> = {}, as?: string | null) {
  const kept = await read(query, variables, true, as);
  const fresh = await read(query, variables, false, as);
  expect(kept).toEqual(fresh);
  return kept;
}

const CREDIT_SCORECARD = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code
  creditFigures(from: "2021-01-01", to: "2025-12-31") { amountDisbursed loans borrowingHouseholds jobsCreated byProgramme { programme { code } amountDisbursed borrowingHouseholds } }
  y2025: creditFigures(from: "2025-01-01", to: "2025-12-31") { amountDisbursed borrowingHouseholds }
  creditOutstanding(asOf: "2025-12-31") { outstanding loansWithBalance borrowersWithBalance byProgramme { programme { code } outstanding } } }
  city { creditFigures(from: "2021-01-01", to: "2025-12-31") { amountDisbursed borrowingHouseholds loans }
         creditOutstanding(asOf: "2025-12-31") { outstanding borrowersWithBalance } } }`;

const DISBURSE = `mutation($input: DisburseLoanInput!) { disburseLoan(input: $input) { loan { id principal commune { code } } } }`;
const REPAY = `mutation($input: RecordLoanRepaymentInput!) { recordRepayment(input: $input) { loan { id outstanding } } }`;

async function households(): Promise<Array<{ id: string; commune: string }>> {
  const r = await stack.query(`{ households(first: 60) { edges { node { id commune { code } } } } }`);
  expect(r.errors).toBeUndefined();
  return r.data.households.edges.map((e: any) => ({ id: e.node.id, commune: e.node.commune.code }));
}

function disbursement(householdId: string, day: string, amount: number) {
  return {
    householdId,
    programmeCode: 'JOB_CREATION',
    amount: String(amount),
    disbursedOn: day,
    termMonths: 36,
    jobsCreated: 1,
    purpose: 'Kept-answers test',
    massOrganisation: 'WOMENS_UNION',
    savingsGroup: 'Tổ TK&VV kept-01',
  };
}

/** Every subgraph's figures of every commune asked and of the city, in the periods the writes below touch. */
const SCORECARD = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code
  povertyFigures(year: 2024) { households reviewedHouseholds poor nearPoor poorRatePercent newlyPoor escapedPoverty }
  y2025: povertyFigures(year: 2025) { reviewedHouseholds poor nearPoor newlyPoor escapedPoverty }
  povertyStatus(asOf: "2025-09-30") { poor nearPoor }
  creditFigures(from: "2025-01-01", to: "2025-12-31") { amountDisbursed loans borrowingHouseholds }
  creditOutstanding(asOf: "2025-12-31") { outstanding borrowersWithBalance }
  housingFigures(from: "2025-01-01", to: "2025-12-31") { casesApproved housesCompleted totalFunding }
  socialFigures(from: "2025-01-01", to: "2025-12-31") { healthInsurance { people budget } electricity { households amount } }
  employmentFigures(year: 2025) { placements jobFairs jobFairHires jobFairParticipants trainingEnrolments }
  livelihoodFigures(from: "2021-01-01", to: "2025-12-31") { householdsSupported supportValue highTechModels { count areaHectares householdsInvolved } } }
  city { povertyFigures(year: 2025) { households poor nearPoor reviewedHouseholds } povertyStatus(asOf: "2025-09-30") { poor nearPoor }
    creditFigures(from: "2025-01-01", to: "2025-12-31") { amountDisbursed borrowingHouseholds }
    housingFigures(from: "2025-01-01", to: "2025-12-31") { casesApproved }
    fundForThePoor(from: "2025-01-01", to: "2025-12-31") { amountMobilised contributions byDonorKind { donorKind amount } }
    socialFigures(from: "2025-01-01", to: "2025-12-31") { electricity { households amount } }
    employmentFigures(year: 2025) { jobFairs jobFairHires }
    livelihoodFigures(from: "2021-01-01", to: "2025-12-31") { highTechModels { count } } } }`;

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

/** One random write through the gateway, of one department, about one household or its commune. */
type Writer = (h: { id: string; commune: string }, rand: () => number, day: string) => { query: string; input: Record<string, unknown> };

let reviews = 0;
const WRITERS: Record<string, Writer> = {
  review: (h, rand) => ({
    query: `mutation($input: RecordPovertyReviewInput!) { recordPovertyReview(input: $input) { review { id } } }`,
    // Each later than the one before (a household's reviews go forward in time).
    input: {
      householdId: h.id,
      year: 2025,
      reviewDate: new Date(Date.UTC(2025, 8, 1 + reviews++)).toISOString().slice(0, 10),
      incomePerPersonMonthly: String(1_000_000 + Math.floor(rand() * 2_000_000)),
      indicators: INDICATORS.map((code) => ({ code, deprived: rand() < 0.4 })),
    },
  }),
  loan: (h, rand, day) => ({ query: DISBURSE, input: disbursement(h.id, day, 1_000_000 * (1 + Math.floor(rand() * 50))) }),
  contribution: (h, rand, day) => ({
    query: `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id } } }`,
    input: {
      donorKind: 'ENTERPRISE',
      donorName: 'Kept test',
      amount: String(1_000_000 * (1 + Math.floor(rand() * 9))),
      contributionDate: day,
      ...(rand() < 0.7 ? { communeCode: h.commune } : {}),
    },
  }),
  electricity: (h, rand) => ({
    query: `mutation($input: GrantElectricitySubsidyInput!) { grantElectricitySubsidy(input: $input) { electricitySubsidy { id } } }`,
    input: { householdId: h.id, periodFrom: '2025-01-01', periodTo: '2025-03-31', amount: String(54_000 * (1 + Math.floor(rand() * 5))), paidOn: '2025-04-05' },
  }),
  jobFair: (h, rand, day) => ({
    query: `mutation($input: RecordJobFairInput!) { recordJobFair(input: $input) { jobFair { id } } }`,
    input: {
      communeCode: h.commune,
      heldOn: day,
      name: 'Kept test fair',
      employers: 3,
      participants: 40 + Math.floor(rand() * 40),
      hires: 5 + Math.floor(rand() * 10),
      hiresAbroad: 1,
    },
  }),
  model: (h, rand, day) => ({
    query: `mutation($input: RecordHighTechModelInput!) { recordHighTechModel(input: $input) { model { id } } }`,
    input: {
      communeCode: h.commune,
      name: 'Kept test greenhouse',
      kind: 'CROPS',
      technology: 'drip irrigation',
      areaHectares: 1 + Math.floor(rand() * 4),
      householdsInvolved: 2 + Math.floor(rand() * 8),
      startDate: day,
    },
  }),
};

describe('kept answers: every department', () => {
  it('random writes of every department interleaved with reads: every kept answer equals a fresh computation', async () => {
    const rand = seededRandom(2026);
    const all = await households();
    const analyst = await stack.token({ roles: ['analyst'] });
    const written = new Map<string, number>();
    const kinds = Object.keys(WRITERS);
    for (let step = 0; step < 48; step++) {
      const h = all[Math.floor(rand() * all.length)]!;
      if (rand() < 0.5) {
        const kind = kinds[Math.floor(rand() * kinds.length)]!;
        const day = `2025-0${1 + Math.floor(rand() * 8)}-1${Math.floor(rand() * 10)}`;
        const { query, input } = WRITERS[kind]!(h, rand, day);
        const r = await stack.query(query, { input });
        expect(r.errors, `${kind}: ${JSON.stringify(r.errors)}`).toBeUndefined();
        written.set(kind, (written.get(kind) ?? 0) + 1);
      } else {
        const codes = rand() < 0.3 ? null : [h.commune, all[Math.floor(rand() * all.length)]!.commune];
        await expectExact(SCORECARD, { codes }, rand() < 0.5 ? analyst : null);
      }
    }
    // Every department wrote at least once (the seed is fixed: this holds or the test is changed).
    expect([...written.keys()].sort()).toEqual([...kinds].sort());
  });

  it('after each write, the figures it changes read new at once, through kept answers', async () => {
    const [h] = await households();
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) {
      employmentFigures(year: 2025) { jobFairs jobFairHires } livelihoodFigures(from: "2021-01-01", to: "2025-12-31") { highTechModels { count } }
      socialFigures(from: "2025-01-01", to: "2025-12-31") { electricity { households amount } } }
      city { fundForThePoor(from: "2025-01-01", to: "2025-12-31") { contributions } } }`;
    const rand = seededRandom(7);
    for (let i = 0; i < 3; i++) {
      await read(q, { codes: [h!.commune] }, true);
      const before = await read(q, { codes: [h!.commune] }, true);
      for (const kind of ['jobFair', 'model', 'electricity', 'contribution']) {
        const { query, input } = WRITERS[kind]!(h!, rand, '2025-05-05');
        const r = await stack.query(query, { input: kind === 'contribution' ? { ...input, communeCode: h!.commune } : input });
        expect(r.errors).toBeUndefined();
      }
      const after = await read(q, { codes: [h!.commune] }, true);
      const [b, a] = [before.communes[0], after.communes[0]];
      expect(a.employmentFigures.jobFairs).toBe(b.employmentFigures.jobFairs + 1);
      expect(a.livelihoodFigures.highTechModels.count).toBe(b.livelihoodFigures.highTechModels.count + 1);
      expect(Number(a.socialFigures.electricity.amount)).toBeGreaterThan(Number(b.socialFigures.electricity.amount));
      expect(after.city.fundForThePoor.contributions).toBe(before.city.fundForThePoor.contributions + 1);
    }
  });
});

describe('kept answers: credit', () => {
  it('a write followed by a read of the figures it changes gives the new figure, always', async () => {
    const [h] = await households();
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { creditFigures(from: "2025-01-01", to: "2025-12-31") { amountDisbursed loans } }
      city { creditFigures(from: "2025-01-01", to: "2025-12-31") { amountDisbursed } } }`;
    for (let i = 0; i < 5; i++) {
      // Read twice: the second read is served kept (the commune's versions have not moved).
      await read(q, { codes: [h!.commune] }, true);
      const before = await read(q, { codes: [h!.commune] }, true);
      const w = await stack.query(DISBURSE, { input: disbursement(h!.id, '2025-02-0' + (i + 1), 10_000_000 + i) });
      expect(w.errors).toBeUndefined();
      const after = await read(q, { codes: [h!.commune] }, true);
      expect(Number(after.communes[0].creditFigures.amountDisbursed)).toBe(Number(before.communes[0].creditFigures.amountDisbursed) + 10_000_000 + i);
      expect(after.communes[0].creditFigures.loans).toBe(before.communes[0].creditFigures.loans + 1);
      expect(Number(after.city.creditFigures.amountDisbursed)).toBe(Number(before.city.creditFigures.amountDisbursed) + 10_000_000 + i);
    }
  });

  it('a repeated read costs the credit subgraph its versions and programme list, not the figures', async () => {
    // Whole answers are kept too (kept responses; the programmes are reference data): off here,
    // so that this measures the kept figures beneath them.
    process.env.KEPT_RESPONSES = 'off';
    try {
      await read(CREDIT_SCORECARD, { codes: null }, true);
      stack.databases.statements.reset();
      await read(CREDIT_SCORECARD, { codes: null }, true);
      const kept = stack.databases.statements.get('credit');
      stack.databases.statements.reset();
      await read(CREDIT_SCORECARD, { codes: null }, false);
      const fresh = stack.databases.statements.get('credit');
      // Two fetches (communes, city), each: one read of the versions, one of the programmes. Afresh,
      // each also computes its three figure statements (two periods and a date; one date for the city).
      expect(kept).toBe(4);
      expect(fresh).toBe(2 + 3 + 2);
    } finally {
      delete process.env.KEPT_RESPONSES;
    }
    // With them, the gateway serves the whole answer again: one statement, the sum of the versions.
    await withoutLeases(async () => {
      await read(CREDIT_SCORECARD, { codes: null }, true);
      stack.databases.statements.reset();
      await read(CREDIT_SCORECARD, { codes: null }, true);
      expect(stack.databases.statements.get('credit')).toBe(1);
    });
  });

  it('random writes interleaved with reads: every kept answer equals a fresh computation', async () => {
    const rand = seededRandom(19);
    const all = await households();
    const loans: string[] = [];
    const analyst = await stack.token({ roles: ['analyst'] });
    let writes = 0;
    for (let step = 0; step < 40; step++) {
      const h = all[Math.floor(rand() * all.length)]!;
      const action = rand();
      if (action < 0.35) {
        const day = `2025-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 10)}`;
        const r = await stack.query(DISBURSE, { input: disbursement(h.id, day, 1_000_000 * (1 + Math.floor(rand() * 50))) });
        expect(r.errors).toBeUndefined();
        loans.push(r.data.disburseLoan.loan.id);
        writes++;
      } else if (action < 0.5 && loans.length) {
        const loan = loans[Math.floor(rand() * loans.length)]!;
        const r = await stack.query(REPAY, { input: { loanId: loan, paidOn: '2025-11-30', principal: '100000', interest: '1000' } });
        // A loan repaid in full, or written off, refuses more: that is a write that wrote nothing.
        if (!r.errors) writes++;
      } else {
        const codes = rand() < 0.3 ? null : [h.commune, all[Math.floor(rand() * all.length)]!.commune];
        // Exact callers and the public (disclosure control applied to the same kept values).
        await expectExact(CREDIT_SCORECARD, { codes }, rand() < 0.5 ? analyst : null);
      }
    }
    expect(writes).toBeGreaterThan(5);
  });
});

describe('kept responses', () => {
  // platform/kept-responses.ts: a subgraph's whole answer to a query that reads only kept
  // figures, served again under the sum of its versions and the caller's visibility class.
  const scorecard = loadOperations().find((o) => o.name === 'commune-scorecard')!;
  const SUBGRAPHS = ['registry', 'credit', 'housing', 'social_insurance', 'employment', 'livelihoods'];

  it('the scorecard read again costs each subgraph one statement, the sum of its versions', async () => {
    await withoutLeases(async () => {
      await read(scorecard.document, scorecard.variables, true);
      stack.databases.statements.reset();
      await read(scorecard.document, scorecard.variables, true);
      const counts = Object.fromEntries(SUBGRAPHS.map((name) => [name, stack.databases.statements.get(name)]));
      expect(counts).toEqual(Object.fromEntries(SUBGRAPHS.map((name) => [name, 1])));
    });
  });

  it('a write followed by the scorecard gives the new figure; every visibility class gets its own answer, equal to a fresh one', async () => {
    const [h] = await households();
    const roles: Array<string | null | undefined> = [
      undefined,
      await stack.token({ roles: ['analyst'] }),
      null,
      await stack.token({ roles: ['caseworker'], communes: [h!.commune] }),
      // Another caseworker's communes: the answer, kept for the first's, must hold for them too.
      await stack.token({ roles: ['caseworker'], communes: ['00004', '00007'] }),
    ];
    const credit = (data: any) => data.communes.find((c: { code: string }) => c.code === h!.commune).creditFigures;
    for (let i = 0; i < 3; i++) {
      // Each class twice, so that the second read is served kept (and must still equal afresh).
      for (const as of [...roles, ...roles]) await expectExact(scorecard.document, scorecard.variables, as);
      const before = credit(await read(scorecard.document, scorecard.variables, true));
      const w = await stack.query(DISBURSE, { input: disbursement(h!.id, `2024-03-0${i + 1}`, 7_000_000 + i) });
      expect(w.errors).toBeUndefined();
      const after = credit(await read(scorecard.document, scorecard.variables, true));
      expect(Number(after.amountDisbursed)).toBe(Number(before.amountDisbursed) + 7_000_000 + i);
    }
  });
  // gateway/kept-answers.ts: the whole federated answer kept at the gateway, checked against
  // each subgraph's version sum on every read.
  it('the gateway serves a read again whole (one statement a subgraph, no subgraph operation run), with its withheld counts', async () => {
    await read(scorecard.document, scorecard.variables, true, null);
    const first = await stack.query(scorecard.document, scorecard.variables, undefined, null);
    const hits = await keptAnswerCount(stack.gatewayUrl, 'hit');
    const operations = await subgraphOperations();
    stack.databases.statements.reset();
    const again = await withoutLeases(() => stack.query(scorecard.document, scorecard.variables, undefined, null));
    expect(await keptAnswerCount(stack.gatewayUrl, 'hit')).toBe(hits + 1);
    expect(await subgraphOperations()).toBe(operations);
    expect(Object.fromEntries(SUBGRAPHS.map((name) => [name, stack.databases.statements.get(name)]))).toEqual(
      Object.fromEntries(SUBGRAPHS.map((name) => [name, 1])),
    );
    expect(again).toEqual(first);
    // The public sees some small counts withheld, and the kept answer says so again.
    expect((first as { extensions?: { withheld?: unknown[] } }).extensions?.withheld?.length).toBeGreaterThan(0);
  });

  it('two gateways over the same subgraphs: a write through one, then a read through the other, gives the new figure', async () => {
    const other = await serveGateway({ subgraphUrls: stack.subgraphUrls, port: 0, host: '127.0.0.1', auth: stack.auth });
    try {
      const [h] = await households();
      const viaOther = async () => {
        const r = await postGraphQL(other.url, scorecard.document, scorecard.variables, stack.adminToken);
        expect(r.errors).toBeUndefined();
        return r.data.communes.find((c: { code: string }) => c.code === h!.commune).creditFigures;
      };
      for (let i = 0; i < 3; i++) {
        await viaOther();
        const before = await viaOther();
        const w = await stack.query(DISBURSE, { input: disbursement(h!.id, `2024-04-0${i + 1}`, 3_000_000 + i) });
        expect(w.errors).toBeUndefined();
        expect(Number((await viaOther()).amountDisbursed)).toBe(Number(before.amountDisbursed) + 3_000_000 + i);
      }
      expect(await keptAnswerCount(other.url, 'hit')).toBeGreaterThanOrEqual(3);
      expect(await keptAnswerCount(other.url, 'stale')).toBeGreaterThanOrEqual(3);
    } finally {
      await other.close();
    }
  });
});

describe('kept answers at the gateway, after a write', () => {
  const scorecard = loadOperations().find((o) => o.name === 'commune-scorecard')!;
  it('readers of one class arriving together compute the new answer once between them, and all get the new figure', async () => {
    const [h] = await households();
    const analyst = await stack.token({ roles: ['analyst'] });
    const credit = (data: any) => data.communes.find((c: { code: string }) => c.code === h!.commune).creditFigures;
    await read(scorecard.document, scorecard.variables, true, analyst);
    const before = credit(await read(scorecard.document, scorecard.variables, true, analyst));
    const w = await stack.query(DISBURSE, { input: disbursement(h!.id, '2024-05-02', 5_000_000) });
    expect(w.errors).toBeUndefined();
    const computed = async () => (await keptAnswerCount(stack.gatewayUrl, 'miss')) + (await keptAnswerCount(stack.gatewayUrl, 'stale'));
    const computedBefore = await computed();
    const readers = 8;
    const answers = await Promise.all(Array.from({ length: readers }, () => read(scorecard.document, scorecard.variables, true, analyst)));
    for (const data of answers) expect(Number(credit(data).amountDisbursed)).toBe(Number(before.amountDisbursed) + 5_000_000);
    // One computes; the others wait for it and are served its answer (a loaded machine may
    // let a late one compute again, never all of them).
    expect((await computed()) - computedBefore).toBeLessThanOrEqual(readers / 2);
  });
});

describe('kept answers at the gateway under leases', () => {
  // A subgraph leases its figure version sum to the gateway (FIGURE_LEASE_MS; the migration
  // 2026_12_05_1100_figure_lease): within the lease the gateway serves kept answers without
  // asking, and a change to a figure commits only after the lease has ended. The leases are long
  // here, so that a write that did not wait for them would be read stale.
  const LEASE_MS = 3000;
  const scorecard = loadOperations().find((o) => o.name === 'commune-scorecard')!;
  const published = loadOperations().find((o) => o.name === 'published-figures')!;
  const SUBGRAPHS = ['registry', 'credit', 'housing', 'social_insurance', 'employment', 'livelihoods'];
  beforeEach(() => {
    process.env.FIGURE_LEASE_MS = String(LEASE_MS);
  });
  afterEach(() => {
    delete process.env.FIGURE_LEASE_MS;
  });

  /**
   * Waits until every lease an earlier read was given has run out, so that the next kept read
   * asks each subgraph for its sum and its leases start then. The reads counted after it must
   * come early in those leases: in a lease's last quarter the gateway asks for the next one in
   * the background (SubgraphDataSource.figureVersion), and those questions are statements too.
   * Counting from a lease that a read computing the scorecard had been given once failed on a
   * loaded machine, where that read took most of the lease.
   */
  const leasesRunOut = () => new Promise((resolve) => setTimeout(resolve, LEASE_MS + 250));
  /** Those of `names` that no statement was counted for since the last reset. */
  const notAsked = (names: readonly string[]) => names.filter((name) => stack.databases.statements.get(name) === 0);

  it('within a lease a kept answer costs the subgraphs nothing; a write through the graph commits after it ends, and the read after gives the new figure', async () => {
    const [h] = await households();
    const credit = (data: any) => data.communes.find((c: { code: string }) => c.code === h!.commune).creditFigures;
    // The scorecard kept (computed by this read or an earlier one), then read again with leases that start now.
    await read(scorecard.document, scorecard.variables, true);
    await leasesRunOut();
    // Before the questions for the sums (each lease ends LEASE_MS after its question).
    const asked = performance.now();
    stack.databases.statements.reset();
    const before = credit(await read(scorecard.document, scorecard.variables, true));
    // Served kept, after asking every subgraph for its sum with a lease (none was left to serve it under).
    expect(notAsked(SUBGRAPHS)).toEqual([]);
    const hits = await keptAnswerCount(stack.gatewayUrl, 'hit');
    stack.databases.statements.reset();
    expect(credit(await read(scorecard.document, scorecard.variables, true))).toEqual(before);
    expect(await keptAnswerCount(stack.gatewayUrl, 'hit')).toBe(hits + 1);
    expect(Object.fromEntries(SUBGRAPHS.map((name) => [name, stack.databases.statements.get(name)]))).toEqual(
      Object.fromEntries(SUBGRAPHS.map((name) => [name, 0])),
    );
    const w = await stack.query(DISBURSE, { input: disbursement(h!.id, '2024-07-03', 4_000_000) });
    expect(w.errors).toBeUndefined();
    // The write committed (and answered) only after the lease the credit subgraph gave had ended.
    expect(performance.now() - asked).toBeGreaterThanOrEqual(LEASE_MS);
    const after = credit(await read(scorecard.document, scorecard.variables, true));
    expect(Number(after.amountDisbursed)).toBe(Number(before.amountDisbursed) + 4_000_000);
    expect(await read(scorecard.document, scorecard.variables, true)).toEqual(await read(scorecard.document, scorecard.variables, false));
  });

  it('a change made in SQL (a repair, psql) waits for the lease too, and is never served stale', async () => {
    await read(published.document, {}, true);
    await leasesRunOut();
    stack.databases.statements.reset();
    const before = await read(published.document, {}, true);
    // That read asked livelihoods for its sum and was given a lease; the next is served within it.
    expect(notAsked(['livelihoods'])).toEqual([]);
    // Served kept within a lease: the livelihoods subgraph is not asked at all.
    stack.databases.statements.reset();
    expect(await read(published.document, {}, true)).toEqual(before);
    expect(stack.databases.statements.get('livelihoods')).toBe(0);
    // The lease still runs; the change commits only after it ends, so the next read asks again.
    await sql`UPDATE livelihood_project SET budget = budget + 1000000 WHERE code = 'LIVELIHOOD_DIVERSIFICATION'`.execute(stack.databases.kysely('livelihoods'));
    const after = await read(published.document, {}, true);
    expect(Number(after.livelihoodProject.budget)).toBe(Number(before.livelihoodProject.budget) + 1_000_000);
    expect(after).toEqual(await read(published.document, {}, false));
  });
});

describe('kept answers at the gateway: the dashboard operations that read only figures', () => {
  // Each subgraph keeps a whole answer only when every field it selects is in its
  // keptResponseRules (subgraphs/<name>/loaders.ts), and the gateway keeps the federated answer
  // only when every fetch was kept. A coordinate listed there whose value a write can change
  // without moving the subgraph's versions would be served stale here: the variables below ask
  // for the periods the writes touch (2024 and 2025), so that the writes change the answers.
  const operations = loadOperations();
  const operation = (name: string) => operations.find((o) => o.name === name)!;
  const READS: Array<{ name: string; variables: (commune: string) => Record<string, unknown> }> = [
    { name: 'city-overview', variables: () => operation('city-overview').variables },
    { name: 'city-overview', variables: () => ({ from: '2025-01-01', to: '2025-12-31', year: 2025, asOf: '2025-09-30' }) },
    { name: 'commune-years', variables: (commune) => ({ code: commune }) },
    { name: 'published-figures', variables: () => ({}) },
    { name: 'readme-scorecard', variables: () => ({}) },
    { name: 'what-if', variables: () => operation('what-if').variables },
    { name: 'what-if', variables: () => ({ year: 2025, standard: '2027-2030' }) },
  ];
  const KEPT_OPERATIONS = [...new Set(READS.map((r) => r.name))];

  /** Writes of figures that only these operations read: through the graph, and repairs in SQL (any write path must move the versions). */
  let repairedHouseholds = 0;
  const MORE_WRITERS: Record<string, (h: { id: string; commune: string }, rand: () => number, day: string) => Promise<void>> = {
    labourStatistics: async (_, rand, day) => {
      const input = {
        year: Number(day.slice(0, 4)),
        urbanUnemploymentRatePercent: 2 + rand(),
        trainedWorkerSharePercent: 70 + rand() * 5,
        source: 'Kept test',
      };
      const r = await stack.query(`mutation($input: RecordLabourStatisticsInput!) { recordLabourStatistics(input: $input) { labourStatistics { year } } }`, {
        input,
      });
      expect(r.errors).toBeUndefined();
    },
    // A loan written without its rollups (a repair), to a household that never borrowed (so
    // that it counts): only the distinct households borrowing under a group of programmes
    // (published-figures' production loans) read it.
    loanInSql: async (h, rand, day) => {
      await sql`INSERT INTO loan (household_id, commune_code, programme_code, principal, disbursed_on, term_months, annual_rate_percent,
          purpose, mass_organisation, savings_group, status)
        VALUES (${900_000_000 + repairedHouseholds++}, ${h.commune}, 'POOR_HOUSEHOLDS', ${1_000_000 * (1 + Math.floor(rand() * 20))}, ${day}, 36, 6.6,
          'Kept test repair', 'womens_union', 'Tổ TK&VV kept-02', 'current')`.execute(stack.databases.kysely('credit'));
    },
    capitalInSql: async (_, rand) => {
      await sql`INSERT INTO capital_entrusted (year, amount, source_note) VALUES (${2021 + Math.floor(rand() * 4)}, ${1_000_000_000 * (1 + Math.floor(rand() * 9))}, 'Kept test repair')`.execute(
        stack.databases.kysely('credit'),
      );
    },
    projectBudgetInSql: async (_, rand) => {
      await sql`UPDATE livelihood_project SET budget = budget + ${1_000_000 * (1 + Math.floor(rand() * 9))} WHERE code = 'LIVELIHOOD_DIVERSIFICATION'`.execute(
        stack.databases.kysely('livelihoods'),
      );
    },
  };

  async function roles(commune: string): Promise<Record<string, string | null | undefined>> {
    return {
      administrator: undefined,
      analyst: await stack.token({ roles: ['analyst'] }),
      caseworker: await stack.token({ roles: ['caseworker'], communes: [commune] }),
      // Another caseworker's communes: an answer kept for the first's may be served to them (it
      // never asked for the viewer's communes), and must hold for them too.
      'caseworker of other communes': await stack.token({ roles: ['caseworker'], communes: ['00004', '00007'] }),
      public: null,
    };
  }

  it('random writes of every department interleaved with reads as several roles: every answer given kept equals a fresh one, and some are given kept', async () => {
    const rand = seededRandom(1219);
    const all = await households();
    const as = await roles(all[0]!.commune);
    const kinds = [...Object.keys(WRITERS), ...Object.keys(MORE_WRITERS)];
    const written = new Map<string, number>();
    const keptOperations = new Set<string>();
    const hitsBefore = await keptAnswerCount(stack.gatewayUrl, 'hit');
    for (let step = 0; step < 90; step++) {
      const h = all[Math.floor(rand() * all.length)]!;
      if (rand() < 0.4) {
        const kind = kinds[Math.floor(rand() * kinds.length)]!;
        const day = `${rand() < 0.5 ? 2024 : 2025}-0${1 + Math.floor(rand() * 8)}-1${Math.floor(rand() * 10)}`;
        if (kind in MORE_WRITERS) await MORE_WRITERS[kind]!(h, rand, day);
        else {
          const { query, input } = WRITERS[kind]!(h, rand, day);
          const r = await stack.query(query, { input });
          expect(r.errors, `${kind}: ${JSON.stringify(r.errors)}`).toBeUndefined();
        }
        written.set(kind, (written.get(kind) ?? 0) + 1);
      } else {
        const { name, variables } = READS[Math.floor(rand() * READS.length)]!;
        const role = Object.keys(as)[Math.floor(rand() * Object.keys(as).length)]!;
        const vars = variables(h.commune);
        const hits = await keptAnswerCount(stack.gatewayUrl, 'hit');
        // The first read after a write is the one a wrong rule would serve stale; the second
        // is served kept (nothing was written in between).
        const first = await read(operation(name).document, vars, true, as[role]);
        const again = await read(operation(name).document, vars, true, as[role]);
        const fresh = await read(operation(name).document, vars, false, as[role]);
        expect(first, `${name} as ${role}, step ${step}`).toEqual(fresh);
        expect(again, `${name} as ${role} again, step ${step}`).toEqual(fresh);
        if ((await keptAnswerCount(stack.gatewayUrl, 'hit')) > hits) keptOperations.add(name);
      }
    }
    // Every kind of write happened (the seed is fixed: this holds or the test is changed), and
    // every operation was served kept at least once.
    expect([...written.keys()].sort()).toEqual([...kinds].sort());
    expect([...keptOperations].sort()).toEqual([...KEPT_OPERATIONS].sort());
    expect(await keptAnswerCount(stack.gatewayUrl, 'hit')).toBeGreaterThan(hitsBefore);
  });

  it('a write that only these operations read, through the graph or in SQL, is never served stale: each table added to the versions moves them', async () => {
    const [h] = await households();
    const published = operation('published-figures');
    const figures = (data: any) => ({
      production: data.city.credit.production,
      capital: data.city.capitalEntrusted.total,
      labour: data.city.labourStatistics,
      budget: data.livelihoodProject.budget,
    });
    const rand = seededRandom(5);
    // Each of these changes its figure (asserted), so a table that moved no version would give the old one.
    const changes: Record<string, keyof ReturnType<typeof figures>> = {
      loanInSql: 'production',
      capitalInSql: 'capital',
      labourStatistics: 'labour',
      projectBudgetInSql: 'budget',
    };
    for (const [kind, figure] of Object.entries(changes)) {
      await read(published.document, {}, true);
      const hits = await keptAnswerCount(stack.gatewayUrl, 'hit');
      const before = await read(published.document, {}, true);
      expect(await keptAnswerCount(stack.gatewayUrl, 'hit'), kind).toBe(hits + 1);
      await MORE_WRITERS[kind]!(h!, rand, '2024-06-10');
      const after = await read(published.document, {}, true);
      expect(after, kind).toEqual(await read(published.document, {}, false));
      expect(figures(after)[figure], kind).not.toEqual(figures(before)[figure]);
    }
  });

  it('each is served kept to every role that may run it (administrator, analyst, caseworkers, public), equal to a fresh answer', async () => {
    const all = await households();
    const as = await roles(all[0]!.commune);
    for (const { name, variables } of READS) {
      for (const [role, token] of Object.entries(as)) {
        const vars = variables(all[0]!.commune);
        await read(operation(name).document, vars, true, token);
        const hits = await keptAnswerCount(stack.gatewayUrl, 'hit');
        const kept = await read(operation(name).document, vars, true, token);
        expect(await keptAnswerCount(stack.gatewayUrl, 'hit'), `${name} as ${role}: served kept`).toBe(hits + 1);
        expect(kept, `${name} as ${role}`).toEqual(await read(operation(name).document, vars, false, token));
      }
    }
  });
});

/** The gateway's count of reads by kept-answer result (its /metrics). */
async function keptAnswerCount(graphqlUrl: string, result: 'hit' | 'miss' | 'stale'): Promise<number> {
  const text = await (await fetch(new URL('/metrics', graphqlUrl))).text();
  const line = text.split('\n').find((l) => l.startsWith('gateway_kept_answers_total{') && l.includes(`result="${result}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** GraphQL operations the subgraphs have run, all together (their /metrics). */
async function subgraphOperations(): Promise<number> {
  let total = 0;
  for (const url of Object.values(stack.subgraphUrls)) {
    const text = await (await fetch(new URL('/metrics', url))).text();
    for (const l of text.split('\n')) if (l.startsWith('graphql_requests_total{')) total += Number(l.slice(l.lastIndexOf(' ') + 1));
  }
  return total;
}
