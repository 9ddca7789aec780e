import { expect } from 'vitest';
import type { AccessCase, CaseContext, Outcome, Role } from '../../../tests/access/types.js';
import { adminOnly, departmentWrite, everyone, memo } from '../../../tests/access/outcomes.js';

// The employment subgraph's cells of the access matrix (tests/access.test.ts plays them).
//
// Through the gateway a household is reached by the registry's `household(id)`, which refuses
// a caseworker from another commune (FORBIDDEN); asked directly, the employment subgraph
// answers `_entities` for that household with its records left out (empty lists). Hence the
// gateway and direct cells of a household-level read are separate cases below.

/** A household-level read without personal fields: every role with records:read. */
const deIdentified: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'allowed',
  caseworker: 'allowed',
  caseworkerElsewhere: 'hidden',
  ownWriter: 'allowed',
  otherWriter: 'allowed',
  administrator: 'allowed',
};

/**
 * A personal field (a training certificate's number): roles with personal:read. The employment
 * writer lacks it; the other writer of the matrix (registry-writer) has it.
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

const householdVars = ({ fx }: CaseContext) => ({ id: fx.household.id });
const entityVars = ({ fx }: CaseContext) => ({ reps: [{ __typename: 'Household', id: fx.household.id }] });

const RECORDS = `placements { id employer channel contract placedOn monthlyWage fromPoorOrNearPoorHousehold commune { code } }
  trainingEnrolments { id course level startedOn completedOn certified fromPoorOrNearPoorHousehold commune { code } }`;

/** The records of an `employment` answer, checked against the caller's communes. */
function checkRecords(employment: any, { fx, role }: CaseContext): void {
  const records = [...employment.placements, ...employment.trainingEnrolments];
  if (role === 'caseworkerElsewhere') {
    expect(records, 'records outside the caseworker’s communes are left out').toEqual([]);
    return;
  }
  // The fixture household has employment records (the runner picks it so).
  expect(records.length).toBeGreaterThan(0);
  if (role === 'caseworker') expect(records.every((r: any) => r.commune.code === fx.household.communeCode)).toBe(true);
}

/** Count fields of the figures selection below (not the year, nor the number of fairs or employers). */
const COUNT_KEYS = [
  'placements',
  'workersPlaced',
  'overseasPlacements',
  'domesticPlacements',
  'placementsFromPoorOrNearPoorHouseholds',
  'jobFairHires',
  'trainingEnrolments',
  'trainingCompletions',
];
const FIGURES = `{ year placements workersPlaced overseasPlacements domesticPlacements placementsFromPoorOrNearPoorHouseholds
  jobFairs jobFairEmployers jobFairHires trainingEnrolments trainingCompletions
  placementsByChannel { channel placements } trainingEnrolmentsByLevel { level enrolments } }`;

/** Small counts are withheld from the public only, and the overseas/domestic split goes with either half. */
function checkFigures(figures: any, role: Role): void {
  const counts = [
    ...COUNT_KEYS.map((k) => figures[k]),
    ...figures.placementsByChannel.map((c: any) => c.placements),
    ...figures.trainingEnrolmentsByLevel.map((l: any) => l.enrolments),
  ];
  if (role === 'public') {
    for (const n of counts) expect(n === null || n === 0 || n > 4, `public sees ${n}`).toBe(true);
    expect(figures.overseasPlacements === null, 'overseas and domestic are withheld together').toBe(figures.domesticPlacements === null);
  } else {
    for (const n of counts) expect(n).toEqual(expect.any(Number));
  }
  expect(figures.jobFairs).toEqual(expect.any(Number));
}

/** Ids found once per run through the administrator, shared by the cells that need them. */
const once = memo();

/** A placement and an enrolment in the fixture household's commune (its own when it has them). */
function recordsInCommune({ fx, admin }: CaseContext): Promise<{ placementId: string; enrolmentId: string }> {
  return once('records', async () => {
    const own = await admin(`query($id: ID!) { household(id: $id) { employment { placements { id } trainingEnrolments { id } } } }`, { id: fx.household.id });
    let placementId: string | undefined = own.household.employment.placements[0]?.id;
    let enrolmentId: string | undefined = own.household.employment.trainingEnrolments[0]?.id;
    if (!placementId || !enrolmentId) {
      const near = await admin(
        `query($code: ID!) { commune(code: $code) { households(first: 100) { edges { node { employment { placements { id } trainingEnrolments { id } } } } } } }`,
        { code: fx.household.communeCode },
      );
      const nodes = near.commune.households.edges.map((e: any) => e.node.employment);
      placementId ??= nodes.flatMap((n: any) => n.placements)[0]?.id;
      enrolmentId ??= nodes.flatMap((n: any) => n.trainingEnrolments)[0]?.id;
    }
    expect(placementId, `a placement in commune ${fx.household.communeCode}`).toBeDefined();
    expect(enrolmentId, `an enrolment in commune ${fx.household.communeCode}`).toBeDefined();
    return { placementId: placementId!, enrolmentId: enrolmentId! };
  });
}

