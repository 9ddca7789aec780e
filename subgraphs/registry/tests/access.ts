import { expect } from 'vitest';
import type { AccessCase, CaseContext, Outcome, Role } from '../../../tests/access/types.js';
import { adminOnly, departmentWrite, everyone } from '../../../tests/access/outcomes.js';

// The registry's cells of the access matrix (tests/access.test.ts plays them).

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

/** Personal fields: caseworkers in the commune, the registry's own staff and administrators. */
const personal: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'FORBIDDEN',
  caseworker: 'allowed',
  caseworkerElsewhere: 'hidden',
  ownWriter: 'allowed',
  otherWriter: 'FORBIDDEN',
  administrator: 'allowed',
};

const householdVars = ({ fx }: CaseContext) => ({ id: fx.household.id });
const entityVars = ({ fx }: CaseContext) => ({ reps: [{ __typename: 'Household', id: fx.household.id }] });

let registered = 0;

export const cases: AccessCase[] = [
  {
    name: 'commune and city aggregates',
    subgraph: 'registry',
    query: `{ city { povertyFigures(year: 2024) { poor nearPoor } } communes { code povertyFigures(year: 2024) { poor nearPoor poorRatePercent } } }`,
    expect: everyone('allowed'),
    check: (data) => expect(data.communes).toHaveLength(126),
  },
  {
    name: 'a household without personal fields',
    subgraph: 'registry',
    query: `query($id: ID!) { household(id: $id) { id commune { code } members { id birthYear sex relation } reviews { year classification } } }`,
    variables: householdVars,
    expect: deIdentified,
    check: (data, { fx }) => expect(data.household).toMatchObject({ id: fx.household.id, commune: { code: fx.household.communeCode } }),
  },
  {
    name: 'a household with its address and members’ names and ID numbers',
    subgraph: 'registry',
    query: `query($id: ID!) { household(id: $id) { id address members { fullName nationalId } } }`,
    variables: householdVars,
    expect: personal,
    check: (data) => expect(data.household.address).toEqual(expect.any(String)),
  },
  {
    name: 'a personal field under an alias',
    subgraph: 'registry',
    query: `query($id: ID!) { household(id: $id) { id where: address } }`,
    variables: householdVars,
    expect: personal,
  },
  {
    name: 'personal fields through nested fragments',
    subgraph: 'registry',
    query: `query($id: ID!) { household(id: $id) { ...H } }
      fragment H on Household { id members { ...M } }
      fragment M on HouseholdMember { id name: fullName }`,
    variables: householdVars,
    expect: personal,
  },
  {
    name: 'the household list (caseworkers see their communes only)',
    subgraph: 'registry',
    query: `{ households(first: 100) { totalCount edges { node { id commune { code } } } } }`,
    expect: { ...deIdentified, caseworkerElsewhere: 'empty' },
    check: (data, { fx, role }) => {
      const nodes = data.households.edges.map((e: any) => e.node);
      expect(nodes.length).toBeGreaterThan(0);
      if (role === 'caseworker') expect(nodes.every((n: any) => n.commune.code === fx.household.communeCode)).toBe(true);
      if (role === 'caseworkerElsewhere') {
        expect(nodes.every((n: any) => n.commune.code === fx.otherCommune)).toBe(true);
        expect(nodes.some((n: any) => n.id === fx.household.id)).toBe(false);
      }
    },
  },
  {
    name: 'a commune’s households as a nested list',
    subgraph: 'registry',
    query: `query($code: ID!) { commune(code: $code) { code households(first: 50) { totalCount edges { node { id } } } } }`,
    variables: ({ fx }) => ({ code: fx.household.communeCode }),
    expect: { ...deIdentified, caseworkerElsewhere: 'empty' },
    check: (data, { fx, role }) => {
      const ids = data.commune.households.edges.map((e: any) => e.node.id);
      if (role === 'caseworkerElsewhere') expect(ids).toEqual([]);
      else expect(ids.length).toBeGreaterThan(0);
      if (role !== 'caseworkerElsewhere') expect(fx.household.id).toBeTruthy();
    },
  },
  {
    name: '_entities: a household without personal fields',
    subgraph: 'registry',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id commune { code } } } }`,
    variables: entityVars,
    expect: { ...deIdentified, caseworkerElsewhere: 'empty' },
    check: (data, { fx, role }) => {
      if (role === 'caseworkerElsewhere') expect(data._entities).toEqual([null]);
      else expect(data._entities[0]).toMatchObject({ id: fx.household.id });
    },
  },
  {
    name: '_entities: a household’s address and a member’s name',
    subgraph: 'registry',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id address members { fullName } } } }`,
    variables: entityVars,
    expect: { ...personal, caseworkerElsewhere: 'empty' },
    check: (data, { role }) => {
      if (role === 'caseworkerElsewhere') expect(data._entities).toEqual([null]);
      else expect(data._entities[0].address).toEqual(expect.any(String));
    },
  },
  {
    name: '_entities: a member’s name by the member’s key',
    subgraph: 'registry',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on HouseholdMember { id fullName } } }`,
    variables: ({ fx }) => ({ reps: [{ __typename: 'HouseholdMember', id: fx.household.memberIds[0] }] }),
    expect: { ...personal, caseworkerElsewhere: 'empty' },
    check: (data, { role }) => {
      if (role === 'caseworkerElsewhere') expect(data._entities).toEqual([null]);
      else expect(data._entities[0].fullName).toEqual(expect.any(String));
    },
  },
  {
    name: 'registerHousehold',
    subgraph: 'registry',
    query: `mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { household { id } } }`,
    variables: ({ fx }) => ({
      input: {
        communeCode: fx.household.communeCode,
        address: `Matrix ${++registered}`,
        members: [{ fullName: 'Nguyễn Văn Matrix', birthYear: 1975, sex: 'MALE', relation: 'HEAD' }],
      },
    }),
    expect: departmentWrite,
    unchangedProbe: { query: `{ households(first: 1) { totalCount } registryAuditTrail(first: 1, filter: { action: WRITE }) { totalCount } }` },
  },
  {
    name: 'recordPovertyReview',
    subgraph: 'registry',
    query: `mutation($input: RecordPovertyReviewInput!) { recordPovertyReview(input: $input) { review { id } } }`,
    variables: ({ fx }) => ({
      input: {
        householdId: fx.household.id,
        year: 2025,
        kind: 'REGULAR',
        reviewDate: '2025-12-01',
        incomePerPersonMonthly: '1500000',
        indicators: INDICATORS.map((code) => ({ code, deprived: code === 'employment' })),
      },
    }),
    expect: departmentWrite,
    unchangedProbe: {
      query: `query($id: ID!) { household(id: $id) { reviews { id } } registryAuditTrail(first: 1, filter: { action: WRITE }) { totalCount } }`,
      variables: (fx) => ({ id: fx.household.id }),
    },
  },
  {
    name: 'a commune’s consistency findings (null for a caseworker of another commune, as a missing record)',
    subgraph: 'registry',
    query: `query($code: ID!) { commune(code: $code) { code consistency(year: 2024) { totalCount byRule { count }
      findings(first: 5) { edges { node { rule { code } departments household { id } records { department kind id } } } } } } }`,
    variables: ({ fx }) => ({ code: fx.household.communeCode }),
    expect: { ...deIdentified, caseworkerElsewhere: 'empty' },
    check: (data, { role }) => {
      if (role === 'caseworkerElsewhere') expect(data.commune.consistency).toBeNull();
      else expect(data.commune.consistency.totalCount).toEqual(expect.any(Number));
    },
  },
  {
    name: 'the city’s consistency counts (over the caller’s communes)',
    subgraph: 'registry',
    query: `{ city { consistency(year: 2024) { totalCount byRule { rule { code } count } } } }`,
    expect: { ...deIdentified, caseworkerElsewhere: 'allowed' },
    check: (data) => expect(data.city.consistency.byRule).toHaveLength(5),
  },
  {
    name: 'the registry’s audit trail',
    subgraph: 'registry',
    query: `{ registryAuditTrail(first: 5) { totalCount edges { node { subject action fields householdIds } } } }`,
    expect: adminOnly,
  },
];
