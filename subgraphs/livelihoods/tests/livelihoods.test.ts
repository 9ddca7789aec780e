import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMUNES } from '../../../db/communes.js';
import { demoPopulation } from '../../../db/demo.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import { livelihoods } from '../index.js';
import { DEMO_PROJECT_CODE, NAMED_MODEL_AREAS, demoLivelihoodPlan, type DemoParticipant } from '../seed.js';
import { registry } from '../../registry/index.js';
import { onlyError, startTestStack, type GraphQLResponse, type TestStack } from '../../../tests/support/stack.js';

// These tests are about this department's answers, so callers without a token may send any
// document; the gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, livelihoods] });
});
afterAll(async () => {
  await stack?.close();
});

const plan = demoLivelihoodPlan();
const population = demoPopulation();
const ALL_TIME = { from: '1900-01-01', to: '2100-12-31' };
const supportOf = (p: DemoParticipant) => p.cashSupport + p.items.reduce((s, i) => s + i.value, 0);
const planSupport = plan.participants.reduce((s, p) => s + supportOf(p), 0);
const codeOf = (name: string) => COMMUNES.find((c) => c.name === name)!.code;

/** A demo household whose review of `year` gave one of `classifications`, skipping `except`. */
function householdWith(year: number, classifications: string[], except: number[] = []): number {
  const found = population.find((h) => !except.includes(h.id) && classifications.includes(h.reviews.find((r) => r.year === year)!.classification));
  if (!found) throw new Error(`no demo household classified ${classifications.join('/')} in ${year}`);
  return found.id;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Everything a refusal must leave untouched. */
async function counts() {
  const r = await stack.query(
    `query($from: Date!, $to: Date!) {
    city { livelihoodFigures(from: $from, to: $to) { participations supportValue highTechModels { count householdsInvolved } } }
    livelihoodProjects { code budget totals { participations supportValue } }
  }`,
    ALL_TIME,
  );
  expect(r.errors).toBeUndefined();
  return r.data;
}

function expectRefused(r: GraphQLResponse, field: string) {
  const error = onlyError(r);
  expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error.extensions?.field).toBe(field);
  return error;
}

const CREATE_PROJECT = `mutation($input: CreateLivelihoodProjectInput!) {
  createLivelihoodProject(input: $input) { project { code name budget fundingSource startDate endDate totals { participations remainingBudget } } }
}`;
const ENROL = `mutation($input: EnrolLivelihoodParticipantInput!) {
  enrolLivelihoodParticipant(input: $input) { participation {
    id activity cashSupport inKindValue supportValue startDate
    inKindSupport { item quantity value }
    household { id commune { code } }
    commune { code name }
    project { code totals { participations households supportValue remainingBudget } }
  } }
}`;
const RECORD_MODEL = `mutation($input: RecordHighTechModelInput!) {
  recordHighTechModel(input: $input) { model { id name kind technology areaHectares householdsInvolved startYear startDate commune { code name } } }
}`;

describe('households and their livelihood support through the gateway', () => {
  it("reads a household's registry data together with its participation and support", async () => {
    const p = plan.participants.find((x) => x.items.length === 2)!;
    const listYear = Number(p.startDate.slice(0, 4)) - 1;
    const r = await stack.query(
      `query($id: ID!, $year: Int!) { household(id: $id) {
        id members { relation } commune { code name } latestReview(year: $year) { classification }
        livelihoodSupport { activity cashSupport inKindValue supportValue startDate inKindSupport { item quantity value }
          commune { code } household { id } project { code budget } }
      } }`,
      { id: String(p.householdId), year: listYear },
    );
    expect(r.errors).toBeUndefined();
    const h = r.data.household;
    expect(h.id).toBe(String(p.householdId));
    expect(h.commune.code).toBe(p.communeCode);
    expect(h.members.length).toBeGreaterThan(0);
    expect(['POOR', 'NEAR_POOR']).toContain(h.latestReview.classification);
    expect(h.livelihoodSupport).toEqual([
      {
        activity: p.activity.toUpperCase(),
        cashSupport: String(p.cashSupport),
        inKindValue: String(p.items.reduce((s, i) => s + i.value, 0)),
        supportValue: String(supportOf(p)),
        startDate: p.startDate,
        inKindSupport: p.items.map((i) => ({ item: i.item, quantity: i.quantity, value: String(i.value) })),
        commune: { code: p.communeCode },
        household: { id: String(p.householdId) },
        project: { code: DEMO_PROJECT_CODE, budget: '49400000000' },
      },
    ]);
    const none = population.find((x) => !plan.participants.some((q) => q.householdId === x.id))!;
    const empty = await stack.query(`query($id: ID!) { household(id: $id) { id livelihoodSupport { id } } }`, { id: String(none.id) });
    expect(empty.data.household).toEqual({ id: String(none.id), livelihoodSupport: [] });
  });
});

