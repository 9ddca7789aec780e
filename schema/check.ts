import { composeServices } from '@apollo/composition';
// A dependency of @apollo/composition and @apollo/gateway (same version, 2.14.4): it is what
// turns a supergraph into its API schema and back into the subgraphs it was composed from.
import { printSchema as printFederationSchema, Supergraph, type Schema } from '@apollo/federation-internals';
import {
  buildASTSchema,
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
  type GraphQLSchema,
} from 'graphql';

/**
 * `npm run schema:check`, as a pure function: everything comes in as strings, nothing is read or
 * written here, so a test can check any edited SDL without touching the working tree.
 */

export interface SubgraphSdl {
  name: string;
  /** Routing URL written into the supergraph (only matters for the staleness note). */
  url: string;
  sdl: string;
}

export interface Operation {
  name: string;
  document: string;
}

/** One entry of schema/acknowledged-breaking-changes.json. */
export interface AcknowledgedChange {
  /** The subgraph that makes the change. */
  subgraph: string;
  /** The schema coordinate (`Household.loans`, `Query.household(id:)`, `LoanStatus.OVERDUE`) or graphql-js's description of the change. */
  change: string;
  /** Why clients can live with it (who was told, by when the field was unused...). */
  reason: string;
}

export interface SchemaChange {
  type: string;
  /** graphql-js's words for it, such as "Household.loans was removed." */
  description: string;
  /** The schema coordinate the change is about. */
  coordinate: string;
  /** The subgraphs whose SDL made the change (those that define the element when none changed it alone). */
  subgraphs: string[];
  acknowledged?: AcknowledgedChange;
}

export interface InvalidOperation {
  name: string;
  errors: string[];
}

export interface SchemaCheckInput {
  subgraphs: readonly SubgraphSdl[];
  /** The committed schema/supergraph.graphql: what clients run against today. */
  committedSupergraph: string;
  operations: readonly Operation[];
  acknowledged: readonly AcknowledgedChange[];
}

export interface SchemaCheckResult {
  /** False on a composition error, an invalid operation, an unacknowledged breaking change or descriptions that differ. */
  ok: boolean;
  compositionErrors: string[];
  /** The new supergraph (undefined when composition failed). */
  supergraphSdl?: string;
  breakingChanges: SchemaChange[];
  /** Changes that do not break a client outright but may change what it sees (an enum value added...). */
  dangerousChanges: SchemaChange[];
  invalidOperations: InvalidOperation[];
  /** Acknowledgements that match no change (already composed and committed: remove them). */
  unusedAcknowledgements: AcknowledgedChange[];
  /** True when the new composition differs from the committed supergraph (run `npm run schema:compose`). */
  supergraphChanged: boolean;
  /**
   * Types and fields that several subgraphs declare with different descriptions (composition's
   * words, naming the one clients are shown and the others): each must describe it the same way.
   */
  inconsistentDescriptions: string[];
}

/** Composes the subgraphs exactly as schema/compose.ts does, but from SDL strings. */
export function composeFromSdl(subgraphs: readonly SubgraphSdl[]): { supergraphSdl?: string; errors: string[]; inconsistentDescriptions: string[] } {
  let result;
  try {
    result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  } catch (error) {
    // A syntax error in one SDL file: parse throws before composition starts.
    return { errors: [(error as Error).message], inconsistentDescriptions: [] };
  }
  if (result.errors?.length || !result.supergraphSdl) return { errors: (result.errors ?? []).map((e) => e.message), inconsistentDescriptions: [] };
  const sdl = result.supergraphSdl;
  // Composition only hints at these: it shows clients the description most subgraphs give and
  // drops the others, so a department that edits a shared type's description in its own SDL
  // alone would see its edit vanish from the graph without a word.
  const inconsistentDescriptions = result.hints.filter((h) => h.definition.code === 'INCONSISTENT_DESCRIPTION').map((h) => h.message);
  return { supergraphSdl: sdl.endsWith('\n') ? sdl : `${sdl}\n`, errors: [], inconsistentDescriptions };
}

