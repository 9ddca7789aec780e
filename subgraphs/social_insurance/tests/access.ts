import { expect } from 'vitest';
import type { AccessCase, CaseContext, Outcome, Role } from '../../../tests/access/types.js';
import { adminOnly, departmentWrite, everyone, memo } from '../../../tests/access/outcomes.js';

// The social_insurance subgraph's cells of the access matrix (tests/access.test.ts plays them).
//
// Through the gateway a household is reached by the registry's `household(id)`, which refuses a
// caseworker from another commune (FORBIDDEN); asked directly, this subgraph answers `_entities`
// for that household with its records left out (empty lists): it knows no household's commune,
// only the commune each record was written in. Hence separate gateway and direct cases.
//
// The subgraph has no personal field of its own; the registry's (a member's name) are reached
// through its records, so two gateway cases check that path, by an alias and by fragments.

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

/**
 * The registry's personal fields reached through a record: personal:read is needed, which the
 * social_insurance writer lacks and the matrix's other writer (registry-writer) has.
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

const SUPPORT = `socialSupport {
  healthInsuranceCards { id year supportGroup budgetAmount member { id } commune { code } }
  voluntaryContributions { id months amount commune { code } }
  tuitionSupports { id schoolYear kind commune { code } }
  electricitySubsidies { id months amount commune { code } }
  socialAllowances { id category monthlyAmount commune { code } }
  emergencyReliefs { id eventKind totalValue commune { code } } }`;
const KINDS = ['healthInsuranceCards', 'voluntaryContributions', 'tuitionSupports', 'electricitySubsidies', 'socialAllowances', 'emergencyReliefs'];

/** The fixture household's records, checked against the caller's communes. */
function checkSupport(support: Record<string, any[]>, { fx, role }: CaseContext): void {
  if (role === 'caseworkerElsewhere') {
    for (const kind of KINDS) expect(support[kind], `${kind} outside the caseworker’s communes are left out`).toEqual([]);
    return;
  }
  // The fixture household has health-insurance cards (the runner picks it so).
  expect(support.healthInsuranceCards!.length).toBeGreaterThan(0);
  if (role === 'caseworker') {
    for (const kind of KINDS)
      expect(
        support[kind]!.every((r) => r.commune.code === fx.household.communeCode),
        kind,
      ).toBe(true);
  }
}

const FIGURES = `{ from to healthInsurance { people budget byGroup { group people budget } } voluntaryInsurance { people months amount }
  tuition { pupils amount } electricity { households amount } allowances { recipients amount } emergencyRelief { events households cash inKindValue } }`;

/** Counts of people, pupils, households and relief events are withheld from the public when 1 to 4; money and months never. */
function checkFigures(f: any, role: Role): void {
  const counts = [
    f.healthInsurance.people,
    ...f.healthInsurance.byGroup.map((g: any) => g.people),
    f.voluntaryInsurance.people,
    f.tuition.pupils,
    f.electricity.households,
    f.allowances.recipients,
    f.emergencyRelief.events,
    f.emergencyRelief.households,
  ];
  if (role === 'public') for (const n of counts) expect(n === null || n === 0 || n > 4, `public sees ${n}`).toBe(true);
  else for (const n of counts) expect(n).toEqual(expect.any(Number));
  expect(f.healthInsurance.budget).toEqual(expect.any(String));
  expect(f.voluntaryInsurance.months).toEqual(expect.any(Number));
}

/** Values found once per run through the administrator, shared by the cells that need them. */
const once = memo();

interface CardCandidate {
  memberId: string;
  year: number;
  group: 'POOR' | 'NEAR_POOR' | 'MIDDLE_INCOME_AGRICULTURE';
}

const GROUP_OF: Record<string, CardCandidate['group']> = { POOR: 'POOR', NEAR_POOR: 'NEAR_POOR', MIDDLE_INCOME: 'MIDDLE_INCOME_AGRICULTURE' };
const SHARE: Record<CardCandidate['group'], number> = { POOR: 100, NEAR_POOR: 70, MIDDLE_INCOME_AGRICULTURE: 30 };

/**
 * People who may get a card in a year they have none (one card per person and year): their
 * household's review of the year before puts them in a support group. The demo reviews
 * 2022-2024 and grants cards for 2023 and 2024, so mostly 2025 cards.
 */
function cardCandidates({ admin }: CaseContext): Promise<CardCandidate[]> {
  return once('cards', async () => {
    const data = await admin(`{ households(first: 100) { edges { node { id members { id }
      y2022: latestReview(year: 2022) { classification } y2023: latestReview(year: 2023) { classification }
      y2024: latestReview(year: 2024) { classification }
      socialSupport { healthInsuranceCards { member { id } year } } } } } }`);
    const candidates: CardCandidate[] = [];
    for (const { node } of data.households.edges) {
      const carded = new Set(node.socialSupport.healthInsuranceCards.map((c: any) => `${c.member.id}|${c.year}`));
      for (const year of [2025, 2024, 2023]) {
        const group = GROUP_OF[node[`y${year - 1}`]?.classification ?? ''];
        if (!group) continue;
        for (const m of node.members) if (!carded.has(`${m.id}|${year}`)) candidates.push({ memberId: m.id, year, group });
      }
    }
    // Every cell takes one (denied cells too): 7 roles, 2 sides.
    expect(candidates.length).toBeGreaterThanOrEqual(14);
    return candidates;
  });
}

