import { buildSubgraphSchema } from '@apollo/subgraph';
import { isEnumType, isInterfaceType, isObjectType, isScalarType, isUnionType, GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../platform/subgraph.js';
import { subgraphs } from '../../subgraphs/catalog.js';

/**
 * @apollo/subgraph silently skips a resolver whose type or field the SDL does not have, so a
 * misspelt resolver (`houseHoldCount` for `householdCount`) is dropped without a word and the
 * field answers null. This reads every department's resolver map against its own SDL and lists
 * each name that resolves nothing.
 */
const RESERVED = new Set(['__resolveReference', '__resolveType', '__isTypeOf']);

function unknownNames(schema: GraphQLSchema, resolvers: Record<string, unknown>): string[] {
  const unknown: string[] = [];
  for (const [typeName, value] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) {
      unknown.push(typeName);
      continue;
    }
    if (value instanceof GraphQLScalarType) {
      if (!isScalarType(type)) unknown.push(`${typeName} (not a scalar in the SDL)`);
      continue;
    }
    const names = Object.keys(value as object);
    if (isObjectType(type) || isInterfaceType(type)) {
      const fields = type.getFields();
      for (const name of names) if (!RESERVED.has(name) && !fields[name]) unknown.push(`${typeName}.${name}`);
    } else if (isEnumType(type)) {
      for (const name of names) if (!type.getValue(name)) unknown.push(`${typeName}.${name}`);
    } else if (isUnionType(type)) {
      for (const name of names) if (!RESERVED.has(name)) unknown.push(`${typeName}.${name}`);
    }
  }
  return unknown;
}

async function departmentResolvers(name: string): Promise<Record<string, unknown>> {
  // Every department keeps its resolver map in resolvers/index.ts (the house shape).
  const module = (await import(`../../subgraphs/${name}/resolvers/index.ts`)) as { resolvers: Record<string, unknown> };
  return module.resolvers;
}

describe('every resolver names a type and field of its SDL', () => {
  it('finds a misspelt field (the check itself can fail)', async () => {
    const registry = subgraphs.find((s) => s.name === 'registry')!;
    const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(registry.schemaFile) }]);
    const resolvers = await departmentResolvers('registry');
    const query = resolvers.Query as Record<string, unknown>;
    expect(unknownNames(schema, { ...resolvers, Query: { ...query, houseHold: () => null }, Househld: {} })).toEqual(['Query.houseHold', 'Househld']);
  });

  for (const pkg of subgraphs) {
    it(pkg.name, async () => {
      const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(pkg.schemaFile) }]);
      const resolvers = await departmentResolvers(pkg.name);
      expect(Object.keys(resolvers).length).toBeGreaterThan(3);
      expect(unknownNames(schema, resolvers)).toEqual([]);
    });
  }
});
