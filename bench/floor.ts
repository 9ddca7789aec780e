import pg from 'pg';
import type { CommuneScorecardQuery } from '../schema/operations/types.generated.js';
import type { CityFigures, FloorVariables, ScorecardRow } from '../subgraphs/bench-kit.js';
import { benches } from '../subgraphs/benches.js';

// The floor: the numbers of the commune scorecard and of the city overview computed by
// hand-written SQL straight on the subgraphs' schemas, with no GraphQL, no gateway and no
// subgraph server in between. Each department writes its own statements and reads their values
// (subgraphs/<name>/bench.ts, listed in subgraphs/benches.ts); this file puts them together and
// runs them. One statement per subgraph (each department's data could live in
// a database of its own, so nothing joins across schemas), the statements of one answer run in
// parallel, each returning one JSON value. The federated answer can be no faster than this.
//
// The statements read the tables the graph reads: the rollups where a subgraph keeps them
// (registry's poverty_year_rollup and poverty_status_change, credit_rollup and
// credit_household_gap, health_insurance_rollup and its gaps, the employment rollups), the base
// tables where the subgraph reads those (housing, livelihoods, job fairs, allowances and the
// other social programmes), so that "ours ÷ floor" is the price of federation and of the
// subgraphs' own code, nothing else. They are checked against the federated answer field by
// field, so a figure whose definition drifts shows up as a mismatch.

export type { FloorVariables } from '../subgraphs/bench-kit.js';

export interface FloorStatement {
  subgraph: string;
  text: string;
  values: unknown[];
}

/** Data: the operation's answer (schema/operations/types.generated.ts), or the part of it the floor computes. */
export interface FloorQuery<Data = unknown> {
  operation: string;
  statements(v: FloorVariables): FloorStatement[];
  /** The GraphQL `data` the statements' JSON values add up to (the fields it computes). */
  assemble(results: unknown[], v: FloorVariables): Data;
}

/** The departments with a share of each answer, in the list's order: statement i's value is share i's. */
const scorecardShares = benches.flatMap((b) => (b.scorecard ? [{ name: b.name, share: b.scorecard }] : []));
const overviewShares = benches.flatMap((b) => (b.overview ? [{ name: b.name, share: b.overview }] : []));

export const communeScorecardFloor: FloorQuery<CommuneScorecardQuery> = {
  operation: 'commune-scorecard',
  statements: (v) => scorecardShares.map(({ name, share }) => ({ subgraph: name, ...share.floor(v) })),
  assemble: (results) => {
    // The department that owns the communes (the registry) gives the rows and their order; every
    // department then adds its fields to each row.
    const codes = scorecardShares.map(({ share }, i) => share.communes?.(results[i])).find((list) => list !== undefined);
    if (!codes) throw new Error('no department lists the communes (subgraphs/<name>/bench.ts: scorecard.communes)');
    const rows = scorecardShares.map(({ share }, i) => share.rows(results[i]));
    // A row is whole once every department's fields are in: bench/floor.stack.test.ts checks that
    // the floor computes every field of the operation's answer, which the cast cannot.
    return { communes: codes.map((code) => Object.assign({}, ...rows.map((row) => row(code))) as ScorecardRow) };
  },
};

// Every field of the answer but the city's name, which is no figure.
export const cityOverviewFloor: FloorQuery<{ city: CityFigures }> = {
  operation: 'city-overview',
  statements: (v) => overviewShares.map(({ name, share }) => ({ subgraph: name, ...share.floor(v) })),
  assemble: (results, v) => ({ city: Object.assign({}, ...overviewShares.map(({ share }, i) => share.city(results[i], v))) as CityFigures }),
};

export const FLOORS: readonly FloorQuery[] = [communeScorecardFloor, cityOverviewFloor];

/**
 * Runs one answer's statements in parallel on `pool` and assembles them. The pool stands in
 * for the subgraphs' pools, so it gets as many connections as they have together.
 */
export async function runFloor(pool: pg.Pool, floor: FloorQuery, variables: FloorVariables): Promise<unknown> {
  return runFloorWith(async (s) => (await pool.query<{ value: unknown }>(s.text, s.values)).rows[0]?.value, floor, variables);
}

/** runFloor with any way of running a statement (tests run them on each subgraph's own database). */
export async function runFloorWith(run: (s: FloorStatement) => Promise<unknown>, floor: FloorQuery, variables: FloorVariables): Promise<unknown> {
  return floor.assemble(await Promise.all(floor.statements(variables).map(run)), variables);
}

export interface Comparison {
  checked: number;
  /** Federated fields that were null where the floor has a number: withheld small counts. */
  withheld: number;
  mismatches: string[];
}

/**
 * Compares every leaf the floor computes with the federated answer's leaf at the same path.
 * Numbers compare as numbers (Money strings included); a federated null against a floor number
 * is counted as withheld (access control hides small counts from roles without exact counts),
 * not as a mismatch.
 */
export function compareWithFloor(federated: unknown, floor: unknown, path = ''): Comparison {
  const result: Comparison = { checked: 0, withheld: 0, mismatches: [] };
  const walk = (f: unknown, expected: unknown, at: string) => {
    if (Array.isArray(expected)) {
      if (!Array.isArray(f) || f.length !== expected.length) {
        result.mismatches.push(`${at}: ${Array.isArray(f) ? `${f.length} items` : JSON.stringify(f)} federated, ${expected.length} items from SQL`);
        return;
      }
      expected.forEach((e, i) => walk(f[i], e, `${at}[${i}]`));
      return;
    }
    if (expected !== null && typeof expected === 'object') {
      if (f === null || typeof f !== 'object') {
        result.mismatches.push(`${at}: ${JSON.stringify(f)} federated, an object from SQL`);
        return;
      }
      for (const [key, value] of Object.entries(expected)) walk((f as Record<string, unknown>)[key], value, at ? `${at}.${key}` : key);
      return;
    }
    result.checked++;
    if (f === null && expected !== null) {
      result.withheld++;
      return;
    }
    if (!sameLeaf(f, expected)) result.mismatches.push(`${at}: ${JSON.stringify(f)} federated, ${JSON.stringify(expected)} from SQL`);
  };
  walk(federated, floor, path);
  return result;
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const x = Number(a);
  const y = Number(b);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- spreadsheet cells: strings or numbers here
  if (typeof a !== 'boolean' && Number.isFinite(x) && Number.isFinite(y) && String(a).trim() !== '' && String(b).trim() !== '') {
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
  }
  return false;
}
