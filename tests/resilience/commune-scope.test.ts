import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyError, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.js';

// Commune-scoped writers are scoped everywhere (issue 15, item 7). A role with every
// `<subgraph>:write` scope and `communeScoped: true` (none in the default policy, but roles are
// data) registered households, recorded reviews, fund contributions, placements, job fairs,
// enrolments, completions and high-tech models in any commune. Now every mutation keeps it to
// its communes, and a record elsewhere is refused exactly as a missing one is (the same code,
// field and message but for the id: no oracle, docs/privacy.md); a city-wide record (labour
// statistics, a city project, a contribution to the city's fund) is FORBIDDEN to it.

let stack: TestStack;
let policyDir: string;
let inScope: { commune: string; household: string; member: string };
let outOfScope: { commune: string; household: string; member: string; enrolment: string };
let writer: string;

const WRITES = ['registry:write', 'credit:write', 'housing:write', 'social_insurance:write', 'employment:write', 'livelihoods:write'];

beforeAll(async () => {
  // The default policy with one more role: a commune-scoped writer of every subgraph.
  const policy = JSON.parse(fs.readFileSync(new URL('../../config/access-policy.json', import.meta.url), 'utf8'));
  policy.roles['commune-writer'] = {
    description: "A commune office that writes every department's records for its own communes (test role).",
    scopes: [...WRITES, 'records:read', 'personal:read', 'counts:exact'],
    communeScoped: true,
  };
  policyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scope-policy-'));
  const file = path.join(policyDir, 'access-policy.json');
  fs.writeFileSync(file, JSON.stringify(policy));
  stack = await startTestStack({ authEnv: { ACCESS_POLICY_FILE: file } });

  const r = await stack.query(`{ households(first: 100) { edges { node { id commune { code } members { id } } } } }`);
  const nodes = r.data.households.edges.map((e: any) => e.node);
  const a = nodes[0];
  const b = nodes.find((n: any) => n.commune.code !== a.commune.code);
  inScope = { commune: a.commune.code, household: a.id, member: a.members[0].id };
  // An open enrolment in the other commune, made by the administrator.
  const enrol = await stack.query(ENROL, { input: { personId: b.members[0].id, course: 'Sửa xe máy', level: 'ELEMENTARY', startedOn: '2025-03-01' } });
  expect(enrol.errors).toBeUndefined();
  outOfScope = { commune: b.commune.code, household: b.id, member: b.members[0].id, enrolment: enrol.data.enrolInTraining.enrolment.id };
  writer = await stack.token({ sub: 'commune-office-1', roles: ['commune-writer'], communes: [inScope.commune] });
});
afterAll(async () => {
  await stack?.close();
  if (policyDir) fs.rmSync(policyDir, { recursive: true, force: true });
});

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

const REGISTER = `mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { household { id } } }`;
const REVIEW = `mutation($input: RecordPovertyReviewInput!) { recordPovertyReview(input: $input) { review { id } } }`;
const CONTRIBUTE = `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id } } }`;
const PLACE = `mutation($input: RecordJobPlacementInput!) { recordJobPlacement(input: $input) { placement { id } } }`;
const FAIR = `mutation($input: RecordJobFairInput!) { recordJobFair(input: $input) { jobFair { id } } }`;
const ENROL = `mutation($input: EnrolInTrainingInput!) { enrolInTraining(input: $input) { enrolment { id } } }`;
const COMPLETE = `mutation($input: CompleteTrainingInput!) { completeTraining(input: $input) { enrolment { id } } }`;
const MODEL = `mutation($input: RecordHighTechModelInput!) { recordHighTechModel(input: $input) { model { id } } }`;
const STATISTICS = `mutation($input: RecordLabourStatisticsInput!) { recordLabourStatistics(input: $input) { labourStatistics { year } } }`;
const PROJECT = `mutation($input: CreateLivelihoodProjectInput!) { createLivelihoodProject(input: $input) { project { code } } }`;

