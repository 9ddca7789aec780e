import fs from 'node:fs';
import DataLoader from 'dataloader';
import type { RequestAuth } from './access/request.js';
import { badInput } from './errors.js';
import { projectUrl } from './paths.js';
import type { RegistryClassification, RegistryClient } from './registry-client.js';

/**
 * Cross-department consistency checks (issue 17): the shared vocabulary of the rules.
 *
 * Design. Each subgraph owns its schema and never reads another's tables, so a rule that
 * compares two departments' records is evaluated by one of them (its `evaluatedBy` in
 * config/consistency-rules.json) against facts the other exposes:
 *
 * - facts of the registry are asked for over HTTP with the registry client
 *   (platform/registry-client.ts), as the write-path checks already do, but for a whole
 *   commune or the city at once: hidden registry queries give the reviews of a year with the
 *   households' members (`consistencyReviewFacts`) and the lists in force
 *   (`consistencyClassifications`) in one request each, whatever the number of households;
 * - facts of another programme subgraph travel through the gateway with federation: the
 *   subgraph that has them adds a hidden (`@inaccessible`) field to the `CommuneConsistency`
 *   or `CityConsistency` entity, and the evaluating subgraph `@requires` it (housing requires
 *   credit's VBSP housing loans);
 * - each evaluating subgraph adds its findings to the same entity as a hidden field, and the
 *   registry, which owns the entity's public fields, `@requires` them all: the gateway gathers
 *   every department's findings in parallel (one `_entities` request each) and the registry
 *   merges, counts and pages them.
 *
 * So each department's rules live in its own folder (`<subgraph>/consistency.ts`), a request
 * for one commune (or for all 126: `perCommune` runs the rules once for every commune of an
 * `_entities` batch) costs a fixed number of requests and SQL statements whatever the number of
 * households, and adding a department's rule touches that department's folder, its SDL and the
 * registry's `@requires` list. The city's summary runs the same rules over every commune the
 * caller may see and carries only counts.
 */

export const RULES_FILE = projectUrl('config/consistency-rules.json');

export type Department = 'registry' | 'credit' | 'housing' | 'social_insurance' | 'employment' | 'livelihoods';

export interface ConsistencyRule {
  code: string;
  departments: Department[];
  evaluatedBy: Department[];
  description: { en: string; vi: string };
  parameters: Record<string, unknown>;
}

/** A record a finding names: its owning department, its GraphQL type and its id there. */
export interface FindingRecord {
  department: Department;
  kind: string;
  id: string;
}

/** One finding as a department reports it (the hidden `DepartmentFinding` type). */
export interface DepartmentFinding {
  rule: string;
  householdId: string;
  communeCode: string;
  departments: Department[];
  records: FindingRecord[];
  /** The figures that disagree, in a few words (numbers and dates, no personal data), in English. */
  detail: string;
  /** The same, in Vietnamese: the caseworkers who work through the findings read it. */
  detailVi: string;
}

/** A classification in the words of a Vietnamese review form (the registry's `Classification`). */
export const CLASSIFICATION_VI: Record<RegistryClassification, string> = {
  POOR: 'hộ nghèo',
  NEAR_POOR: 'hộ cận nghèo',
  MIDDLE_INCOME: 'hộ có mức sống trung bình',
  ABOVE_MIDDLE_INCOME: 'hộ trên mức sống trung bình',
};

/** A classification, or its absence, in Vietnamese. */
export function classificationVi(classification: RegistryClassification | null): string {
  return classification === null ? 'chưa rà soát' : CLASSIFICATION_VI[classification];
}

/** How many findings one rule gave (the hidden `DepartmentRuleCount` type). */
export interface RuleCount {
  rule: string;
  count: number;
}

let cached: ConsistencyRule[] | undefined;

/** The rules of config/consistency-rules.json, checked once. */
export function consistencyRules(): ConsistencyRule[] {
  if (cached) return cached;
  const raw = JSON.parse(fs.readFileSync(RULES_FILE, 'utf8')) as { rules?: ConsistencyRule[] };
  const rules = raw.rules ?? [];
  const codes = new Set<string>();
  for (const r of rules) {
    if (!/^[A-Z][A-Z_]*$/.test(r.code) || codes.has(r.code)) throw new Error(`consistency rule code "${r.code}" is not a unique UPPER_CASE code`);
    if (!r.description?.en || !r.description?.vi) throw new Error(`consistency rule ${r.code} needs a description in en and vi`);
    if (!r.evaluatedBy?.length || !r.evaluatedBy.every((d) => r.departments.includes(d))) {
      throw new Error(`consistency rule ${r.code}: evaluatedBy must name some of its departments`);
    }
    codes.add(r.code);
  }
  cached = rules;
  return rules;
}