describe('livelihood figures', () => {
  const FIGURES = `from to householdsSupported participations cashSupport inKindSupport supportValue
    byActivity { activity participations households supportValue }
    highTechModels { count areaHectares householdsInvolved byKind { kind count areaHectares householdsInvolved } }`;

  it('gives all 126 communes and the city, adding up to the demo plan', async () => {
    const period = { from: '2022-01-01', to: '2025-12-31' };
    const r = await stack.query(
      `query($from: Date!, $to: Date!) {
        communes { code name livelihoodFigures(from: $from, to: $to) { ${FIGURES} } }
        city { livelihoodFigures(from: $from, to: $to) { ${FIGURES} } }
      }`,
      period,
    );
    expect(r.errors).toBeUndefined();
    const communes = r.data.communes;
    expect(communes).toHaveLength(126);
    const city = r.data.city.livelihoodFigures;
    expect(city.from).toBe(period.from);
    expect(city.participations).toBe(plan.participants.length);
    expect(city.householdsSupported).toBe(new Set(plan.participants.map((p) => p.householdId)).size);
    expect(city.supportValue).toBe(String(planSupport));
    expect(Number(city.cashSupport) + Number(city.inKindSupport)).toBe(planSupport);
    for (const a of city.byActivity) {
      const mine = plan.participants.filter((p) => p.activity.toUpperCase() === a.activity);
      expect(a.participations).toBe(mine.length);
      expect(a.supportValue).toBe(String(mine.reduce((s, p) => s + supportOf(p), 0)));
    }
    expect(city.byActivity.map((a: any) => a.activity)).toEqual(['AGRICULTURAL_PRODUCTION', 'SMALL_SCALE_HANDICRAFT', 'TRADE_AND_SERVICES']);
    expect(city.highTechModels.count).toBe(plan.models.length);
    expect(city.highTechModels.byKind.map((k: any) => [k.kind, k.count])).toEqual([
      ['CROPS', 10],
      ['LIVESTOCK', 10],
      ['AQUACULTURE', 10],
      ['COMBINED', 10],
    ]);
    expect(city.highTechModels.areaHectares).toBeCloseTo(
      plan.models.reduce((s, m) => s + Number(m.areaHectares), 0),
      6,
    );
    expect(city.highTechModels.householdsInvolved).toBe(plan.models.reduce((s, m) => s + m.householdsInvolved, 0));

    // The communes add up to the city (each demo household has one commune).
    const sum = (f: (c: any) => number) => communes.reduce((s: number, c: any) => s + f(c.livelihoodFigures), 0);
    expect(sum((f) => f.participations)).toBe(city.participations);
    expect(sum((f) => f.householdsSupported)).toBe(city.householdsSupported);
    expect(sum((f) => Number(f.supportValue))).toBe(planSupport);
    expect(sum((f) => f.highTechModels.count)).toBe(plan.models.length);
    for (const c of communes) {
      const mine = plan.participants.filter((p) => p.communeCode === c.code);
      expect(c.livelihoodFigures.participations).toBe(mine.length);
      expect(c.livelihoodFigures.supportValue).toBe(String(mine.reduce((s, p) => s + supportOf(p), 0)));
      expect(c.livelihoodFigures.highTechModels.count).toBe(plan.models.filter((m) => m.communeCode === c.code).length);
    }
    // The six named areas are communes with models.
    for (const name of NAMED_MODEL_AREAS) {
      const c = communes.find((x: any) => x.name === name);
      expect(c.livelihoodFigures.highTechModels.count).toBe(plan.models.filter((m) => m.communeCode === c.code).length);
    }
    expect(NAMED_MODEL_AREAS.reduce((s, n) => s + communes.find((x: any) => x.name === n).livelihoodFigures.highTechModels.count, 0)).toBeGreaterThan(0);
  });

  it('counts only what started in the period (a year-only model as of 1 January)', async () => {
    const r = await stack.query(`{ city { livelihoodFigures(from: "2024-01-01", to: "2024-12-31") { participations highTechModels { count } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.city.livelihoodFigures.participations).toBe(plan.participants.filter((p) => p.startDate.startsWith('2024')).length);
    expect(r.data.city.livelihoodFigures.highTechModels.count).toBe(plan.models.filter((m) => m.startedOn.startsWith('2024')).length);
  });

  it('lists the models of a commune', async () => {
    const code = codeOf('Mê Linh');
    const r = await stack.query(`query($code: ID!) { commune(code: $code) { name livelihoodHighTechModels { kind areaHectares startYear startDate } } }`, {
      code,
    });
    expect(r.errors).toBeUndefined();
    const mine = plan.models.filter((m) => m.communeCode === code);
    expect(r.data.commune.livelihoodHighTechModels).toHaveLength(mine.length);
    expect(r.data.commune.livelihoodHighTechModels.map((m: any) => m.startYear).sort()).toEqual(mine.map((m) => Number(m.startedOn.slice(0, 4))).sort());
  });

  it('refuses a period that ends before it starts', async () => {
    const r = await stack.query(`{ city { livelihoodFigures(from: "2024-01-01", to: "2023-12-31") { participations } } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.field).toBe('to');
  });
});

describe('livelihood projects', () => {
  it('shows the Livelihood Diversification Project with its published budget and its totals', async () => {
    const r = await stack.query(`{ livelihoodProject(code: "${DEMO_PROJECT_CODE}") {
      code name budget fundingSource startDate endDate totals { participations households cashSupport inKindSupport supportValue remainingBudget } }
      missing: livelihoodProject(code: "NO_SUCH") { code } }`);
    expect(r.errors).toBeUndefined();
    const p = r.data.livelihoodProject;
    expect(p).toMatchObject({ code: DEMO_PROJECT_CODE, budget: '49400000000', startDate: '2022-01-01', endDate: '2025-12-31' });
    expect(p.name).toContain('Livelihood Diversification');
    expect(p.totals.participations).toBe(plan.participants.length);
    expect(p.totals.households).toBe(plan.participants.length);
    expect(p.totals.supportValue).toBe(String(planSupport));
    expect(p.totals.remainingBudget).toBe(String(49_400_000_000 - planSupport));
    expect(r.data.missing).toBeNull();
  });
});

describe('mutations', () => {
  const today = todayInHanoi();
  const tomorrow = nextDay(today);
  // Eligible for a start in 2023: poor or near-poor in the 2022 review. Not eligible: above that.
  const eligible = householdWith(2022, ['poor', 'near_poor']);
  const eligible2 = householdWith(2022, ['poor', 'near_poor'], [eligible]);
  const ineligible = householdWith(2022, ['middle_income', 'above_middle_income']);

  const project = {
    code: 'TEST_SMALL',
    name: 'Small test project',
    budget: '30000000',
    fundingSource: 'city budget',
    startDate: '2023-01-01',
    endDate: '2024-12-31',
  };

  it('creates a project and refuses bad ones, writing nothing', async () => {
    const ok = await stack.query(CREATE_PROJECT, { input: project });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createLivelihoodProject.project).toEqual({
      code: 'TEST_SMALL',
      name: 'Small test project',
      budget: '30000000',
      fundingSource: 'city budget',
      startDate: '2023-01-01',
      endDate: '2024-12-31',
      totals: { participations: 0, remainingBudget: '30000000' },
    });
    const before = await counts();
    expectRefused(await stack.query(CREATE_PROJECT, { input: { ...project, code: 'NEW_ONE', budget: '-1' } }), 'budget');
    expectRefused(await stack.query(CREATE_PROJECT, { input: { ...project, code: 'NEW_ONE', endDate: '2022-12-31' } }), 'endDate');
    expectRefused(await stack.query(CREATE_PROJECT, { input: { ...project, code: 'NEW_ONE', name: '  ' } }), 'name');
    expectRefused(await stack.query(CREATE_PROJECT, { input: { ...project, code: 'bad code' } }), 'code');
    expectRefused(await stack.query(CREATE_PROJECT, { input: project }), 'code');
    expect(await counts()).toEqual(before);
  });

  it('enrols a participant with items and cash, all together', async () => {
    const r = await stack.query(ENROL, {
      input: {
        householdId: String(eligible),
        projectCode: 'TEST_SMALL',
        activity: 'SMALL_SCALE_HANDICRAFT',
        cashSupport: '2000000',
        startDate: '2023-03-15',
        inKindSupport: [
          { item: 'sewing machine', value: '6000000' },
          { item: 'thread', quantity: 20, value: '500000' },
        ],
      },
    });
    expect(r.errors).toBeUndefined();
    const p = r.data.enrolLivelihoodParticipant.participation;
    const commune = population.find((h) => h.id === eligible)!.communeCode;
    expect(p).toMatchObject({
      activity: 'SMALL_SCALE_HANDICRAFT',
      cashSupport: '2000000',
      inKindValue: '6500000',
      supportValue: '8500000',
      startDate: '2023-03-15',
      inKindSupport: [
        { item: 'sewing machine', quantity: 1, value: '6000000' },
        { item: 'thread', quantity: 20, value: '500000' },
      ],
      household: { id: String(eligible), commune: { code: commune } },
      commune: { code: commune },
      project: { code: 'TEST_SMALL', totals: { participations: 1, households: 1, supportValue: '8500000', remainingBudget: '21500000' } },
    });
    const h = await stack.query(`query($id: ID!) { household(id: $id) { livelihoodSupport { project { code } supportValue } } }`, { id: String(eligible) });
    expect(h.data.household.livelihoodSupport).toContainEqual({ project: { code: 'TEST_SMALL' }, supportValue: '8500000' });
  });

  it('refuses bad enrolments naming the field, writing nothing', async () => {
    const base = {
      householdId: String(eligible2),
      projectCode: 'TEST_SMALL',
      activity: 'AGRICULTURAL_PRODUCTION',
      cashSupport: '1000000',
      startDate: '2023-05-01',
    };
    const long = await stack.query(CREATE_PROJECT, { input: { ...project, code: 'TEST_LONG', budget: '1000000000', endDate: '2030-12-31' } });
    expect(long.errors).toBeUndefined();
    const before = await counts();
    const enrol = (input: Record<string, unknown>) => stack.query(ENROL, { input: { ...base, ...input } });

    expectRefused(await enrol({ householdId: '999999' }), 'householdId');
    expectRefused(await enrol({ householdId: 'abc' }), 'householdId');
    expectRefused(await enrol({ projectCode: 'NO_SUCH' }), 'projectCode');
    expectRefused(await enrol({ cashSupport: '-1' }), 'cashSupport');
    expectRefused(
      await enrol({
        inKindSupport: [
          { item: 'piglets', value: '100' },
          { item: 'seedlings', value: '-5' },
        ],
      }),
      'inKindSupport[1].value',
    );
    expectRefused(await enrol({ inKindSupport: [{ item: 'piglets', quantity: 0, value: '100' }] }), 'inKindSupport[0].quantity');
    expectRefused(await enrol({ projectCode: 'TEST_LONG', startDate: tomorrow }), 'startDate');
    expectRefused(await enrol({ startDate: '2022-06-01' }), 'startDate');
    expectRefused(await enrol({ startDate: '2025-01-02' }), 'startDate');
    const notPoor = expectRefused(await enrol({ householdId: String(ineligible) }), 'householdId');
    expect(notPoor.message).toMatch(/review 2022/);
    // Remaining budget is 21,500,000: 21,500,001 more is refused, by cash or by items.
    expectRefused(await enrol({ cashSupport: '21500001' }), 'cashSupport');
    expectRefused(await enrol({ cashSupport: '0', inKindSupport: [{ item: 'motorcycle', value: '21500001' }] }), 'inKindSupport');
    expectRefused(await enrol({ householdId: String(eligible) }), 'householdId');
    expect(await counts()).toEqual(before);

    // Exactly the remaining budget is accepted.
    const ok = await enrol({ cashSupport: '1500000', inKindSupport: [{ item: 'breeding cow', value: '20000000' }] });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.enrolLivelihoodParticipant.participation.project.totals.remainingBudget).toBe('0');
  });

  it('records a high-tech model and refuses bad ones, writing nothing', async () => {
    const base = {
      communeCode: codeOf('Đông Anh'),
      name: 'Test greenhouse',
      kind: 'CROPS',
      technology: 'greenhouse drip irrigation',
      areaHectares: 2.5,
      householdsInvolved: 12,
      startDate: '2024-05-20',
    };
    const before = await counts();
    const record = (input: Record<string, unknown>) => stack.query(RECORD_MODEL, { input: { ...base, ...input } });
    expectRefused(await record({ communeCode: '99999' }), 'communeCode');
    expectRefused(await record({ communeCode: 'x' }), 'communeCode');
    expectRefused(await record({ areaHectares: -0.5 }), 'areaHectares');
    expectRefused(await record({ householdsInvolved: -1 }), 'householdsInvolved');
    expectRefused(await record({ startDate: tomorrow }), 'startDate');
    expectRefused(await record({ startDate: null, startYear: Number(today.slice(0, 4)) + 1 }), 'startYear');
    expectRefused(await record({ startDate: null }), 'startDate');
    expectRefused(await record({ startYear: 2023 }), 'startYear');
    expect(await counts()).toEqual(before);

    const ok = await record({});
    expect(ok.errors).toBeUndefined();
    expect(ok.data.recordHighTechModel.model).toMatchObject({
      name: 'Test greenhouse',
      kind: 'CROPS',
      areaHectares: 2.5,
      householdsInvolved: 12,
      startYear: 2024,
      startDate: '2024-05-20',
      commune: { code: codeOf('Đông Anh'), name: 'Đông Anh' },
    });
    const yearOnly = await record({ kind: 'AQUACULTURE', startDate: null, startYear: 2023 });
    expect(yearOnly.data.recordHighTechModel.model).toMatchObject({ kind: 'AQUACULTURE', startYear: 2023, startDate: null });
    const after = await counts();
    expect(after.city.livelihoodFigures.highTechModels.count).toBe(before.city.livelihoodFigures.highTechModels.count + 2);
  });
});