/** A job fair with a placement from the fixture household's commune (or, failing that, any placement). */
function fairWithPlacements({ fx, admin }: CaseContext): Promise<{ id: string; fromFixtureCommune: boolean }> {
  return once('fair', async () => {
    let fallback: string | undefined;
    for (const year of [2023, 2024, 2025]) {
      const data = await admin(`query($year: Int!) { jobFairs(year: $year) { id placements { commune { code } } } }`, { year });
      for (const fair of data.jobFairs) {
        if (fair.placements.some((p: any) => p.commune.code === fx.household.communeCode)) return { id: fair.id, fromFixtureCommune: true };
        if (fair.placements.length) fallback ??= fair.id;
      }
    }
    expect(fallback, 'a job fair with placements').toBeDefined();
    return { id: fallback!, fromFixtureCommune: false };
  });
}

let written = 0;

/** What a denied write must leave as it was: the employment audit trail, and `extra`. */
const auditCount = `employmentAuditTrail(first: 1, filter: { action: WRITE }) { totalCount }`;

export const cases: AccessCase[] = [
  // ---- aggregates: public ----
  {
    name: 'employment figures of every commune and of the city (small counts withheld from the public)',
    subgraph: 'employment',
    query: `{ city { employmentFigures(year: 2024) ${FIGURES} labourStatistics(year: 2024) { year urbanUnemploymentRatePercent source } }
      communes { code employmentFigures(year: 2024) ${FIGURES} } }`,
    directQuery: `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on City { employmentFigures(year: 2024) ${FIGURES} labourStatistics(year: 2024) { year urbanUnemploymentRatePercent source } }
      ... on Commune { code employmentFigures(year: 2024) ${FIGURES} } } }`,
    variables: ({ via, fx }) =>
      via === 'direct'
        ? {
            reps: [
              { __typename: 'City', code: '01' },
              { __typename: 'Commune', code: fx.household.communeCode },
              { __typename: 'Commune', code: fx.otherCommune },
            ],
          }
        : {},
    expect: everyone('allowed'),
    check: (data, { via, role }) => {
      const city = via === 'gateway' ? data.city : data._entities[0];
      const communes = via === 'gateway' ? data.communes : data._entities.slice(1);
      if (via === 'gateway') expect(communes).toHaveLength(126);
      expect(city.labourStatistics).toMatchObject({ year: 2024 });
      checkFigures(city.employmentFigures, role);
      for (const c of communes) checkFigures(c.employmentFigures, role);
    },
  },
  {
    name: 'labour statistics',
    subgraph: 'employment',
    query: `{ labourStatistics(year: 2024) { year urbanUnemploymentRatePercent trainedWorkerSharePercent basis source recordedAt } }`,
    expect: everyone('allowed'),
    check: (data) => expect(data.labourStatistics).toMatchObject({ year: 2024, basis: 'REPORTED' }),
  },
  {
    name: 'job fairs of a year, and of a commune',
    subgraph: 'employment',
    query: `query($code: ID!) { jobFairs(year: 2024) { id commune { code } heldOn name employers participants hires hiresAbroad }
      inCommune: jobFairs(year: 2024, communeCode: $code) { id } }`,
    variables: ({ fx }) => ({ code: fx.household.communeCode }),
    expect: everyone('allowed'),
    check: (data, { role }) => {
      expect(data.jobFairs.length).toBeGreaterThan(0);
      for (const f of data.jobFairs) {
        for (const n of [f.participants, f.hires, f.hiresAbroad]) {
          if (role === 'public') expect(n === null || n === 0 || n > 4, `public sees ${n}`).toBe(true);
          else expect(n).toEqual(expect.any(Number));
        }
      }
    },
  },
  {
    name: 'a job fair by id, without its placements',
    subgraph: 'employment',
    query: `query($id: ID!) { jobFair(id: $id) { id heldOn employers commune { code } } }`,
    variables: async (ctx) => ({ id: (await fairWithPlacements(ctx)).id }),
    expect: everyone('allowed'),
    check: (data) => expect(data.jobFair).toMatchObject({ id: expect.any(String) }),
  },

  // ---- household-level records ----
  {
    name: 'a job fair’s placements (caseworkers see their communes’ only)',
    subgraph: 'employment',
    query: `query($id: ID!) { jobFair(id: $id) { id placements { id employer household { id } commune { code } } } }`,
    variables: async (ctx) => ({ id: (await fairWithPlacements(ctx)).id }),
    expect: { ...deIdentified, caseworkerElsewhere: 'empty' },
    check: (data, { fx, role }) => {
      const codes = data.jobFair.placements.map((p: any) => p.commune.code);
      if (role === 'caseworker') expect(codes.every((c: string) => c === fx.household.communeCode)).toBe(true);
      if (role === 'caseworkerElsewhere') {
        expect(codes.every((c: string) => c === fx.otherCommune)).toBe(true);
        expect(codes).not.toContain(fx.household.communeCode);
      }
      if (role !== 'caseworker' && role !== 'caseworkerElsewhere') expect(codes.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'a household’s employment records',
    subgraph: 'employment',
    via: 'gateway',
    query: `query($id: ID!) { household(id: $id) { id employment { ${RECORDS} } } }`,
    variables: householdVars,
    expect: deIdentified,
    check: (data, ctx) => checkRecords(data.household.employment, ctx),
  },
  {
    name: '_entities: a household’s employment records (left out for another commune’s caseworker)',
    subgraph: 'employment',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id employment { ${RECORDS} } } } }`,
    variables: entityVars,
    expect: { ...deIdentified, caseworkerElsewhere: 'empty' },
    check: (data, ctx) => {
      expect(data._entities[0]).toMatchObject({ id: ctx.fx.household.id });
      checkRecords(data._entities[0].employment, ctx);
    },
  },
  {
    name: 'a job placement by id',
    subgraph: 'employment',
    query: `query($id: ID!) { jobPlacement(id: $id) { id employer sector channel contract placedOn monthlyWage worker { id } household { id } commune { code } } }`,
    variables: async (ctx) => ({ id: (await recordsInCommune(ctx)).placementId }),
    expect: deIdentified,
    check: (data, { fx }) => expect(data.jobPlacement).toMatchObject({ commune: { code: fx.household.communeCode } }),
  },
  {
    name: 'a training enrolment by id, without personal fields',
    subgraph: 'employment',
    query: `query($id: ID!) { trainingEnrolment(id: $id) { id course level startedOn completedOn certified person { id } household { id } commune { code } } }`,
    variables: async (ctx) => ({ id: (await recordsInCommune(ctx)).enrolmentId }),
    expect: deIdentified,
    check: (data, { fx }) => expect(data.trainingEnrolment).toMatchObject({ commune: { code: fx.household.communeCode } }),
  },

  // ---- personal fields: the certificate number ----
  {
    name: 'a certificate number under an alias',
    subgraph: 'employment',
    via: 'gateway',
    query: `query($id: ID!) { household(id: $id) { id employment { trainingEnrolments { id number: certificate } } } }`,
    variables: householdVars,
    expect: personal,
    check: (data) => expect(Array.isArray(data.household.employment.trainingEnrolments)).toBe(true),
  },
  {
    name: '_entities: a certificate number under an alias (left out for another commune’s caseworker)',
    subgraph: 'employment',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id employment { trainingEnrolments { id number: certificate commune { code } } } } } }`,
    variables: entityVars,
    expect: { ...personal, caseworkerElsewhere: 'empty' },
    check: (data, { role }) => {
      if (role === 'caseworkerElsewhere') expect(data._entities[0].employment.trainingEnrolments).toEqual([]);
    },
  },
  {
    name: 'a certificate number through nested fragments',
    subgraph: 'employment',
    query: `query($id: ID!) { trainingEnrolment(id: $id) { ...E } }
      fragment E on TrainingEnrolment { id ...Award }
      fragment Award on TrainingEnrolment { certified certificate }`,
    variables: async (ctx) => ({ id: (await recordsInCommune(ctx)).enrolmentId }),
    expect: personal,
    check: (data) => expect(data.trainingEnrolment.certified).toBe(data.trainingEnrolment.certificate !== null),
  },

  // ---- writes ----
  {
    name: 'recordJobPlacement',
    subgraph: 'employment',
    query: `mutation($input: RecordJobPlacementInput!) { recordJobPlacement(input: $input) { placement { id household { id } commune { code } } } }`,
    variables: ({ fx }) => ({
      input: {
        workerId: fx.household.memberIds[0],
        householdId: fx.household.id,
        employer: `Matrix employer ${++written}`,
        sector: 'garments',
        channel: 'EMPLOYMENT_SERVICE_CENTRE',
        contract: 'DOMESTIC',
        placedOn: '2025-06-02',
        monthlyWage: '7000000',
      },
    }),
    expect: departmentWrite,
    check: (data, { fx }) => expect(data.recordJobPlacement.placement.household).toEqual({ id: fx.household.id }),
    unchangedProbe: {
      query: `query($id: ID!) { household(id: $id) { employment { placements { id } } } ${auditCount} }`,
      variables: (fx) => ({ id: fx.household.id }),
    },
  },
  {
    name: 'recordJobFair',
    subgraph: 'employment',
    query: `mutation($input: RecordJobFairInput!) { recordJobFair(input: $input) { jobFair { id name hires commune { code } } } }`,
    variables: ({ fx }) => ({
      input: {
        communeCode: fx.household.communeCode,
        heldOn: '2025-05-05',
        name: `Matrix fair ${++written}`,
        employers: 10,
        participants: 120,
        hires: 30,
        hiresAbroad: 5,
      },
    }),
    expect: departmentWrite,
    unchangedProbe: {
      query: `query($code: ID!) { commune(code: $code) { jobFairs(year: 2025) { id } } ${auditCount} }`,
      variables: (fx) => ({ code: fx.household.communeCode }),
    },
  },
  {
    name: 'enrolInTraining',
    subgraph: 'employment',
    query: `mutation($input: EnrolInTrainingInput!) { enrolInTraining(input: $input) { enrolment { id course household { id } } } }`,
    variables: ({ fx }) => ({
      input: { personId: fx.household.memberIds[0], course: `Matrix course ${++written}`, level: 'ELEMENTARY', startedOn: '2025-03-03' },
    }),
    expect: departmentWrite,
    check: (data, { fx }) => expect(data.enrolInTraining.enrolment.household).toEqual({ id: fx.household.id }),
    unchangedProbe: {
      query: `query($id: ID!) { household(id: $id) { employment { trainingEnrolments { id } } } ${auditCount} }`,
      variables: (fx) => ({ id: fx.household.id }),
    },
  },
  {
    name: 'completeTraining',
    subgraph: 'employment',
    // No certificate number in the answer: the employment writer may write it but not read it.
    query: `mutation($input: CompleteTrainingInput!) { completeTraining(input: $input) { enrolment { id completedOn certified } } }`,
    // A fresh open enrolment for every cell, made by the administrator before the probe is taken.
    variables: async ({ fx, admin }) => {
      const made = await admin(`mutation($input: EnrolInTrainingInput!) { enrolInTraining(input: $input) { enrolment { id } } }`, {
        input: { personId: fx.household.memberIds[0], course: `Matrix course ${++written}`, level: 'UNDER_3_MONTHS', startedOn: '2025-04-01' },
      });
      return { input: { enrolmentId: made.enrolInTraining.enrolment.id, completedOn: '2025-06-15', certificate: `MX-${written}` } };
    },
    expect: departmentWrite,
    check: (data) => expect(data.completeTraining.enrolment).toMatchObject({ completedOn: '2025-06-15', certified: true }),
    unchangedProbe: {
      query: `query($id: ID!) { household(id: $id) { employment { trainingEnrolments { id completedOn certified } } } ${auditCount} }`,
      variables: (fx) => ({ id: fx.household.id }),
    },
  },
  {
    name: 'recordLabourStatistics',
    subgraph: 'employment',
    query: `mutation($input: RecordLabourStatisticsInput!) { recordLabourStatistics(input: $input) { labourStatistics { year source } } }`,
    variables: () => ({
      input: { year: 2025, urbanUnemploymentRatePercent: 2.5, trainedWorkerSharePercent: 75, basis: 'ESTIMATE', source: `Matrix estimate ${++written}` },
    }),
    expect: departmentWrite,
    unchangedProbe: { query: `{ labourStatistics(year: 2025) { source recordedAt } ${auditCount} }` },
  },

  // ---- the audit trail ----
  {
    name: 'the employment audit trail',
    subgraph: 'employment',
    query: `{ employmentAuditTrail(first: 5) { totalCount edges { cursor node { id occurredAt subject roles action operation fields householdIds requestId } } } }`,
    expect: adminOnly,
    check: (data) => expect(data.employmentAuditTrail.totalCount).toEqual(expect.any(Number)),
  },
];