export function consistencyRule(code: string): ConsistencyRule {
  const rule = consistencyRules().find((r) => r.code === code);
  if (!rule) throw new Error(`no consistency rule ${code} in ${RULES_FILE.pathname}`);
  return rule;
}

/** A numeric parameter of a rule; throws at first use when the rules file lacks it. */
export function numberParameter(code: string, name: string): number {
  const value = consistencyRule(code).parameters[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`consistency rule ${code} needs a numeric parameter ${name}`);
  return value;
}

export function stringParameter(code: string, name: string): string {
  const value = consistencyRule(code).parameters[name];
  if (typeof value !== 'string') throw new Error(`consistency rule ${code} needs a string parameter ${name}`);
  return value;
}

/** The years a check may be asked about. */
export function checkYear(year: number): number {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput('year', `year must be between 2000 and 2100, got ${year}`);
  return year;
}

/**
 * The communes a check may look at for this caller: one commune when the caller may see it
 * (none otherwise: a commune outside a caseworker's scope reads as one without findings), or,
 * for the city, the caller's communes (null: every commune).
 */
export function communesToCheck(auth: RequestAuth, communeCode: string | null): string[] | null {
  if (communeCode !== null) return auth.canSeeCommune(communeCode) ? [communeCode] : [];
  return auth.communeScope ? [...auth.communeScope] : null;
}

export function countByRule(findings: readonly DepartmentFinding[]): RuleCount[] {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].map(([rule, count]) => ({ rule, count }));
}

/** First and last day of a calendar year. */
export function yearBounds(year: number): { from: string; to: string } {
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** `date` moved by `days` (negative: earlier), as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A department's record of support granted to a household, as the list rule needs it. */
export interface GrantedRecord {
  id: number;
  household_id: number;
  commune_code: string;
  /** The day the support was granted (approval, start): its year's lists are those in force. */
  granted: string;
  /** The record's GraphQL type, for the finding. */
  kind: string;
}

/**
 * SUPPORT_WITHOUT_LIST for records that need the household on the poor or near-poor list in
 * force when they were granted (the registry's review of the year before): each record whose
 * household the registry's reviews, as they are now, do not classify as `eligible` allows. The
 * registry gives the lists of these communes (null: the city) in one request.
 */
export async function grantedWithoutList(
  registry: RegistryClient,
  communes: string[] | null,
  department: Department,
  records: readonly GrantedRecord[],
  eligible: (classification: RegistryClassification | null) => boolean,
): Promise<DepartmentFinding[]> {
  if (records.length === 0) return [];
  const listYear = (r: GrantedRecord) => Number(r.granted.slice(0, 4)) - 1;
  const years = [...new Set(records.map(listYear))];
  const households = await registry.classifications(
    communes,
    years,
    records.map((r) => String(r.household_id)),
  );
  return records.flatMap((r): DepartmentFinding[] => {
    const household = households.get(String(r.household_id));
    const classification = household?.classificationByYear[listYear(r)] ?? null;
    if (!household || eligible(classification)) return [];
    return [
      {
        rule: 'SUPPORT_WITHOUT_LIST',
        householdId: String(r.household_id),
        communeCode: r.commune_code,
        departments: ['registry', department],
        records: [{ department, kind: r.kind, id: String(r.id) }],
        detail: `${r.kind} granted ${r.granted}; review ${listYear(r)}: ${classification ?? 'not reviewed'}`,
        detailVi: `${r.kind} cấp ngày ${r.granted}; rà soát năm ${listYear(r)}: ${classificationVi(classification)}`,
      },
    ];
  });
}

/** The key a department's entity reference carries (`CommuneConsistency`, `CityConsistency`). */
export interface CommuneConsistencyRef {
  communeCode: string;
  year: number;
}
export interface CityConsistencyRef {
  year: number;
}
/**
 * What a department's consistency fields receive (their parent in the generated resolver types):
 * the reference, with the facts the department `@requires` under their own field names.
 */
export type CommuneConsistencyParent = CommuneConsistencyRef & Record<string, unknown>;
export type CityConsistencyParent = CityConsistencyRef & Record<string, unknown>;

/** The representations of one batch as one: list fields (facts a subgraph requires) concatenated. */
function mergeRefs(refs: readonly Record<string, unknown>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const ref of refs) {
    for (const [key, value] of Object.entries(ref)) {
      if (Array.isArray(value)) merged[key] = [...((merged[key] as unknown[] | undefined) ?? []), ...(value as unknown[])];
      else if (!(key in merged)) merged[key] = value;
    }
  }
  return merged;
}

