import { dateSegments, FIRST_DAY, type DateSegment } from '../platform/date-segments.js';
import type { CityOverviewQuery, CommuneKind, CommuneScorecardQuery } from '../schema/operations/types.generated.js';

/**
 * What a department's bench room (subgraphs/<name>/bench.ts) exports, and the helpers its floor
 * SQL shares. For each of the dashboard's two figure answers (the commune scorecard and the city
 * overview) a department names its share twice: the fields the gateway asks of it, and the floor,
 * hand-written SQL on its own schema computing the same numbers with no GraphQL in between.
 * bench/floor.ts and bench/scorecard.ts assemble the rooms from subgraphs/benches.ts.
 *
 * Node code, for the benchmarks: the dashboard's bundle never imports it (its rooms are
 * subgraphs/<name>/dashboard.ts).
 */

/** The variables of both operations (schema/operations/commune-scorecard.graphql, city-overview.graphql). */
export interface FloorVariables {
  from: string;
  to: string;
  year: number;
  asOf: string;
}

/** One statement on the department's own schema that returns one JSON value (its `value` column). */
export interface FloorStatement {
  text: string;
  values: unknown[];
}

export type ScorecardRow = CommuneScorecardQuery['communes'][number];
/** Every field of the city overview's answer but the city's name, which is no figure. */
export type CityFigures = Omit<CityOverviewQuery['city'], 'name'>;

/**
 * A department's share of the commune scorecard. `Value` is the JSON its statement returns (its
 * own SQL's shape, trusted: the floor is checked against the federated answer field by field).
 */
export interface ScorecardShare<Value> {
  /** Its fields of Commune as the gateway asks them, with the operation's variables ($from, $to, $year, $asOf). */
  fields: string;
  floor(v: FloorVariables): FloorStatement;
  /** Its fields of a commune's row, read from the statement's value (read once, then asked per commune). */
  rows(value: Value): (code: string) => Partial<ScorecardRow>;
  /** Only the department that owns the communes (the registry): their codes, in the scorecard's order. */
  communes?(value: Value): string[];
}

/** A department's share of the city overview; `Value` as in ScorecardShare. */
export interface OverviewShare<Value> {
  /** Its fields of City as the gateway asks them, with the operation's variables. */
  fields: string;
  floor(v: FloorVariables): FloorStatement;
  city(value: Value, v: FloorVariables): Partial<CityFigures>;
}

/**
 * A department's bench room. The shares are declared with methods, so a room typed with its own
 * `Value` fits this list type, which the assembler feeds with the statements' JSON.
 */
export interface DepartmentBench {
  /** The subgraph's name, as in subgraphs/catalog.ts. */
  name: string;
  /** Absent while the department has no field in the scorecard (a new one, for example). */
  scorecard?: ScorecardShare<unknown>;
  overview?: OverviewShare<unknown>;
}

/** A percentage of households; null when the households are unknown or none. */
export const rate = (n: number, households: number | null) => (households ? (n / households) * 100 : null);
export const kindEnum = (kind: string): CommuneKind => (kind === 'ward' ? 'WARD' : 'RURAL_COMMUNE');
/** Money travels as a decimal string in GraphQL. */
export const money = (n: number | string | null | undefined) => String(n ?? 0);

/**
 * Rollup rows of the runs `list` (platform/date-segments.ts): the same few year, month
 * and day rows the subgraphs' figures read. Dates are the operation's own variables, checked to
 * be ISO dates before they go into the text.
 */
export function segments(list: readonly DateSegment[]): string {
  const date = (d: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not an ISO date: ${d}`);
    return `'${d}'::date`;
  };
  return `(${list.map((s) => `(grain = '${s.grain}' AND period_start BETWEEN ${date(s.from)} AND ${date(s.to)})`).join(' OR ')})`;
}

/** The runs of rollup rows a figure reads: the period, and the prefixes up to `to`, `from` and `asOf` (balances). */
export function rollupRuns({ from, to, asOf }: FloorVariables) {
  return {
    period: dateSegments(from, to),
    upToTo: dateSegments(FIRST_DAY, to),
    upToFrom: dateSegments(FIRST_DAY, from),
    upToAsOf: dateSegments(FIRST_DAY, asOf),
  };
}

/**
 * `fields` with the variables' values written in (`$year` → `2024`, `$from` → `"2022-01-01"`),
 * for a request that declares no variables.
 */
export function withValues(fields: string, v: FloorVariables): string {
  return fields.replace(/\$(from|to|year|asOf)\b/g, (_m, name: keyof FloorVariables) => JSON.stringify(v[name]));
}
