import { expect } from 'vitest';
import type { AccessCase, CaseContext, Outcome, Role } from '../../../tests/access/types.js';
import { adminOnly, departmentWrite, everyone, memo } from '../../../tests/access/outcomes.js';

// The livelihoods subgraph's cells of the access matrix (tests/access.test.ts plays them).
//
// Through the gateway a household is reached by the registry's `household(id)`, which refuses a
// caseworker from another commune (FORBIDDEN); asked directly, the livelihoods subgraph answers
// `_entities` for that household with its participations left out (an empty list). Hence the
// gateway and direct cells of a household-level read are separate cases below.
//
// The livelihoods subgraph has no personal field (participations name no person; a model's name
// is a farm's), so there is no alias or fragment case for one here.

/** A household-level read: every role with records:read. */
const records: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'allowed',
  caseworker: 'allowed',
  caseworkerElsewhere: 'hidden',
  ownWriter: 'allowed',
  otherWriter: 'allowed',
  administrator: 'allowed',
};

const PARTICIPATION = `id activity cashSupport inKindValue supportValue startDate commune { code } project { code }
  inKindSupport { item quantity value }`;

/** The fixture household's participations, checked against the caller's communes. */
function checkParticipations(participations: any[], { fx, role }: CaseContext): void {
  if (role === 'caseworkerElsewhere') {
    expect(participations, 'participations outside the caseworker’s communes are left out').toEqual([]);
    return;
  }
  // The fixture household takes part in a project (the runner picks it so).
  expect(participations.length).toBeGreaterThan(0);
  if (role === 'caseworker') expect(participations.every((p) => p.commune.code === fx.household.communeCode)).toBe(true);
}

const FIGURES = `{ from to householdsSupported participations cashSupport inKindSupport supportValue
  byActivity { activity participations households supportValue }
  highTechModels { count areaHectares householdsInvolved byKind { kind count areaHectares householdsInvolved } } }`;

/**
 * Counts of households and participations are withheld from the public when 1 to 4; money is
 * rounded for the public and withheld beside a withheld count; model counts never.
 */
function checkFigures(f: any, role: Role): void {
  const counts = [
    f.householdsSupported,
    f.participations,
    ...f.byActivity.flatMap((a: any) => [a.participations, a.households]),
    f.highTechModels.householdsInvolved,
    ...f.highTechModels.byKind.map((k: any) => k.householdsInvolved),
  ];
  if (role === 'public') {
    for (const n of counts) expect(n === null || n === 0 || n > 4, `public sees ${String(n)}`).toBe(true);
  } else {
    for (const n of counts) expect(n).toEqual(expect.any(Number));
  }
  expect(f.supportValue).toEqual(role === 'public' ? expect.toSatisfy((m: unknown) => m === null || typeof m === 'string') : expect.any(String));
  expect(f.highTechModels.count).toEqual(expect.any(Number));
  for (const k of f.highTechModels.byKind) expect(k.count).toEqual(expect.any(Number));
}

function checkHouseholdCount(n: unknown, role: Role): void {
  if (role === 'public') expect(n === null || n === 0 || (typeof n === 'number' && n > 4), `public sees ${String(n)}`).toBe(true);
  else expect(n).toEqual(expect.any(Number));
}

/** Ids found once per run through the administrator, shared by the cells that need them. */
const once = memo();

/** A household on the poor or near-poor list in force during 2024 (its 2023 review), so it may take part then. */
function eligibleHousehold({ admin }: CaseContext): Promise<string> {
  return once('eligible', async () => {
    const data = await admin(`{
      poor: households(filter: { classification: POOR, year: 2023 }, first: 1) { edges { node { id } } }
      nearPoor: households(filter: { classification: NEAR_POOR, year: 2023 }, first: 1) { edges { node { id } } } }`);
    const id = data.poor.edges[0]?.node.id ?? data.nearPoor.edges[0]?.node.id;
    expect(id, 'a household poor or near-poor in 2023').toBeDefined();
    return id as string;
  });
}

/** Project codes unique to this run (a code is taken once). */
let projects = 0;
const runTag = Date.now().toString(36).toUpperCase();
const freshCode = () => `MATRIX_${runTag}_${++projects}`;

const CREATE = `mutation($input: CreateLivelihoodProjectInput!) { createLivelihoodProject(input: $input) { project { code budget totals { participations remainingBudget } } } }`;

/** What a denied write must leave alone: the projects, the figures of `day` and the audit trail. */
function probeDay(day: string): AccessCase['unchangedProbe'] {
  return {
    query: `query($day: Date!) { livelihoodProjects { code totals { participations supportValue } }
      city { livelihoodFigures(from: $day, to: $day) { participations supportValue highTechModels { count householdsInvolved } } }
      livelihoodsAuditTrail(first: 1, filter: { action: WRITE }) { totalCount } }`,
    variables: () => ({ day }),
  };
}