const MISSING_ID = '987654321';
const MISSING_COMMUNE = '99999';

interface Case {
  mutation: string;
  document: string;
  /** The input naming a record (or commune) `id`. */
  input(id: string): Record<string, unknown>;
  inScope: () => string;
  outOfScope: () => string;
  missing: string;
}

const CASES: Case[] = [
  {
    mutation: 'registerHousehold',
    document: REGISTER,
    missing: MISSING_COMMUNE,
    inScope: () => inScope.commune,
    outOfScope: () => outOfScope.commune,
    input: (communeCode) => ({ communeCode, address: '1 Ngõ Thử', members: [{ fullName: 'Chủ Hộ Thử', birthYear: 1975, sex: 'FEMALE', relation: 'HEAD' }] }),
  },
  {
    mutation: 'recordPovertyReview',
    document: REVIEW,
    missing: MISSING_ID,
    inScope: () => inScope.household,
    outOfScope: () => outOfScope.household,
    input: (householdId) => ({
      householdId,
      year: 2025,
      kind: 'REGULAR',
      reviewDate: '2025-12-01',
      incomePerPersonMonthly: '3000000',
      indicators: INDICATORS.map((code) => ({ code, deprived: false })),
    }),
  },
  {
    mutation: 'addFundContribution',
    document: CONTRIBUTE,
    missing: MISSING_COMMUNE,
    inScope: () => inScope.commune,
    outOfScope: () => outOfScope.commune,
    input: (communeCode) => ({ donorKind: 'INDIVIDUAL', amount: '500000', contributionDate: '2025-05-01', communeCode }),
  },
  {
    mutation: 'recordJobPlacement',
    document: PLACE,
    missing: MISSING_ID,
    inScope: () => inScope.member,
    outOfScope: () => outOfScope.member,
    input: (workerId) => ({
      workerId,
      employer: 'Công ty Thử',
      sector: 'May mặc',
      channel: 'EMPLOYMENT_SERVICE_CENTRE',
      contract: 'DOMESTIC',
      placedOn: '2025-04-01',
      monthlyWage: '6000000',
    }),
  },
  {
    mutation: 'recordJobFair',
    document: FAIR,
    missing: MISSING_COMMUNE,
    inScope: () => inScope.commune,
    outOfScope: () => outOfScope.commune,
    input: (communeCode) => ({ communeCode, heldOn: '2025-04-01', employers: 3, participants: 40, hires: 5, hiresAbroad: 0 }),
  },
  {
    mutation: 'enrolInTraining',
    document: ENROL,
    missing: MISSING_ID,
    inScope: () => inScope.member,
    outOfScope: () => outOfScope.member,
    input: (personId) => ({ personId, course: 'Trồng nấm', level: 'ELEMENTARY', startedOn: '2025-02-01' }),
  },
  {
    mutation: 'completeTraining',
    document: COMPLETE,
    missing: MISSING_ID,
    inScope: () => '',
    outOfScope: () => outOfScope.enrolment,
    input: (enrolmentId) => ({ enrolmentId, completedOn: '2025-06-01' }),
  },
  {
    mutation: 'recordHighTechModel',
    document: MODEL,
    missing: MISSING_COMMUNE,
    inScope: () => inScope.commune,
    outOfScope: () => outOfScope.commune,
    input: (communeCode) => ({
      communeCode,
      name: 'Nhà màng thử',
      kind: 'CROPS',
      technology: 'Tưới nhỏ giọt',
      areaHectares: 1.5,
      householdsInvolved: 4,
      startYear: 2024,
    }),
  },
];

/** An error as a caller sees it, with the id it named taken out. */
function shape(r: GraphQLResponse, id: string) {
  const error = onlyError(r);
  return { code: error.extensions?.code, field: error.extensions?.field, message: error.message.replaceAll(id, '<id>') };
}

async function auditWrites(): Promise<number> {
  let total = 0;
  for (const name of ['registry', 'housing', 'employment', 'livelihoods']) {
    const r = await stack.query(`{ t: ${name}AuditTrail(filter: { action: WRITE }, first: 1) { totalCount } }`);
    total += r.data.t.totalCount;
  }
  return total;
}