let cardsTaken = 0;
let written = 0;

/** What a denied write must leave alone: the city's figures over every year, and the audit trail. */
const probe: AccessCase['unchangedProbe'] = {
  query: `{ city { socialFigures(from: "2000-01-01", to: "2030-12-31") { healthInsurance { budget } voluntaryInsurance { amount months }
    tuition { amount } electricity { amount } allowances { amount } emergencyRelief { events cash } } }
    socialInsuranceAuditTrail(first: 1, filter: { action: WRITE }) { totalCount } }`,
};

const member = ({ fx }: CaseContext) => fx.household.memberIds[0]!;

export const cases: AccessCase[] = [
  {
    name: 'commune and city social figures, reported statistics',
    subgraph: 'social_insurance',
    query: `query($code: ID!) { commune(code: $code) { code socialFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} }
      city { socialFigures(from: "2022-01-01", to: "2024-12-31") ${FIGURES} socialReportedStatistics { code value unit source } } }`,
    directQuery: `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Commune { code socialFigures(from: "2024-01-01", to: "2024-12-31") ${FIGURES} }
      ... on City { code socialFigures(from: "2022-01-01", to: "2024-12-31") ${FIGURES} socialReportedStatistics { code value unit source } } } }`,
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
      checkFigures(commune.socialFigures, role);
      checkFigures(city.socialFigures, role);
      expect(city.socialReportedStatistics.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'a household’s social support through household(id)',
    subgraph: 'social_insurance',
    via: 'gateway',
    query: `query($id: ID!) { household(id: $id) { id ${SUPPORT} } }`,
    variables: ({ fx }) => ({ id: fx.household.id }),
    expect: records,
    check: (data, ctx) => checkSupport(data.household.socialSupport, ctx),
  },
  {
    name: '_entities: a household’s social support',
    subgraph: 'social_insurance',
    via: 'direct',
    query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Household { id ${SUPPORT} } } }`,
    variables: ({ fx }) => ({ reps: [{ __typename: 'Household', id: fx.household.id }] }),
    // The subgraph answers for the household, with the records outside the caller's communes left out.
    expect: { ...records, caseworkerElsewhere: 'empty' },
    check: (data, ctx) => {
      expect(data._entities[0].id).toBe(ctx.fx.household.id);
      checkSupport(data._entities[0].socialSupport, ctx);
    },
  },
  {
    name: 'healthInsuranceCoverage of the fixture household (a lookup by id)',
    subgraph: 'social_insurance',
    query: `query($ids: [ID!]!) { healthInsuranceCoverage(householdIds: $ids, date: "2024-06-30") {
      household { id } date memberCount coveredMembers { id } uncoveredMembers { id } cards { id year supportGroup } coveragePercent } }`,
    variables: ({ fx }) => ({ ids: [fx.household.id] }),
    // Asked for by id, a household outside the caseworker's communes is refused, on both sides.
    // Outside the caseworker's communes, refused exactly as an unknown household.
    expect: { ...records, caseworkerElsewhere: 'BAD_USER_INPUT' },
    check: (data, { fx }) => {
      expect(data.healthInsuranceCoverage).toHaveLength(1);
      expect(data.healthInsuranceCoverage[0]).toMatchObject({ household: { id: fx.household.id }, memberCount: fx.household.memberIds.length });
    },
  },
  {
    name: 'card holders’ names under an alias (the registry’s personal field)',
    subgraph: 'social_insurance',
    via: 'gateway',
    query: `query($id: ID!) { household(id: $id) { id socialSupport { healthInsuranceCards { id member { id name: fullName } } } } }`,
    variables: ({ fx }) => ({ id: fx.household.id }),
    expect: personal,
    check: (data) => expect(data.household.socialSupport.healthInsuranceCards[0].member.name).toEqual(expect.any(String)),
  },
  {
    name: 'card holders’ ID numbers through fragments',
    subgraph: 'social_insurance',
    via: 'gateway',
    query: `query($ids: [ID!]!) { healthInsuranceCoverage(householdIds: $ids, date: "2024-06-30") { ...C } }
      fragment C on HealthInsuranceCoverage { household { id } coveredMembers { ...M } }
      fragment M on HouseholdMember { id nationalId fullName }`,
    variables: ({ fx }) => ({ ids: [fx.household.id] }),
    expect: { ...personal, caseworkerElsewhere: 'BAD_USER_INPUT' },
    check: (data) => expect(data.healthInsuranceCoverage[0].coveredMembers.every((m: any) => typeof m.fullName === 'string')).toBe(true),
  },
  {
    name: 'grantHealthInsuranceSupport',
    subgraph: 'social_insurance',
    query: `mutation($input: GrantHealthInsuranceSupportInput!) { grantHealthInsuranceSupport(input: $input) {
      healthInsuranceSupport { id year supportGroup member { id } household { id } } } }`,
    variables: async (ctx) => {
      const c = (await cardCandidates(ctx))[cardsTaken++];
      expect(c, 'a person without a card that year').toBeDefined();
      return {
        input: {
          memberId: c!.memberId,
          year: c!.year,
          validFrom: `${c!.year}-01-01`,
          validTo: `${c!.year}-12-31`,
          supportGroup: c!.group,
          budgetSharePercent: SHARE[c!.group],
          budgetAmount: '500000',
          grantedOn: `${c!.year}-01-05`,
        },
      };
    },
    expect: departmentWrite,
    check: (data) => expect(data.grantHealthInsuranceSupport.healthInsuranceSupport.id).toEqual(expect.any(String)),
    unchangedProbe: probe,
  },
  {
    name: 'supportVoluntaryContribution',
    subgraph: 'social_insurance',
    query: `mutation($input: SupportVoluntaryContributionInput!) { supportVoluntaryContribution(input: $input) { voluntaryInsuranceSupport { id months household { id } } } }`,
    variables: (ctx) => ({ input: { memberId: member(ctx), paidOn: '2025-11-03', months: 1 + (++written % 12), amount: '99000' } }),
    expect: departmentWrite,
    check: (data, { fx }) => expect(data.supportVoluntaryContribution.voluntaryInsuranceSupport.household.id).toBe(fx.household.id),
    unchangedProbe: probe,
  },
  {
    name: 'grantTuitionSupport',
    subgraph: 'social_insurance',
    query: `mutation($input: GrantTuitionSupportInput!) { grantTuitionSupport(input: $input) { tuitionSupport { id schoolYear household { id } } } }`,
    variables: (ctx) => ({
      input: { memberId: member(ctx), schoolYear: '2025-2026', kind: 'STUDY_COST', amount: String(300000 + ++written), grantedOn: '2025-09-15' },
    }),
    expect: departmentWrite,
    check: (data, { fx }) => expect(data.grantTuitionSupport.tuitionSupport.household.id).toBe(fx.household.id),
    unchangedProbe: probe,
  },
  {
    name: 'grantElectricitySubsidy',
    subgraph: 'social_insurance',
    query: `mutation($input: GrantElectricitySubsidyInput!) { grantElectricitySubsidy(input: $input) { electricitySubsidy { id months household { id } } } }`,
    variables: ({ fx }) => ({
      input: { householdId: fx.household.id, periodFrom: '2025-10-01', periodTo: '2025-10-31', amount: String(54000 + ++written), paidOn: '2025-11-05' },
    }),
    expect: departmentWrite,
    check: (data) => expect(data.grantElectricitySubsidy.electricitySubsidy.months).toBe(1),
    unchangedProbe: probe,
  },
  {
    name: 'startSocialAllowance',
    subgraph: 'social_insurance',
    query: `mutation($input: StartSocialAllowanceInput!) { startSocialAllowance(input: $input) { socialAllowance { id category household { id } } } }`,
    variables: (ctx) => ({
      input: { memberId: member(ctx), category: 'OTHER', monthlyAmount: String(400000 + ++written), startDate: '2025-11-01', endDate: '2025-12-31' },
    }),
    expect: departmentWrite,
    check: (data) => expect(data.startSocialAllowance.socialAllowance.category).toBe('OTHER'),
    unchangedProbe: probe,
  },
  {
    name: 'recordEmergencyRelief',
    subgraph: 'social_insurance',
    query: `mutation($input: RecordEmergencyReliefInput!) { recordEmergencyRelief(input: $input) { emergencyRelief { id totalValue household { id } } } }`,
    variables: ({ fx }) => ({
      input: {
        householdId: fx.household.id,
        eventKind: 'OTHER_INCIDENT',
        eventDate: '2025-11-10',
        reliefDate: '2025-11-11',
        cashAmount: String(1000000 + ++written),
      },
    }),
    expect: departmentWrite,
    check: (data, { fx }) => expect(data.recordEmergencyRelief.emergencyRelief.household.id).toBe(fx.household.id),
    unchangedProbe: probe,
  },
  {
    name: 'the social_insurance audit trail',
    subgraph: 'social_insurance',
    query: `{ socialInsuranceAuditTrail(first: 5, filter: { action: WRITE }) { totalCount edges { cursor node { id occurredAt subject roles action operation fields householdIds requestId } } pageInfo { hasNextPage endCursor } } }`,
    expect: adminOnly,
    check: (data) => expect(data.socialInsuranceAuditTrail.totalCount).toEqual(expect.any(Number)),
  },
];