export const cases: AccessCase[] = [
  {
    name: 'livelihoodProjects and livelihoodProject(code), with their totals',
    subgraph: 'livelihoods',
    query: `{ livelihoodProjects { code name budget startDate endDate totals { participations households cashSupport inKindSupport supportValue remainingBudget } }
      one: livelihoodProject(code: "LIVELIHOOD_DIVERSIFICATION") { code totals { participations households } }
      none: livelihoodProject(code: "NO_SUCH_PROJECT") { code } }`,
    expect: everyone('allowed'),
    check: (data, { role }) => {
      expect(data.livelihoodProjects.length).toBeGreaterThan(0);
      for (const p of data.livelihoodProjects) {
        checkHouseholdCount(p.totals.participations, role);
        checkHouseholdCount(p.totals.households, role);
      }
      expect(data.one.code).toBe('LIVELIHOOD_DIVERSIFICATION');
      expect(data.none).toBeNull();
    },
  },
  {
    name: 'commune and city livelihood figures, and a commune’s high-tech models',
    subgraph: 'livelihoods',
    query: `query($code: ID!) { commune(code: $code) { code livelihoodFigures(from: "2021-01-01", to: "2025-12-31") ${FIGURES}
        livelihoodHighTechModels { id name kind technology areaHectares householdsInvolved startYear startDate commune { code } } }
      city { livelihoodFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} } }`,
    directQuery: `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Commune { code livelihoodFigures(from: "2021-01-01", to: "2025-12-31") ${FIGURES}
        livelihoodHighTechModels { id name kind technology areaHectares householdsInvolved startYear startDate commune { code } } }
      ... on City { code livelihoodFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} } } }`,
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
      checkFigures(commune.livelihoodFigures, role);
      checkFigures(city.livelihoodFigures, role);
      for (const m of commune.livelihoodHighTechModels) checkHouseholdCount(m.householdsInvolved, role);
    },
  },
  {
    name: 'a household’s livelihood support through household(id)',
    subgraph: 'livelihoods',
    via: 'gateway',
    query: `query($id: ID!) { household(id: $id) { id livelihoodSupport { ${PARTICIPATION} household { id } } } }`,
    variables: ({ fx }) => ({ id: fx.household.id }),
    expect: records,
    check: (data, ctx) => checkParticipations(data.household.livelihoodSupport, ctx),
  },
  {
    name: '_entities: a household’s livelihood support',
    subgraph: 'livelihoods',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id livelihoodSupport { ${PARTICIPATION} } } } }`,
    variables: ({ fx }) => ({ reps: [{ __typename: 'Household', id: fx.household.id }] }),
    // The livelihoods subgraph knows no household's commune, only its participations' communes:
    // the household answers, with the participations outside the caller's communes left out.
    expect: { ...records, caseworkerElsewhere: 'empty' },
    check: (data, ctx) => {
      expect(data._entities[0].id).toBe(ctx.fx.household.id);
      checkParticipations(data._entities[0].livelihoodSupport, ctx);
    },
  },
  {
    name: 'createLivelihoodProject',
    subgraph: 'livelihoods',
    query: CREATE,
    variables: () => ({
      input: { code: freshCode(), name: 'Matrix project', budget: '1000000000', fundingSource: 'city budget', startDate: '2024-01-01', endDate: '2024-12-31' },
    }),
    expect: departmentWrite,
    check: (data) => expect(data.createLivelihoodProject.project.totals.remainingBudget).toBe('1000000000'),
    unchangedProbe: probeDay('2024-12-20'),
  },
  {
    name: 'enrolLivelihoodParticipant',
    subgraph: 'livelihoods',
    query: `mutation($input: EnrolLivelihoodParticipantInput!) { enrolLivelihoodParticipant(input: $input) { participation {
      id household { id } activity supportValue inKindSupport { item value } project { code } } } }`,
    // A project of its own for each cell (a household takes part in a project once), created by
    // the administrator before the cell; the enrolment starts on a day no other case writes to.
    variables: async (ctx) => {
      const code = freshCode();
      await ctx.admin(CREATE, {
        input: { code, name: 'Matrix enrolment project', budget: '1000000000', fundingSource: 'city budget', startDate: '2024-01-01', endDate: '2024-12-31' },
      });
      return {
        input: {
          householdId: await eligibleHousehold(ctx),
          projectCode: code,
          activity: 'SMALL_SCALE_HANDICRAFT',
          cashSupport: '1000000',
          inKindSupport: [{ item: 'sewing machine', value: '6000000' }],
          startDate: '2024-12-21',
        },
      };
    },
    expect: departmentWrite,
    check: (data) => expect(data.enrolLivelihoodParticipant.participation.supportValue).toBe('7000000'),
    unchangedProbe: probeDay('2024-12-21'),
  },
  {
    name: 'recordHighTechModel',
    subgraph: 'livelihoods',
    query: `mutation($input: RecordHighTechModelInput!) { recordHighTechModel(input: $input) { model { id name kind householdsInvolved commune { code } } } }`,
    variables: ({ fx }) => ({
      input: {
        communeCode: fx.household.communeCode,
        name: 'Matrix greenhouse',
        kind: 'CROPS',
        technology: 'net house',
        areaHectares: 1.5,
        householdsInvolved: 12,
        startDate: '2024-12-22',
      },
    }),
    expect: departmentWrite,
    check: (data) => expect(data.recordHighTechModel.model).toMatchObject({ kind: 'CROPS', householdsInvolved: 12 }),
    unchangedProbe: probeDay('2024-12-22'),
  },
  {
    name: 'the livelihoods audit trail',
    subgraph: 'livelihoods',
    query: `{ livelihoodsAuditTrail(first: 5) { totalCount pageInfo { hasNextPage } edges { cursor node { id occurredAt subject roles action operation fields householdIds } } } }`,
    expect: adminOnly,
    check: (data) => expect(data.livelihoodsAuditTrail.totalCount).toEqual(expect.any(Number)),
  },
];
