import { performance } from 'node:perf_hooks';
import { withClient } from './data.js';
import { postRaw } from './lib/http.js';
import type { UsersLoad } from './results.js';
import type { BenchUser } from './users.js';

// The load of simulated officials (bench/users.ts) on one gateway: each client sends the
// operation with its own headers, while one writer records a small loan repayment at a low
// rate through the same gateway. The figures may change under the readers (that is the
// point: answers kept by the graph must follow the writes), so an answer is checked for being
// a whole answer (HTTP 200, data, no errors), not against one fixed body.

/** What the users need from the data set: the communes (caseworkers get two each) and the loan the writer repays. */
export async function usersFixtures(databaseUrl: string): Promise<{ communes: string[]; loanId: string }> {
  return withClient(databaseUrl, async (client) => {
    const codes = (await client.query<{ code: string }>('SELECT code FROM registry.commune ORDER BY position')).rows.map((r) => r.code);
    // The loan with the most principal still owed: a thousand đồng a second never repays it.
    const loan = await client.query<{ id: string }>(
      `SELECT l.id::text AS id FROM credit.loan l
       LEFT JOIN (SELECT loan_id, sum(principal) AS repaid FROM credit.loan_repayment GROUP BY loan_id) r ON r.loan_id = l.id
       WHERE l.written_off_on IS NULL ORDER BY l.principal - coalesce(r.repaid, 0) DESC, l.id LIMIT 1`,
    );
    return { communes: codes, loanId: loan.rows[0]!.id };
  });
}

/**
 * Up to `perCommune` household ids of every commune, in an order fixed by the data alone (a hash
 * of the id, so they are spread over the commune rather than its oldest): the households the
 * household view's readers open (bench/users.ts, assignHouseholds).
 */
export async function householdsByCommune(databaseUrl: string, perCommune: number): Promise<Map<string, string[]>> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ code: string; ids: string[] }>(
      `SELECT commune_code AS code, array_agg(id::text ORDER BY n) AS ids
       FROM (SELECT commune_code, id, row_number() OVER (PARTITION BY commune_code ORDER BY md5(id::text), id) AS n FROM registry.household) h
       WHERE n <= $1 GROUP BY commune_code`,
      [perCommune],
    );
    return new Map(rows.map((r) => [r.code, r.ids]));
  });
}

/**
 * What each reader sends: one body for all (the figures' operations), or, for an operation that
 * opens one household (the household view), the reader's next household of `user.households`.
 */
export interface UsersWorkload {
  body(user: BenchUser, turn: number): string;
  /** Whether a whole answer's data is what this reader should see (a household opened, not null). */
  expected(data: Record<string, unknown>): boolean;
}

export function sameBody(body: string): UsersWorkload {
  return { body: () => body, expected: () => true };
}

/**
 * The household view with `{ id }` set to each reader's households in turn; an answer whose
 * `household` is null (a caseworker sent outside its communes, or a household that is not there)
 * is counted as a mismatch, so a wrong choice of households cannot pass for a fast run.
 */
export function householdWorkload(document: string, variables: Record<string, unknown>): UsersWorkload {
  const bodies = new Map<string, string>();
  return {
    body: (user, turn) => {
      const households = user.households;
      if (!households?.length) throw new Error(`${user.sub ?? 'the public'} has no households to open`);
      const id = households[turn % households.length]!;
      let body = bodies.get(id);
      if (!body) bodies.set(id, (body = JSON.stringify({ query: document, variables: { ...variables, id } })));
      return body;
    },
    expected: (data) => data.household !== null && data.household !== undefined,
  };
}

/**
 * One reader's request: throws on a failure (counted as an error), true when the answer has the
 * data expected. Client `c` is reader `c` (mod the readers), and its `turn`-th request is the
 * workload's body for that turn: counted from 0 in every run, so two gateways given the same
 * readers are sent the same requests in the same order.
 */