/** The schema clients see: the supergraph without join__/link__ machinery and @inaccessible elements. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return fromFederationSchema(Supergraph.build(supergraphSdl).apiSchema());
}

/**
 * A federation-internals schema as a graphql-js schema of *our* graphql module. Going through
 * SDL text matters: federation-internals is CommonJS and builds its schemas with graphql's CJS
 * build, while ESM code (vitest, tsx) loads graphql's .mjs build, and graphql-js refuses to mix
 * the two ("Cannot use GraphQLObjectType from another module or realm"). Subgraph schemas carry
 * federation directives without definitions, hence `assumeValidSDL`.
 */
function fromFederationSchema(schema: Schema): GraphQLSchema {
  return buildASTSchema(parse(printFederationSchema(schema)), { assumeValidSDL: true });
}

/** Each subgraph's own schema as the supergraph records it, printed (to compare what was composed). */
export function subgraphSdlsOf(supergraphSdl: string): Map<string, string> {
  const sdls = new Map<string, string>();
  for (const subgraph of Supergraph.build(supergraphSdl).subgraphs()) sdls.set(subgraph.name, printFederationSchema(subgraph.schema));
  return sdls;
}

/** Each subgraph's own schema, as the supergraph records it. */
function subgraphSchemasOf(supergraphSdl: string): Map<string, GraphQLSchema> {
  const schemas = new Map<string, GraphQLSchema>();
  for (const subgraph of Supergraph.build(supergraphSdl).subgraphs()) {
    schemas.set(subgraph.name, fromFederationSchema(subgraph.schema));
  }
  return schemas;
}

// graphql-js reports a change as a type and a sentence; the sentence names the element. These
// patterns take the coordinate back out of it (graphql 16's wording, which a test pins down).
const COORDINATE_PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^A required arg (\w+) on (\w+)\.(\w+) was added\.$/, (m) => `${m[2]}.${m[3]}(${m[1]}:)`],
  [/^A required field (\w+) on input type (\w+) was added\.$/, (m) => `${m[2]}.${m[1]}`],
  [/^(\w+)\.(\w+) arg (\w+) /, (m) => `${m[1]}.${m[2]}(${m[3]}:)`],
  [/^(\w+) was removed from enum type (\w+)\.$/, (m) => `${m[2]}.${m[1]}`],
  [/^(\w+) was added to enum type (\w+)\.$/, (m) => `${m[2]}.${m[1]}`],
  [/^(\w+) was removed from union type (\w+)\.$/, (m) => `${m[2]}`],
  [/^(\w+) was added to union type (\w+)\.$/, (m) => `${m[2]}`],
  [/^(\w+) no longer implements interface (\w+)\.$/, (m) => m[1]!],
  [/^(\w+) added to interfaces implemented by (\w+)\.$/, (m) => m[2]!],
  [/^(\w+)\.(\w+) /, (m) => `${m[1]}.${m[2]}`],
  [/^(?:Standard scalar )?(\w+) (?:was removed|changed from)/, (m) => m[1]!],
  [/^An optional (?:arg|field) (\w+) on (?:input type )?(\w+)(?:\.(\w+))? was added/, (m) => (m[3] ? `${m[2]}.${m[3]}(${m[1]}:)` : `${m[2]}.${m[1]}`)],
];

export function coordinateOf(description: string): string {
  for (const [pattern, coordinate] of COORDINATE_PATTERNS) {
    const m = description.match(pattern);
    if (m) return coordinate(m);
  }
  return description;
}

/**
 * What an element of a schema looks like, as a string to compare, or undefined when the schema
 * lacks it. `Type`, `Type.field`, `Type.field(arg:)` and `Enum.VALUE` coordinates.
 */