export type Evaluate<TContext> = (ctx: TContext, communes: string[] | null, year: number, ref: Record<string, unknown>) => Promise<DepartmentFinding[]>;

/**
 * A commune's findings from one run of `evaluate` over every commune the request asks about: the
 * gateway sends the entities of many communes in one `_entities` call (`communes { consistency(year)
 * { ... } }`), and the rules run once for all of them (per year) instead of once a commune. The
 * facts each representation carries are merged for the run. One loader per request (`ctx`).
 */
export function perCommune<TContext extends object, T extends { communeCode: string } = DepartmentFinding>(
  evaluate: (ctx: TContext, communes: string[] | null, year: number, ref: Record<string, unknown>) => Promise<T[]>,
) {
  const loaders = new WeakMap<TContext, { loader: DataLoader<string, T[]>; refs: Map<string, Record<string, unknown>> }>();
  return (ctx: TContext, communeCode: string, year: number, ref: Record<string, unknown> = {}): Promise<T[]> => {
    let batch = loaders.get(ctx);
    if (!batch) {
      const refs = new Map<string, Record<string, unknown>>();
      const loader = new DataLoader<string, T[]>(async (keys) => {
        const years = new Map<number, string[]>();
        for (const key of keys) {
          const [y, code] = key.split('|') as [string, string];
          years.set(Number(y), [...(years.get(Number(y)) ?? []), code]);
        }
        const found = new Map<string, T[]>();
        for (const [y, codes] of years) {
          const findings = await evaluate(ctx, codes, y, mergeRefs(codes.map((c) => refs.get(`${y}|${c}`) ?? {})));
          for (const f of findings) {
            const key = `${y}|${f.communeCode}`;
            found.set(key, [...(found.get(key) ?? []), f]);
          }
        }
        return keys.map((k) => found.get(k) ?? []);
      });
      batch = { loader, refs };
      loaders.set(ctx, batch);
    }
    const key = `${year}|${communeCode}`;
    batch.refs.set(key, ref);
    return batch.loader.load(key);
  };
}

/**
 * The entity resolvers every department adds: `findings(ctx, communes, year, ref)` evaluates the
 * department's rules over those communes (null: the city) and returns its findings; the commune
 * entity lists them (batched over the communes of a request), the city entity counts them (a
 * city's findings would be too many to carry through the gateway).
 */
export function departmentConsistencyResolvers<TContext extends { auth: RequestAuth }, F extends string = string>(field: F, findings: Evaluate<TContext>) {
  const ofCommune = perCommune(findings);
  const communeFindings = async (ref: CommuneConsistencyParent, _: unknown, ctx: TContext): Promise<DepartmentFinding[]> =>
    ctx.auth.canSeeCommune(ref.communeCode) ? ofCommune(ctx, ref.communeCode, checkYear(ref.year), ref) : [];
  const cityCounts = async (ref: CityConsistencyParent, _: unknown, ctx: TContext): Promise<RuleCount[]> => {
    const communes = communesToCheck(ctx.auth, null);
    return communes?.length === 0 ? [] : countByRule(await findings(ctx, communes, checkYear(ref.year), ref));
  };
  // TypeScript widens a computed key to `string`; the casts give back the field names built from
  // `field`, so that the department's generated resolver types check them against its SDL.
  return {
    CommuneConsistency: {
      // The representation as it came (with its __typename), with any fields this subgraph `@requires`.
      __resolveReference: <R extends CommuneConsistencyRef>(ref: R): R => ref,
      ...({ [`${field}Findings`]: communeFindings } as Record<`${F}Findings`, typeof communeFindings>),
    },
    CityConsistency: {
      __resolveReference: <R extends CityConsistencyRef>(ref: R): R => ref,
      ...({ [`${field}RuleCounts`]: cityCounts } as Record<`${F}RuleCounts`, typeof cityCounts>),
    },
  };
}
