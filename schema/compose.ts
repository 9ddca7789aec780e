import fs from 'node:fs';
import { composeServices } from '@apollo/composition';
import { Kind, parse, print, visit, type DirectiveNode, type DocumentNode, type FieldDefinitionNode, type StringValueNode } from 'graphql';
import type { SubgraphPackage } from '../platform/subgraph.js';
import { subgraphs as allSubgraphs } from '../subgraphs/catalog.js';

export const SUPERGRAPH_FILE = new URL('./supergraph.graphql', import.meta.url);
/** Breaking changes their clients are ready for (`npm run schema:check` and `schema:publish` let them through). */
export const ACKNOWLEDGED_FILE = new URL('./acknowledged-breaking-changes.json', import.meta.url);

/** The routing URL each subgraph has in the committed supergraph (the `npm start` ports). */
export function defaultRoutingUrl(port: number): string {
  return `http://127.0.0.1:${port}/graphql`;
}

/**
 * Composes the supergraph from every subgraph's SDL file, with @apollo/composition, exactly
 * as `npm run schema:compose` writes it. Throws with every composition error listed.
 */
export function composeSupergraph(subgraphs: readonly SubgraphPackage[] = allSubgraphs): string {
  const services = subgraphs.map((s) => ({ name: s.name, url: defaultRoutingUrl(s.defaultPort), typeDefs: parse(fs.readFileSync(s.schemaFile, 'utf8')) }));
  const result = composeServices(withoutAbsentExternals(services));
  if (result.errors?.length || !result.supergraphSdl) {
    const errors = result.errors ?? [];
    throw new Error(`Supergraph composition failed:\n${errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  const sdl = result.supergraphSdl;
  return sdl.endsWith('\n') ? sdl : `${sdl}\n`;
}

export function readCommittedSupergraph(): string {
  return fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
}

const isDirective = (name: string) => (d: DirectiveNode) => d.name.value === name;

/**
 * The subgraphs' SDL for a composition of some of them (a test stack of one department): an
 * `@external` field that no subgraph of the set defines is dropped, with its selections in the
 * `@requires` that named it (a `@requires` left empty goes too). The consistency checks are the
 * case: the registry requires every department's findings, and with a department absent its
 * findings are simply not there (the resolvers read a missing field as none). The full set
 * composes unchanged.
 */
export function withoutAbsentExternals<T extends { typeDefs: DocumentNode }>(services: readonly T[]): T[] {
  const defined = new Set<string>();
  for (const { typeDefs } of services) {
    for (const def of typeDefs.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      for (const field of def.fields ?? []) if (!field.directives?.some(isDirective('external'))) defined.add(`${def.name.value}.${field.name.value}`);
    }
  }
  return services.map((service) => {
    const absent = new Set<string>();
    for (const def of service.typeDefs.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      for (const f of def.fields ?? []) {
        const coordinate = `${def.name.value}.${f.name.value}`;
        if (f.directives?.some(isDirective('external')) && !defined.has(coordinate)) absent.add(coordinate);
      }
    }
    if (absent.size === 0) return service;
    const trim = (type: string, fields: readonly FieldDefinitionNode[] | undefined) =>
      (fields ?? []).filter((f) => !absent.has(`${type}.${f.name.value}`)).map((f) => withRequires(type, f, absent));
    const trimmed = visit(service.typeDefs, {
      ObjectTypeDefinition: (def) => ({ ...def, fields: trim(def.name.value, def.fields) }),
      ObjectTypeExtension: (def) => ({ ...def, fields: trim(def.name.value, def.fields) }),
    });
    return { ...service, typeDefs: trimmed };
  });
}

/** A field whose `@requires` no longer selects the absent fields (without it when none is left). */
function withRequires(type: string, field: FieldDefinitionNode, absent: ReadonlySet<string>): FieldDefinitionNode {
  const requires = field.directives?.find(isDirective('requires'));
  const argument = requires?.arguments?.find((a) => a.name.value === 'fields');
  if (!requires || argument?.value.kind !== Kind.STRING) return field;
  const selection = parse(`{ ${argument.value.value} }`).definitions[0];
  if (selection?.kind !== Kind.OPERATION_DEFINITION) return field;
  const kept = selection.selectionSet.selections.filter((s) => s.kind !== Kind.FIELD || !absent.has(`${type}.${s.name.value}`));
  const others = field.directives!.filter((d) => d !== requires);
  if (kept.length === 0) return { ...field, directives: others };
  const fields: StringValueNode = { kind: Kind.STRING, value: kept.map((s) => print(s).replace(/\s+/g, ' ')).join(' ') };
  return { ...field, directives: [...others, { ...requires, arguments: [{ ...argument, value: fields }] }] };
}