function signature(schema: GraphQLSchema | undefined, coordinate: string): string | undefined {
  const m = /^(\w+)(?:\.(\w+)(?:\((\w+):\))?)?$/.exec(coordinate);
  if (!schema || !m) return undefined;
  const [, typeName, member, argName] = m;
  const type = schema.getType(typeName!);
  if (!type) return undefined;
  if (!member) {
    if (isObjectType(type) || isInterfaceType(type)) return `${type.constructor.name}:${type.getInterfaces().map(String).sort().join('&')}`;
    return type.constructor.name;
  }
  if (isEnumType(type)) return type.getValue(member) ? 'value' : undefined;
  if (!(isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) return undefined;
  const field = type.getFields()[member];
  if (!field) return undefined;
  if (argName) {
    if (!('args' in field)) return undefined;
    const arg = field.args.find((a) => a.name === argName);
    return arg ? String(arg.type) : undefined;
  }
  const args = 'args' in field ? field.args.map((a) => `${a.name}:${String(a.type)}`).join(',') : '';
  return `${String(field.type)}(${args})`;
}

/**
 * The subgraphs a change belongs to: those whose own definition of the element differs between
 * the committed supergraph and the new one. When none differs alone (an enum value dropped by
 * merging, say), every subgraph that defined the element.
 */
function ownersOf(coordinate: string, before: Map<string, GraphQLSchema>, after: Map<string, GraphQLSchema>): string[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changed = names.filter((n) => {
    const old = signature(before.get(n), coordinate);
    const now = signature(after.get(n), coordinate);
    return (old !== undefined || now !== undefined) && old !== now;
  });
  if (changed.length) return changed;
  const typeName = coordinate.split(/[.(]/)[0]!;
  const defining = names.filter((n) => signature(before.get(n), coordinate) !== undefined);
  if (defining.length) return defining;
  return names.filter((n) => before.get(n)?.getType(typeName) || after.get(n)?.getType(typeName));
}

function matches(ack: AcknowledgedChange, change: SchemaChange): boolean {
  return change.subgraphs.includes(ack.subgraph) && (ack.change === change.coordinate || ack.change === change.description);
}

export function checkSchema(input: SchemaCheckInput): SchemaCheckResult {
  const result: SchemaCheckResult = {
    ok: false,
    compositionErrors: [],
    breakingChanges: [],
    dangerousChanges: [],
    invalidOperations: [],
    unusedAcknowledgements: [],
    supergraphChanged: false,
    inconsistentDescriptions: [],
  };
  const composed = composeFromSdl(input.subgraphs);
  if (!composed.supergraphSdl) {
    result.compositionErrors = composed.errors;
    result.unusedAcknowledgements = [...input.acknowledged];
    return result;
  }
  result.supergraphSdl = composed.supergraphSdl;
  result.inconsistentDescriptions = composed.inconsistentDescriptions;
  result.supergraphChanged = composed.supergraphSdl !== input.committedSupergraph;

  const oldApi = apiSchemaOf(input.committedSupergraph);
  const newApi = apiSchemaOf(composed.supergraphSdl);
  const before = subgraphSchemasOf(input.committedSupergraph);
  const after = subgraphSchemasOf(composed.supergraphSdl);
  const describe = (c: { type: string; description: string }): SchemaChange => {
    const coordinate = coordinateOf(c.description);
    return { type: c.type, description: c.description, coordinate, subgraphs: ownersOf(coordinate, before, after) };
  };

  const used = new Set<AcknowledgedChange>();
  for (const change of findBreakingChanges(oldApi, newApi).map(describe)) {
    const ack = input.acknowledged.find((a) => matches(a, change));
    if (ack) {
      change.acknowledged = ack;
      used.add(ack);
    }
    result.breakingChanges.push(change);
  }
  result.dangerousChanges = findDangerousChanges(oldApi, newApi).map(describe);
  result.unusedAcknowledgements = input.acknowledged.filter((a) => !used.has(a));

  for (const op of input.operations) {
    let errors: string[];
    try {
      errors = validate(newApi, parse(op.document)).map((e) => e.message);
    } catch (error) {
      errors = [(error as Error).message];
    }
    if (errors.length) result.invalidOperations.push({ name: op.name, errors });
  }

  result.ok = result.invalidOperations.length === 0 && result.breakingChanges.every((c) => c.acknowledged) && result.inconsistentDescriptions.length === 0;
  return result;
}

/** The report `npm run schema:check` prints. */
export function formatReport(result: SchemaCheckResult): string {
  const lines: string[] = [];
  if (result.compositionErrors.length) {
    lines.push('COMPOSITION FAILED:');
    for (const e of result.compositionErrors) lines.push(`  - ${e.replace(/\n/g, '\n    ')}`);
    lines.push('', 'schema check: FAILED (fix composition first; breaking changes and operations were not checked)');
    return lines.join('\n');
  }
  lines.push('composition: ok');
  lines.push(
    result.supergraphChanged
      ? 'supergraph: differs from the committed schema/supergraph.graphql (run `npm run schema:compose` and commit it)'
      : 'supergraph: same as the committed schema/supergraph.graphql',
  );

  const unacknowledged = result.breakingChanges.filter((c) => !c.acknowledged);
  const acknowledged = result.breakingChanges.filter((c) => c.acknowledged);
  lines.push('', `breaking changes against the committed supergraph: ${result.breakingChanges.length === 0 ? 'none' : result.breakingChanges.length}`);
  for (const c of unacknowledged) {
    lines.push(`  BREAKING  [${c.subgraphs.join(', ')}] ${c.coordinate}: ${c.description} (${c.type})`);
  }
  for (const c of acknowledged) {
    lines.push(`  acknowledged  [${c.subgraphs.join(', ')}] ${c.coordinate}: ${c.description} (reason: ${c.acknowledged!.reason})`);
  }
  if (unacknowledged.length) {
    lines.push(
      '  Clients may fail on these. Keep the old element (deprecate it first), or, once its clients are',
      '  ready, acknowledge each in schema/acknowledged-breaking-changes.json:',
      `  ${JSON.stringify({ subgraph: unacknowledged[0]!.subgraphs[0] ?? '', change: unacknowledged[0]!.coordinate, reason: '...' })}`,
    );
  }
  if (result.dangerousChanges.length) {
    lines.push('', `changes to review (not failing): ${result.dangerousChanges.length}`);
    for (const c of result.dangerousChanges) lines.push(`  note  [${c.subgraphs.join(', ')}] ${c.coordinate}: ${c.description}`);
  }
  lines.push(
    '',
    `descriptions of what several subgraphs declare: ${result.inconsistentDescriptions.length === 0 ? 'the same in each' : `${result.inconsistentDescriptions.length} differ`}`,
  );
  for (const message of result.inconsistentDescriptions) lines.push(`  DIFFERENT  ${message.replace(/\n/g, '\n    ')}`);
  if (result.inconsistentDescriptions.length) {
    lines.push(
      '  Clients see one of them, the one most subgraphs give. Describe the element the same way in every',
      "  subgraph's schema.graphql (a department's own remark can go in a # comment above it).",
    );
  }
  lines.push('', `operations (schema/operations): ${result.invalidOperations.length === 0 ? 'all valid' : `${result.invalidOperations.length} invalid`}`);
  for (const op of result.invalidOperations) {
    lines.push(`  INVALID  ${op.name}:`);
    for (const e of op.errors) lines.push(`    - ${e}`);
  }
  if (result.unusedAcknowledgements.length) {
    lines.push('', 'acknowledgements that match no change (remove them from schema/acknowledged-breaking-changes.json):');
    for (const a of result.unusedAcknowledgements) lines.push(`  - [${a.subgraph}] ${a.change}`);
  }
  lines.push('', `schema check: ${result.ok ? 'passed' : 'FAILED'}`);
  return lines.join('\n');
}

/**
 * Reads and checks schema/acknowledged-breaking-changes.json's content: `{ "acknowledged": [...] }`
 * (beside an "about" note), or a bare array.
 */
export function parseAcknowledgements(json: string): AcknowledgedChange[] {
  const value: unknown = JSON.parse(json);
  const list = Array.isArray(value) ? value : (value as { acknowledged?: unknown } | null)?.acknowledged;
  if (!Array.isArray(list)) throw new Error('acknowledged breaking changes: expected { "acknowledged": [...] }');
  return list.map((entry, i) => {
    const e = entry as Partial<AcknowledgedChange>;
    for (const key of ['subgraph', 'change', 'reason'] as const) {
      if (typeof e?.[key] !== 'string' || !e[key].trim()) throw new Error(`acknowledged breaking changes: entry ${i} needs a non-empty "${key}"`);
    }
    return { subgraph: e.subgraph!, change: e.change!, reason: e.reason! };
  });
}
