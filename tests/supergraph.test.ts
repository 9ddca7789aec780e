import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, readCommittedSupergraph } from '../schema/compose.js';

describe('the committed supergraph', () => {
  it('composes and matches schema/supergraph.graphql (run `npm run schema:compose` when this fails)', () => {
    expect(readCommittedSupergraph()).toBe(composeSupergraph());
  });

  it('describes every type, field and enum value (the playground is where people read them)', () => {
    const undocumented: string[] = [];
    for (const def of parse(readCommittedSupergraph()).definitions) {
      if (def.kind === Kind.DIRECTIVE_DEFINITION || !('name' in def) || !def.name || /^(join__|link__)/.test(def.name.value)) continue;
      const name = def.name.value;
      if ('description' in def && !def.description) {
        if (!['Query', 'Mutation'].includes(name)) undocumented.push(name);
      }
      const members =
        def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION
          ? (def.fields ?? [])
          : def.kind === Kind.ENUM_TYPE_DEFINITION
            ? (def.values ?? [])
            : [];
      for (const member of members) if (!member.description) undocumented.push(`${name}.${member.name.value}`);
    }
    expect(undocumented).toEqual([]);
  });
});
