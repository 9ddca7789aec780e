import fs from 'node:fs';
import { buildASTSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { entityModel, KnownEntities, personalReadOnceFromEnv, subgraphsAskedAgain } from '../../gateway/personal-once.js';
import { loadOperations } from '../../platform/operations.js';

// The rules of gateway/personal-once.ts on the committed supergraph, without a stack: what is
// remembered from an answer, and which entity fetches it answers (and which it must not).

const sdl = fs.readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const document = parse(sdl);
const model = entityModel(document, buildASTSchema(document, { assumeValidSDL: true }));

const NAMES = `query($representations:[_Any!]!){_entities(representations:$representations){...on HouseholdMember{fullName}}}`;
const members = (...ids: string[]) => ({ representations: ids.map((id) => ({ __typename: 'HouseholdMember', id })) });

function afterHousehold(): KnownEntities {
  const known = new KnownEntities(model);
  known.remember(
    'registry',
    `query($id:ID!){household(id:$id){__typename id members{id name:fullName birthYear} ...on Household{address}}}`,
    { id: '12' },
    {
      household: {
        __typename: 'Household',
        id: '12',
        address: '1 Hang Bac',
        members: [
          { id: '30', name: 'Nguyễn Văn A', birthYear: 1970 },
          { id: '31', name: 'Trần Thị B', birthYear: 1975 },
        ],
      },
    },
  );
  return known;
}

describe('the entity model read off the supergraph', () => {
  it('has the registry’s keys and the personal fields', () => {
    expect(model.keys.get('registry')?.get('HouseholdMember')).toEqual([['id']]);
    expect(model.keys.get('registry')?.get('CommuneConsistency')).toEqual([['communeCode', 'year']]);
    // Social insurance only points at members (resolvable: false): nothing to answer there.
    expect(model.keys.get('social_insurance')?.get('HouseholdMember')).toBeUndefined();
    expect(model.personal.has('HouseholdMember.fullName')).toBe(true);
    expect(model.personal.has('Household.address')).toBe(true);
    expect(model.personal.has('HouseholdMember.birthYear')).toBe(false);
  });

  it('is on unless PERSONAL_READ_ONCE=false, and refuses anything else', () => {
    expect(personalReadOnceFromEnv({})).toBe(true);
    expect(personalReadOnceFromEnv({ PERSONAL_READ_ONCE: 'false' })).toBe(false);
    expect(() => personalReadOnceFromEnv({ PERSONAL_READ_ONCE: 'no' })).toThrow(/PERSONAL_READ_ONCE/);
  });
});

describe('an entity fetch answered from what the request read', () => {
  it('answers names read under an alias, in the representations’ order, with __typename when asked', () => {
    const known = afterHousehold();
    expect(known.answer('registry', NAMES, members('31', '30'))).toEqual({
      data: { _entities: [{ fullName: 'Trần Thị B' }, { fullName: 'Nguyễn Văn A' }] },
    });
    const withType = `query($representations:[_Any!]!){_entities(representations:$representations){__typename ...on HouseholdMember{fullName}}}`;
    expect(known.answer('registry', withType, members('30'))).toEqual({ data: { _entities: [{ __typename: 'HouseholdMember', fullName: 'Nguyễn Văn A' }] } });
    expect(known.answered).toBe(2);
  });

  it('answers a household’s address by its key', () => {
    const query = `query($representations:[_Any!]!){_entities(representations:$representations){...on Household{address}}}`;
    expect(afterHousehold().answer('registry', query, { representations: [{ __typename: 'Household', id: '12' }] })).toEqual({
      data: { _entities: [{ address: '1 Hang Bac' }] },
    });
  });

  it('sends the fetch when one entity was not read, a field is not personal, or it is another subgraph', () => {
    const known = afterHousehold();
    expect(known.answer('registry', NAMES, members('30', '99'))).toBeUndefined();
    const birthYears = `query($representations:[_Any!]!){_entities(representations:$representations){...on HouseholdMember{fullName birthYear}}}`;
    expect(known.answer('registry', birthYears, members('30'))).toBeUndefined();
    expect(known.answer('employment', NAMES, members('30'))).toBeUndefined();
    // A representation with more than the key (a @requires field, say) is not this key.
    expect(known.answer('registry', NAMES, { representations: [{ __typename: 'HouseholdMember', id: '30', year: 2024 }] })).toBeUndefined();
    expect(known.answered).toBe(0);
  });

  it('remembers nothing from a field with arguments, under a directive, or of a mutation', () => {
    const known = new KnownEntities(model);
    known.remember(
      'registry',
      `query($s:Boolean!){household(id:"12"){members{id fullName @include(if:$s)}}}`,
      { s: true },
      {
        household: { members: [{ id: '30', fullName: 'Nguyễn Văn A' }] },
      },
    );
    known.remember('registry', `mutation{x:household(id:"12"){members{id fullName}}}`, undefined, {
      x: { members: [{ id: '31', fullName: 'Trần Thị B' }] },
    });
    expect(known.answer('registry', NAMES, members('30'))).toBeUndefined();
    expect(known.answer('registry', NAMES, members('31'))).toBeUndefined();
  });

  it('remembers from an entity fetch’s answer, by each representation’s type', () => {
    const known = new KnownEntities(model);
    known.remember('registry', NAMES, members('40', '41'), { _entities: [{ fullName: 'Lê Văn C' }, null] });
    expect(known.answer('registry', NAMES, members('40'))).toEqual({ data: { _entities: [{ fullName: 'Lê Văn C' }] } });
    expect(known.answer('registry', NAMES, members('41'))).toBeUndefined();
  });
});

describe('which subgraphs a request remembers, from its query plan', () => {
  const supergraph = Supergraph.build(sdl);
  const planner = new QueryPlanner(supergraph);
  const planOf = (name: string) => {
    const operation = loadOperations().find((o) => o.name === name)!;
    return planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(operation.document), { validate: false }));
  };

  it('the household view asks the registry again for names: the registry’s answers are remembered, and answer that fetch', () => {
    expect([...subgraphsAskedAgain(model, planOf('household-360'))]).toEqual(['registry']);
  });

  it('a plan of one fetch, or whose entity fetches ask for no personal field, remembers nothing', () => {
    expect(subgraphsAskedAgain(model, planOf('commune-households')).size).toBe(0);
    expect(subgraphsAskedAgain(model, planOf('coverage-gaps')).size).toBe(0);
    // The same plan object is read once.
    const plan = planOf('commune-household-records');
    expect(subgraphsAskedAgain(model, plan)).toBe(subgraphsAskedAgain(model, plan));
  });

  it('a request told its plan remembers only the subgraphs it asks again', () => {
    const known = new KnownEntities(model);
    known.planned(planOf('coverage-gaps'));
    known.remember(
      'registry',
      `query($id:ID!){household(id:$id){id members{id fullName}}}`,
      { id: '12' },
      {
        household: { id: '12', members: [{ id: '30', fullName: 'Nguyễn Văn A' }] },
      },
    );
    expect(known.answer('registry', NAMES, members('30'))).toBeUndefined();
    const all = new KnownEntities(model);
    all.remember(
      'registry',
      `query($id:ID!){household(id:$id){id members{id fullName}}}`,
      { id: '12' },
      {
        household: { id: '12', members: [{ id: '30', fullName: 'Nguyễn Văn A' }] },
      },
    );
    expect(all.answer('registry', NAMES, members('30'))).toEqual({ data: { _entities: [{ fullName: 'Nguyễn Văn A' }] } });
  });
});
