import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Viewer } from '../../platform/auth.js';
import { RequestAuth } from '../../platform/access/request.js';
import type { KeptAnswers } from '../../platform/kept.js';
import { FIGURE_COMMUNES, FIGURE_VERSION, KeptResponses, visibilityClass } from '../../platform/kept-responses.js';

// Whole answers shared between caseworkers of different communes (platform/kept-responses.ts):
// only while the answer never asked which communes the viewer may see.

const schema = buildSchema(`type Query { total: Int  mine: Int }`);
let version = 1;
let computed = 0;
const answers = { enabled: () => true, versionSum: async () => version } as unknown as KeptAnswers;
const kept = new KeptResponses(answers, { fields: ['Query.total', 'Query.mine'], entities: [] }, { enabled: () => true });

const server = new ApolloServer<{ auth: RequestAuth }>({
  schema,
  rootValue: {
    total: () => ++computed,
    // Depends on the viewer's communes, through the one way resolvers ask for them.
    mine: (_: unknown, ctx: { auth: RequestAuth }) => (computed++, ctx.auth.communeScope?.length ?? 126),
  },
  plugins: [kept.plugin()],
});
await server.start();

const caseworker = (...communes: string[]) => new Viewer(`cw-${communes.join('-')}`, ['caseworker'], new Set(['read']), new Set(communes));
const disclosure = { threshold: 5 } as unknown as ConstructorParameters<typeof RequestAuth>[1];

async function ask(query: string, viewer: Viewer) {
  const result = await server.executeOperation({ query }, { contextValue: { auth: new RequestAuth(viewer, disclosure) } });
  if (result.body.kind !== 'single') throw new Error('expected a single result');
  return result.body.singleResult;
}

describe('kept responses and the viewer communes', () => {
  it('an answer that never asked for the viewer communes is shared by caseworkers of other communes, and says so', async () => {
    const first = await ask('{ total }', caseworker('00001'));
    const before = computed;
    const other = await ask('{ total }', caseworker('00004', '00007'));
    expect(computed).toBe(before);
    expect(other.data).toEqual(first.data);
    expect(other.extensions).toEqual({ [FIGURE_VERSION]: version });
  });

  it('an answer that asked is kept for those communes only, and says it depended on them', async () => {
    const mine = await ask('{ mine }', caseworker('00001'));
    expect(mine.data).toEqual({ mine: 1 });
    expect(mine.extensions).toEqual({ [FIGURE_VERSION]: version, [FIGURE_COMMUNES]: true });
    const other = await ask('{ mine }', caseworker('00004', '00007'));
    expect(other.data).toEqual({ mine: 2 });
    const before = computed;
    expect((await ask('{ mine }', caseworker('00001'))).data).toEqual({ mine: 1 });
    expect(computed).toBe(before);
  });

  it('a new version makes every kept answer run again', async () => {
    await ask('{ total }', caseworker('00001'));
    version++;
    const before = computed;
    await ask('{ total }', caseworker('00001'));
    expect(computed).toBe(before + 1);
  });

  it('the class of any communes differs from every class with communes, and from "every commune"', () => {
    const all = new Viewer('a', ['caseworker'], new Set(['read']), null);
    const some = caseworker('00001');
    expect(visibilityClass(some, 'any')).toBe(visibilityClass(caseworker('00004'), 'any'));
    expect(new Set([visibilityClass(some, 'any'), visibilityClass(some), visibilityClass(all)]).size).toBe(3);
  });
});