describe('access: the audit trail and small counts', () => {
  const TRAIL = `query($filter: AuditTrailFilter) { livelihoodsAuditTrail(filter: $filter, first: 5) { totalCount
    edges { node { id subject roles action operation fields householdIds } } } }`;

  // Writes (and personal reads, asked for by name): refused attempts are audited too, as REFUSED.
  async function trail(filter: Record<string, unknown> = { action: 'WRITE' }) {
    const r = await stack.query(TRAIL, { filter });
    expect(r.errors).toBeUndefined();
    return r.data.livelihoodsAuditTrail as { totalCount: number; edges: Array<{ node: any }> };
  }

  // Eligible for a start in 2024: poor or near-poor in the 2023 review.
  const household = householdWith(2023, ['poor', 'near_poor']);
  const auditProject = {
    code: 'AUDIT_TEST',
    name: 'Audit test project',
    budget: '100000000',
    fundingSource: 'city budget',
    startDate: '2024-01-01',
    endDate: '2024-12-31',
  };

  it('records an accepted enrolment once, in the transaction of its write, naming the household', async () => {
    const writer = await stack.token({ sub: 'audit-livelihoods-writer', roles: ['livelihoods-writer'] });
    const created = await stack.query(CREATE_PROJECT, { input: auditProject }, undefined, writer);
    expect(created.errors).toBeUndefined();
    const before = await trail();
    const r = await stack.query(
      `mutation EnrolForAudit($input: EnrolLivelihoodParticipantInput!) { enrolLivelihoodParticipant(input: $input) { participation { id } } }`,
      {
        input: {
          householdId: String(household),
          projectCode: 'AUDIT_TEST',
          activity: 'TRADE_AND_SERVICES',
          cashSupport: '3000000',
          startDate: '2024-04-01',
          inKindSupport: [{ item: 'sugarcane press', value: '9000000' }],
        },
      },
      undefined,
      writer,
    );
    expect(r.errors).toBeUndefined();
    const participantId = Number(r.data.enrolLivelihoodParticipant.participation.id);

    const after = await trail();
    expect(after.totalCount).toBe(before.totalCount + 1);
    const mine = await trail({ householdId: String(household), subject: 'audit-livelihoods-writer' });
    expect(mine.totalCount).toBe(1);
    const event = mine.edges[0]!.node;
    expect(event).toMatchObject({
      subject: 'audit-livelihoods-writer',
      roles: ['livelihoods-writer'],
      action: 'WRITE',
      operation: 'EnrolForAudit',
      fields: ['enrolLivelihoodParticipant'],
      householdIds: [String(household)],
    });
    // One transaction: now() is the transaction's start, so the event and the participant it
    // wrote carry the very same timestamp (two transactions could not).
    const db = stack.databases.kysely<any>('livelihoods');
    const same = await sql<{ same: boolean }>`SELECT a.occurred_at = p.created_at AS same
      FROM audit_event a, livelihood_participant p WHERE a.id = ${Number(event.id)} AND p.id = ${participantId}`.execute(db);
    expect(same.rows).toEqual([{ same: true }]);

    // Writes that touch no household are recorded too, naming none.
    const project = await trail({ subject: 'audit-livelihoods-writer', action: 'WRITE' });
    expect(project.edges.map((e) => e.node.fields)).toEqual([['enrolLivelihoodParticipant'], ['createLivelihoodProject']]);
    expect(project.edges[1]!.node.householdIds).toEqual([]);
  });

  it('leaves no write in the audit trail for a refused mutation, whether refused by access or by its input', async () => {
    const before = await trail();
    const figures = await counts();
    const input = {
      householdId: String(household),
      projectCode: 'AUDIT_TEST',
      activity: 'AGRICULTURAL_PRODUCTION',
      cashSupport: '1000000',
      startDate: '2024-05-01',
    };
    const caseworker = await stack.token({ roles: ['caseworker'], communes: [population.find((h) => h.id === household)!.communeCode] });
    expect(onlyError(await stack.query(ENROL, { input: { ...input, projectCode: DEMO_PROJECT_CODE } }, undefined, caseworker)).extensions?.code).toBe(
      'FORBIDDEN',
    );
    const otherWriter = await stack.token({ roles: ['housing-writer'] });
    expect(
      onlyError(await stack.query(CREATE_PROJECT, { input: { ...auditProject, code: 'AUDIT_OTHER' } }, stack.subgraphUrls.livelihoods, otherWriter)).extensions
        ?.code,
    ).toBe('FORBIDDEN');
    expect(
      onlyError(
        await stack.query(
          RECORD_MODEL,
          {
            input: {
              communeCode: '00070',
              name: 'x',
              kind: 'CROPS',
              technology: 'x',
              areaHectares: 1,
              householdsInvolved: 1,
              startYear: 2024,
            },
          },
          undefined,
          null,
        ),
      ).extensions?.code,
    ).toBe('UNAUTHENTICATED');
    // Refused inside the transaction (the household already takes part in the project): the
    // audit record rolls back with the rest.
    expectRefused(await stack.query(ENROL, { input }), 'householdId');
    // Refused inside the transaction by the budget check, after the project row was locked.
    expectRefused(
      await stack.query(ENROL, { input: { ...input, householdId: String(householdWith(2023, ['poor', 'near_poor'], [household])), cashSupport: '100000000' } }),
      'cashSupport',
    );
    expect((await trail()).totalCount).toBe(before.totalCount);
    expect(await counts()).toEqual(figures);
  });

  it('shows the audit trail to administrators only', async () => {
    const writer = await stack.token({ roles: ['livelihoods-writer'] });
    expect(onlyError(await stack.query(TRAIL, {}, undefined, writer)).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await stack.query(TRAIL, {}, stack.subgraphUrls.livelihoods, null)).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('withholds a commune’s small counts from the public, saying so in extensions.withheld', async () => {
    const perCommune = new Map<string, number>();
    for (const p of plan.participants) perCommune.set(p.communeCode, (perCommune.get(p.communeCode) ?? 0) + 1);
    const [code, n] = [...perCommune].find(([, count]) => count >= 1 && count <= 4)!;
    const q = `query($code: ID!) { commune(code: $code) { livelihoodFigures(from: "2021-01-01", to: "2025-12-31") { participations supportValue } } }`;
    const exact = await stack.query(q, { code }, undefined, await stack.token({ roles: ['analyst'] }));
    expect(exact.data.commune.livelihoodFigures.participations).toBe(n);
    const r = (await stack.query(q, { code }, undefined, null)) as GraphQLResponse & { extensions?: any };
    expect(r.errors).toBeUndefined();
    // Money beside a withheld count would give it away (an amount over a unit amount).
    expect(r.data.commune.livelihoodFigures).toEqual({ participations: null, supportValue: null });
    expect(r.extensions?.withheld).toContainEqual(expect.objectContaining({ coordinate: 'LivelihoodFigures.participations' }));
    const direct = (await stack.query(
      `query($code: ID!) { _entities(representations: [{ __typename: "Commune", code: $code }]) { ... on Commune {
        livelihoodFigures(from: "2021-01-01", to: "2025-12-31") { participations } } } }`,
      { code },
      stack.subgraphUrls.livelihoods,
      null,
    )) as GraphQLResponse & { extensions?: any };
    expect(direct.data._entities[0].livelihoodFigures.participations).toBeNull();
    expect(direct.extensions?.withheld).toContainEqual(expect.objectContaining({ path: ['_entities', 0, 'livelihoodFigures', 'participations'] }));
  });
});

describe('N+1 guards (livelihoods)', () => {
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
    return { statements: stack.databases.statements.get('livelihoods'), data: r.data };
  }

  it('livelihood figures for all 126 communes cost the same statements as for 2', async () => {
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code
      livelihoodFigures(from: "2022-01-01", to: "2025-12-31") { householdsSupported supportValue byActivity { participations }
        highTechModels { count byKind { count } } }
      older: livelihoodFigures(from: "2023-01-01", to: "2023-12-31") { participations }
      livelihoodHighTechModels { id kind }
    } city { livelihoodFigures(from: "2022-01-01", to: "2025-12-31") { participations } } }`;
    const small = await statementsFor(q, { codes: [codeOf('Mê Linh'), '00070'] });
    const large = await statementsFor(q, { codes: null });
    expect(large.data.communes).toHaveLength(126);
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: livelihood figures of 126 communes (2 periods) and the city = ${large.statements} SQL statements`);
  });

  it('_entities for 500 households with livelihoodSupport costs the same as for 5', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household {
      id livelihoodSupport { id activity supportValue inKindSupport { item value } commune { code }
        project { code budget totals { households remainingBudget } } }
    } } }`;
    const reps = (ids: number[]) => ids.map((id) => ({ __typename: 'Household', id: String(id) }));
    const small = await statementsFor(q, { r: reps(plan.participants.slice(0, 5).map((p) => p.householdId)) }, stack.subgraphUrls.livelihoods);
    const large = await statementsFor(q, { r: reps(Array.from({ length: 500 }, (_, i) => i + 1)) }, stack.subgraphUrls.livelihoods);
    expect(large.data._entities).toHaveLength(500);
    const supported = large.data._entities.filter((e: any) => e.livelihoodSupport.length > 0).length;
    expect(supported).toBeGreaterThanOrEqual(plan.participants.length);
    expect(small.data._entities.every((e: any) => e.livelihoodSupport.length > 0)).toBe(true);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: _entities for 500 households with livelihoodSupport = ${large.statements} SQL statements`);
  });
});