describe('a commune-scoped writer', () => {
  for (const c of CASES) {
    it(`${c.mutation}: refused outside its communes exactly as for a missing record, writing nothing`, async () => {
      const before = await auditWrites();
      const out = await stack.query(c.document, { input: c.input(c.outOfScope()) }, undefined, writer);
      const missing = await stack.query(c.document, { input: c.input(c.missing) }, undefined, writer);
      expect(shape(out, c.outOfScope())).toEqual(shape(missing, c.missing));
      expect(shape(out, c.outOfScope()).code).toBe('BAD_USER_INPUT');
      expect(await auditWrites()).toBe(before);
      // The administrator, not scoped, may make the same write (so the refusal was the scope's).
      if (c.mutation !== 'completeTraining') {
        const admin = await stack.query(c.document, { input: c.input(c.outOfScope()) });
        expect(admin.errors).toBeUndefined();
      }
    });
  }

  it('writes in its own communes', async () => {
    for (const c of CASES.filter((x) => x.inScope())) {
      const r = await stack.query(c.document, { input: c.input(c.inScope()) }, undefined, writer);
      expect(r.errors, c.mutation).toBeUndefined();
    }
  });

  it('may not make city-wide records', async () => {
    const statistics = await stack.query(
      STATISTICS,
      { input: { year: 2024, urbanUnemploymentRatePercent: 2.5, trainedWorkerSharePercent: 70, source: 'Thử' } },
      undefined,
      writer,
    );
    expect(onlyError(statistics).extensions?.code).toBe('FORBIDDEN');
    const project = await stack.query(
      PROJECT,
      { input: { code: 'SCOPE-TEST', name: 'Dự án thử', budget: '1000000', fundingSource: 'Ngân sách', startDate: '2025-01-01', endDate: '2025-12-31' } },
      undefined,
      writer,
    );
    expect(onlyError(project).extensions?.code).toBe('FORBIDDEN');
    const cityFund = await stack.query(CONTRIBUTE, { input: { donorKind: 'INDIVIDUAL', amount: '500000', contributionDate: '2025-05-01' } }, undefined, writer);
    expect(onlyError(cityFund).extensions?.code).toBe('FORBIDDEN');
  });
});

// The same eight writes, made by the administrator with an idempotency key, each sent twice:
// one write, the same answer twice (the replay comes from the stored answer, dates and all).
describe('idempotent writes of every kind above', () => {
  for (const c of CASES.filter((x) => x.mutation !== 'completeTraining')) {
    it(`${c.mutation}: sent twice with one key, written once, answered alike`, async () => {
      const before = await auditWrites();
      const input = { ...c.input(c.outOfScope()), idempotencyKey: `${c.mutation}-replay-1` };
      const first = await stack.query(c.document, { input });
      expect(first.errors).toBeUndefined();
      const again = await stack.query(c.document, { input });
      expect(again).toEqual(first);
      expect(await auditWrites()).toBe(before + 1);
    });
  }

  it('completeTraining: a repeat answers the first completion instead of "already completed"', async () => {
    const enrol = await stack.query(ENROL, { input: { personId: outOfScope.member, course: 'Hàn điện', level: 'ELEMENTARY', startedOn: '2025-03-01' } });
    const input = { enrolmentId: enrol.data.enrolInTraining.enrolment.id, completedOn: '2025-06-01', idempotencyKey: 'complete-replay-1' };
    const first = await stack.query(COMPLETE, { input });
    expect(first.errors).toBeUndefined();
    expect(await stack.query(COMPLETE, { input })).toEqual(first);
    // Without the key the repeat is a new request, refused as the enrolment is completed.
    expect(onlyError(await stack.query(COMPLETE, { input: { ...input, idempotencyKey: undefined } })).extensions?.field).toBe('enrolmentId');
  });
});