export function userTask(url: string, workload: UsersWorkload, users: readonly BenchUser[]): (client: number) => Promise<boolean> {
  const turns = new Map<number, number>();
  return async (client) => {
    const user = users[client % users.length]!;
    const turn = turns.get(client) ?? 0;
    turns.set(client, turn + 1);
    const response = await postRaw(url, workload.body(user, turn), user.headers);
    if (response.status !== 200) throw new Error(`HTTP ${response.status} for ${user.sub ?? 'the public'}: ${response.body.slice(0, 200)}`);
    const json = JSON.parse(response.body) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string }> };
    if (json.errors?.length) throw new Error(`${user.sub ?? 'the public'}: ${json.errors[0]!.message}`);
    return json.data !== null && json.data !== undefined && workload.expected(json.data);
  };
}

export interface WriterStats {
  writes: number;
  /** Each answered write, from sent to answered, in ms. */
  writeMs: number[];
  errors: number;
  firstError?: string;
}

const REPAYMENT = `mutation BenchRepayment($input: RecordLoanRepaymentInput!) {
  recordRepayment(input: $input) { repayment { id } loan { id outstanding } }
}`;

/**
 * A credit writer repaying 1,000 đồng of principal on `loanId` every `intervalMs` (after the
 * previous write was answered) until stopped. Each write lands in the loan's commune, so any
 * answer the graph keeps for that commune's credit figures must be renewed.
 */
export function startWriter(url: string, writer: BenchUser, loanId: string, intervalMs: number): { stop: () => Promise<WriterStats> } {
  const stats: WriterStats = { writes: 0, writeMs: [], errors: 0 };
  let running = intervalMs > 0;
  const paidOn = new Date().toISOString().slice(0, 10);
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const body = JSON.stringify({ query: REPAYMENT, variables: { input: { loanId, paidOn, principal: '1000', interest: '0' } } });
        const response = await postRaw(url, body, writer.headers);
        const json = JSON.parse(response.body) as { errors?: Array<{ message: string }> };
        if (response.status !== 200 || json.errors?.length)
          throw new Error(`HTTP ${response.status}: ${json.errors?.[0]?.message ?? response.body.slice(0, 200)}`);
        stats.writes++;
        stats.writeMs.push(performance.now() - started);
      } catch (error) {
        stats.errors++;
        stats.firstError ??= error instanceof Error ? error.message : String(error);
      }
      const wait = intervalMs - (performance.now() - started);
      if (running && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return stats;
    },
  };
}

/**
 * Rounds of one load as one: requests over the seconds of all of them, the rounds' medians and
 * tails averaged (each round keeps only its percentiles), failures and writes added up.
 */
export function combineLoads(runs: readonly UsersLoad[]): UsersLoad {
  if (runs.length === 1) return runs[0]!;
  const mean = (pick: (r: UsersLoad) => number) => runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
  const sum = (pick: (r: UsersLoad) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const firstError = runs.find((r) => r.firstError)?.firstError;
  const firstWriteError = runs.find((r) => r.firstWriteError)?.firstWriteError;
  return {
    clients: runs[0]!.clients,
    requests: sum((r) => r.requests),
    seconds: sum((r) => r.seconds),
    throughput: sum((r) => r.requests) / sum((r) => r.seconds),
    p50: mean((r) => r.p50),
    p95: mean((r) => r.p95),
    p99: mean((r) => r.p99),
    max: Math.max(...runs.map((r) => r.max)),
    errors: sum((r) => r.errors),
    mismatches: sum((r) => r.mismatches),
    peakMemoryMiB: Math.max(...runs.map((r) => r.peakMemoryMiB)),
    writes: sum((r) => r.writes),
    writeMs: runs.flatMap((r) => r.writeMs),
    writeErrors: sum((r) => r.writeErrors),
    ...(firstError ? { firstError } : {}),
    ...(firstWriteError ? { firstWriteError } : {}),
  };
}
