import fs from 'node:fs';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { accessRules, type AccessRules } from '../../platform/access/rules.js';
import { loadAccessPolicy } from '../../platform/auth.js';
import type { TestStack } from '../support/stack.js';

/**
 * The attacker's toolkit: what a hostile caller learns from the published schema and then tries,
 * combining allowed queries to learn what is withheld. Everything is computed from the schema
 * (every `@count` and every `@amount` beside it), never from a hand-picked list of fields.
 */

export interface AttackSurface {
  schema: GraphQLSchema;
  rules: AccessRules;
  threshold: number;
  /** What the attacker knows of the perturbation: the geometric noise's ratio (the policy is public; 0: none). */
  noiseRatio: number;
  /** The multi-year periods a public caller may ask for. */
  spans: Array<readonly [number, number]>;
}

export async function attackSurface(stack: TestStack): Promise<AttackSurface> {
  const introspection = await stack.query<IntrospectionQuery>(getIntrospectionQuery());
  if (!introspection.data) throw new Error(`introspection failed: ${JSON.stringify(introspection.errors)}`);
  const supergraph = parse(fs.readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'));
  const policy = loadAccessPolicy({});
  return {
    schema: buildClientSchema(introspection.data),
    rules: accessRules(supergraph),
    threshold: policy.smallCountThreshold,
    noiseRatio: (policy as unknown as { disclosure?: { noiseRatio?: number } }).disclosure?.noiseRatio ?? 0,
    spans: [...((policy as unknown as { disclosure?: { publicSpans?: Array<readonly [number, number]> } }).disclosure?.publicSpans ?? [[2022, 2024]])],
  };
}

/** A figures field of City and Commune: one whose type holds a count, reached with arguments. */
export interface FigureField {
  name: string;
  /** Argument sets to ask it with, each as GraphQL argument text, keyed by a label. */
  argumentSets: Array<{ label: string; args: string; period?: { kind: 'year' | 'span'; years: number[] } }>;
  /** The selection sets on City's and on Commune's field: every field without required arguments, nested, records left out. */
  selection: { city: string; commune: string };
}

const YEARS = [2021, 2022, 2023, 2024, 2025];

/** The fields of City that Commune has too (same name): the hierarchy an attacker differences. */
export function figureFields(surface: AttackSurface): FigureField[] {
  const city = surface.schema.getType('City') as GraphQLObjectType;
  const commune = surface.schema.getType('Commune') as GraphQLObjectType;
  const fields: FigureField[] = [];
  for (const field of Object.values(city.getFields())) {
    if (!commune.getFields()[field.name]) continue;
    if (!reachesCount(surface, getNamedType(field.type), new Set()) && !surface.rules.counts.has(`City.${field.name}`)) continue;
    const argumentSets = argumentSetsFor(field, surface.spans);
    if (!argumentSets) continue;
    const communeType = getNamedType(commune.getFields()[field.name]!.type);
    fields.push({
      name: field.name,
      argumentSets,
      selection: { city: selectionFor(surface, getNamedType(field.type), 0), commune: selectionFor(surface, communeType, 0) },
    });
  }
  return fields;
}

function reachesCount(surface: AttackSurface, type: GraphQLNamedType, seen: Set<string>): boolean {
  if (!isObjectType(type) || seen.has(type.name) || surface.rules.typeScopes.has(type.name)) return false;
  seen.add(type.name);
  return Object.values(type.getFields()).some(
    (f) =>
      surface.rules.counts.has(`${type.name}.${f.name}`) || (!f.args.some((a) => isNonNullType(a.type)) && reachesCount(surface, getNamedType(f.type), seen)),
  );
}

/** Argument sets on the public grid: review years, whole calendar years and a span, quarter ends. */
function argumentSetsFor(field: GraphQLField<unknown, unknown>, spans: ReadonlyArray<readonly [number, number]>): FigureField['argumentSets'] | undefined {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const names = field.args
    .filter((a) => isNonNullType(a.type))
    .map((a) => a.name)
    .sort()
    .join(',');
  switch (names) {
    case '':
      return [{ label: '', args: '' }];
    case 'year':
      return YEARS.map((y) => ({ label: String(y), args: `(year: ${y})`, period: { kind: 'year' as const, years: [y] } }));
    case 'from,to':
      return [
        ...YEARS.map((y) => ({ label: String(y), args: `(from: "${y}-01-01", to: "${y}-12-31")`, period: { kind: 'year' as const, years: [y] } })),
        ...spans.map(([a, b]) => ({
          label: `${a}-${b}`,
          args: `(from: "${a}-01-01", to: "${b}-12-31")`,
          period: { kind: 'span' as const, years: range(a, b) },
        })),
      ];
    case 'asOf':
      return YEARS.map((y) => ({ label: `${y}-12-31`, args: `(asOf: "${y}-12-31")` }));
    case 'fromYear,toYear':
      return [
        ...YEARS.map((y) => ({ label: String(y), args: `(fromYear: ${y}, toYear: ${y})`, period: { kind: 'year' as const, years: [y] } })),
        ...spans.map(([a, b]) => ({ label: `${a}-${b}`, args: `(fromYear: ${a}, toYear: ${b})`, period: { kind: 'span' as const, years: range(a, b) } })),
      ];
    default:
      return undefined;
  }
}

/** Every field without required arguments, nested three deep; household-level types left out. */
export function selectionFor(surface: AttackSurface, type: GraphQLNamedType, depth: number): string {
  if (!isObjectType(type)) return '';
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type))) continue;
    const named = getNamedType(field.type);
    if (surface.rules.typeScopes.has(named.name) || surface.rules.fieldScopes.has(`${type.name}.${field.name}`)) continue;
    if (isScalarType(named) || isEnumType(named)) parts.push(field.name);
    else if (isObjectType(named) && depth < 3) {
      const inner = selectionFor(surface, named, depth + 1);
      if (inner) parts.push(`${field.name} { ${inner} }`);
    }
  }
  return parts.join(' ');
}

/** One leaf of an answer: where it is, what it is (its coordinate) and its value. */
export interface Leaf {
  path: string;
  coordinate: string;
  value: unknown;
}

/** The leaves of an answer under `type`, with their paths (list items by index). */
export function leaves(surface: AttackSurface, type: GraphQLNamedType, value: unknown, path = ''): Leaf[] {
  if (value === null || value === undefined || !isObjectType(type)) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(surface, type, item, `${path}[${i}]`));
  const out: Leaf[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = type.getFields()[key];
    if (!field) continue;
    const named = getNamedType(field.type);
    const here = path ? `${path}.${key}` : key;
    if (isObjectType(named)) out.push(...leaves(surface, named, v, here));
    else out.push({ path: here, coordinate: `${type.name}.${key}`, value: v });
  }
  return out;
}

/**
 * The distribution of the sum of n independent two-sided geometric noises (P(e = k) ∝ r^|k|),
 * as probabilities by offset from -width to +width. With r = 0 (no noise) the sum is 0.
 */
const sums = new Map<string, number[]>();
const WIDTH = 160;
export function noiseSum(n: number, r: number): number[] {
  const key = `${n}|${r}`;
  const known = sums.get(key);
  if (known) return known;
  let dist: number[];
  if (n === 0 || r === 0) {
    dist = Array.from({ length: 2 * WIDTH + 1 }, (_, i) => (i === WIDTH ? 1 : 0));
  } else {
    const one = Array.from({ length: 2 * WIDTH + 1 }, (_, i) => ((1 - r) / (1 + r)) * r ** Math.abs(i - WIDTH));
    const previous = noiseSum(n - 1, r);
    dist = Array.from({ length: 2 * WIDTH + 1 }, () => 0);
    for (let i = 0; i < previous.length; i++) {
      if (previous[i]! < 1e-15) continue;
      for (let j = 0; j < one.length; j++) {
        const k = i + j - WIDTH;
        if (k >= 0 && k < dist.length) dist[k]! += previous[i]! * one[j]!;
      }
    }
  }
  sums.set(key, dist);
  return dist;
}

/**
 * What a Bayesian attacker learns about one withheld value from one relation "total = withheld
 * values + published parts": the likelihood of each value 1..threshold (uniform prior on the
 * other withheld values, the published noisy values each true ± geometric noise, zeros exact).
 * Returns the likelihood vector (index 0 is the value 1); multiply vectors of several relations
 * and normalise for the attacker's posterior.
 */
export function withheldLikelihood(surface: AttackSurface, total: number, published: number[], withheldCount: number): number[] {
  const t = surface.threshold;
  const noisy = published.filter((p) => p !== 0).length + 1;
  const observed = total - published.reduce((a, b) => a + b, 0);
  const noise = noiseSum(noisy, surface.noiseRatio);
  // The sum of the other withheld values, each uniform on 1..t.
  let others = [1];
  for (let i = 1; i < withheldCount; i++) {
    const next = Array.from({ length: others.length + t }, () => 0);
    others.forEach((p, s) => {
      for (let v = 1; v <= t; v++) next[s + v]! += p / t;
    });
    others = next;
  }
  return Array.from({ length: t }, (_, i) => {
    const v = i + 1;
    let likelihood = 0;
    others.forEach((p, s) => {
      const e = observed - v - s;
      if (p > 0 && Math.abs(e) <= WIDTH) likelihood += p * noise[e + WIDTH]!;
    });
    return likelihood;
  });
}

/** The attacker's posterior for a withheld value from the likelihoods of every relation it is in. */
export function posterior(likelihoods: number[][], threshold: number): number[] {
  const product = Array.from({ length: threshold }, (_, i) => likelihoods.reduce((p, l) => p * l[i]!, 1));
  const sum = product.reduce((a, b) => a + b, 0);
  return sum > 0 ? product.map((p) => p / sum) : product.map(() => 1 / threshold);
}

/** An attack succeeds when the attacker is this sure of a withheld value's true value. */
export const CONFIDENCE = 0.9;

/** Whether a value is one a caller without exact counts sees withheld (null) for a small true value. */
export function isWithheld(surface: AttackSurface, publicValue: unknown, trueValue: unknown): boolean {
  return publicValue === null && typeof trueValue === 'number' && trueValue >= 1 && trueValue <= surface.threshold;
}

export function isList(field: GraphQLField<unknown, unknown>): boolean {
  const t = isNonNullType(field.type) ? field.type.ofType : field.type;
  return isListType(t);
}
