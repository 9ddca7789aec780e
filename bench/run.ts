import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadOperations, type DashboardOperation } from '../platform/operations.js';
import type { CommuneScorecardQuery, CoverageGapsQuery, Household360Query } from '../schema/operations/types.generated.js';
import { benchHeaders } from './auth.js';
import { parseConfig, type BenchConfig } from './config.js';
import { ensureDataset, withClient, type Dataset } from './data.js';
import { compareWithFloor, FLOORS, runFloor, type FloorVariables } from './floor.js';
import { postGraphQL, postRaw } from './lib/http.js';
import { closedLoop, httpTask, percentile, warmAndMeasure, type LoadResult } from './lib/load.js';
import { runMain } from './lib/main.js';
import { describePlan, PlanCapture, replayPlan, settleAnswers } from './plan.js';
import { renderMarkdown } from './report.js';
import type { BenchResults, FloorResult, GatewayRun, GrowthResult, OperationRun, StatementVariant, Target, UsersLoad, UsersRun } from './results.js';
import { BenchStack, SUPERGRAPH_PATH, type Gateway } from './stack.js';
import { combineLoads, householdsByCommune, householdWorkload, sameBody, startWriter, userTask, usersFixtures, type UsersWorkload } from './users-load.js';
import { assignHouseholds, benchMinter, HOUSEHOLD_READER_MIX, mintReaders, mintWriter, type BenchUser, type Minter } from './users.js';

// npm run bench [-- --quick | --help]: see docs/performance.md.

const started = Date.now();
const log = (message: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const MiB = 1024 * 1024;

/** An operation as the harness sends it: its request body and the headers every request carries. */
interface Prepared {
  op: DashboardOperation;
  body: string;
}

function prepare(op: DashboardOperation): Prepared {
  return { op, body: JSON.stringify({ query: op.document, variables: op.variables }) };
}

/**
 * JSON with sorted keys: two gateways may order an object's keys differently without it
 * mattering; page cursors blanked (sealed with a fresh nonce each time, see withoutCursors).
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) =>
    (key === 'cursor' || key === 'endCursor') && typeof v === 'string'
      ? '…'
      : v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
  );
}

function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
      if (d) return d;
    }
  }
  return `${at || '(root)'}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
}

async function loadGateway(gateway: Gateway, prepared: Prepared, clients: number, config: BenchConfig, expectBody: string): Promise<GatewayRun> {
  const task = httpTask({ url: gateway.url, body: prepared.body, headers: benchHeaders(), expectBody });
  // The peak covers the warm-up too: memory grows while the first requests are planned.
  gateway.memory.reset();
  const { warmup, measured } = await warmAndMeasure(clients, config.warmupSeconds, config.seconds, task);
  return { ...measured, ...mergedFailures(warmup, measured), peakMemoryMiB: gateway.memory.peak() / MiB };
}

/** A failure while warming up makes the measured run suspect too. */
function mergedFailures(warmup: LoadResult, measured: LoadResult): Pick<LoadResult, 'errors' | 'firstError' | 'mismatches'> {
  const firstError = warmup.firstError ?? measured.firstError;
  return { errors: warmup.errors + measured.errors, mismatches: warmup.mismatches + measured.mismatches, ...(firstError ? { firstError } : {}) };
}

/** SQL statements per request: `samples` requests one after another, counted in the subgraphs. */
async function statementsPerRequest(
  stack: BenchStack,
  url: string,
  body: string,
  samples: number,
): Promise<{ perRequest: number; bySubgraph: Record<string, number> }> {
  await stack.statements();
  for (let i = 0; i < samples; i++) {
    const response = await postRaw(url, body, benchHeaders());
    if (response.status !== 200) throw new Error(`HTTP ${response.status} while counting statements: ${response.body.slice(0, 300)}`);
  }
  const { count, bySubgraph } = await stack.statements();
  // Kept answers make some requests cost no statement, so the mean is a fraction: two decimals
  // are all a report needs (0.33, not 0.3333333333333333).
  const mean = (n: number) => Math.round((n / samples) * 100) / 100;
  const per = Object.fromEntries(Object.entries(bySubgraph).map(([k, v]) => [k, mean(v)]));
  return { perRequest: mean(count), bySubgraph: per };
}

function loadFailures(label: string, result: LoadResult): string[] {
  const problems: string[] = [];
  if (result.errors) problems.push(`${result.errors} failed requests (first: ${result.firstError ?? '?'})`);
  if (result.mismatches) problems.push(`${result.mismatches} answers that differed from the checked one`);
  if (result.requests === 0) problems.push('no request answered');
  return problems.length ? [`${label}: ${problems.join(', ')}`] : [];
}

/**
 * Variants of an operation whose answers hold more or fewer communes or households: the SQL
 * statement count must not follow the size of the answer (N+1 guard under the real plan).
 */
async function statementVariants(
  stack: BenchStack,
  gatewayUrl: string,
  prepared: Prepared,
  /** Our gateway's `data` for the operation (null when it answered none), typed below by the operation's name. */
  answer: unknown,
  dataset: Dataset,
  samples: number,
): Promise<StatementVariant[]> {
  const variants: Array<{ variant: string; holds: string; size: number; document: string; variables: Record<string, unknown> }> = [];
  const { op } = prepared;
  const scorecard = op.name === 'commune-scorecard' ? (answer as CommuneScorecardQuery | null) : null;
  if (scorecard) {
    const codes = scorecard.communes.slice(0, 2).map((c) => c.code);
    variants.push({
      variant: 'all communes',
      holds: `${scorecard.communes.length} communes`,
      size: scorecard.communes.length,
      document: op.document,
      variables: op.variables,
    });
    variants.push({
      variant: 'two communes',
      holds: '2 communes',
      size: 2,
      document: op.document.replace(/communes\s*\{/, `communes(filter: { codes: ${JSON.stringify(codes)} }) {`),
      variables: op.variables,
    });
  }
  if (op.name === 'coverage-gaps' && /first:\s*100/.test(op.document)) {
    const gaps = answer as CoverageGapsQuery | null;
    const size = gaps?.households.edges.length ?? 0;
    variants.push({ variant: 'page of 100', holds: `${size} households`, size, document: op.document, variables: op.variables });
    variants.push({ variant: 'page of 5', holds: '5 households', size: 5, document: op.document.replace(/first:\s*100/, 'first: 5'), variables: op.variables });
  }
  if (op.name === 'household-360') {
    const busiest = await withClient(dataset.url, async (client) => {
      const { rows } = await client.query<{ household_id: string; loans: number }>(
        'SELECT household_id, count(*)::int AS loans FROM credit.loan GROUP BY household_id ORDER BY count(*) DESC, household_id LIMIT 1',
      );
      return rows[0];
    });
    const loans = (answer as Household360Query | null)?.household?.loans?.length ?? 0;
    variants.push({
      variant: `household ${String(op.variables.id)}`,
      holds: `${loans} loans`,
      size: loans,
      document: op.document,
      variables: op.variables,
    });
    if (busiest) {
      variants.push({
        variant: `household ${busiest.household_id} (most loans)`,
        holds: `${busiest.loans} loans`,
        size: busiest.loans,
        document: op.document,
        variables: { ...op.variables, id: String(busiest.household_id) },
      });
    }
  }
  const results: StatementVariant[] = [];
  for (const v of variants) {
    const body = JSON.stringify({ query: v.document, variables: v.variables });
    const check = await postGraphQL(gatewayUrl, { query: v.document, variables: v.variables }, benchHeaders());
    if (check.json.errors?.length) throw new Error(`${op.name} (${v.variant}) answered with errors: ${JSON.stringify(check.json.errors).slice(0, 300)}`);
    const { perRequest } = await statementsPerRequest(stack, gatewayUrl, body, samples);
    results.push({ variant: v.variant, holds: v.holds, size: v.size, statements: perRequest });
  }
  return results;
}

/** Households each reader of the household view opens in turn (a cycle longer than any run's requests per client at 50 clients). */
const HOUSEHOLDS_PER_READER = 16;

/** The operations that open one household by `$id`: their readers each get households of their own. */
const HOUSEHOLD_OPERATIONS = new Set(['household-360']);

/**
 * The readers of one operation and what each sends. The figures' operations: the mix of
 * bench/users.ts, all sending the same body. The household view: caseworkers and
 * administrators (the roles the policy lets open it), each with households of their own, a
 * caseworker's from its communes.
 */
async function usersOf(
  prepared: Prepared,
  clients: number,
  dataset: Dataset,
  communes: string[],
  mint: Minter,
): Promise<{ readers: BenchUser[]; workload: UsersWorkload }> {
  const { op } = prepared;
  if (!HOUSEHOLD_OPERATIONS.has(op.name)) return { readers: await mintReaders(clients, communes, mint), workload: sameBody(prepared.body) };
  const readers = await mintReaders(clients, communes, mint, HOUSEHOLD_READER_MIX);
  const byCommune = await householdsByCommune(dataset.url, HOUSEHOLDS_PER_READER);
  return { readers: assignHouseholds(readers, byCommune, HOUSEHOLDS_PER_READER), workload: householdWorkload(op.document, op.variables) };
}

/**
 * Before the household view is timed with each reader's own token: every reader's first
 * household, through both gateways, must open (not null: a caseworker's household is in its
 * communes) and read the same on both; and a caseworker must not open another's household (the
 * tokens really are scoped, so the run measures what a caseworker may do).
 */
async function checkHouseholdReaders(gateways: readonly Gateway[], readers: readonly BenchUser[], workload: UsersWorkload): Promise<string[]> {
  const problems: string[] = [];
  for (const user of readers) {
    const body = workload.body(user, 0);
    const answers: Array<{ name: string; data: unknown }> = [];
    for (const g of gateways) {
      const response = await postRaw(g.url, body, user.headers);
      const json = JSON.parse(response.body) as { data?: { household?: unknown } | null; errors?: unknown[] };
      if (response.status !== 200 || json.errors?.length || !json.data?.household)
        problems.push(`${g.name}, ${user.sub ?? '?'} opening household ${user.households?.[0] ?? '?'}: HTTP ${response.status} ${response.body.slice(0, 200)}`);
      answers.push({ name: g.name, data: json.data });
    }
    const d = firstDifference(answers[0]?.data, answers[1]?.data);
    if (d) problems.push(`${user.sub ?? '?'}: ${answers[0]?.name} and ${answers[1]?.name} answer household ${user.households?.[0] ?? '?'} differently at ${d}`);
  }
  const [a, b] = readers.filter((u) => u.role === 'caseworker');
  if (a && b) {
    const response = await postRaw(gateways[0]!.url, workload.body(b, 0), a.headers);
    const json = JSON.parse(response.body) as { data?: { household?: unknown } | null };
    if (json.data?.household) problems.push(`${a.sub ?? '?'} opened household ${b.households?.[0] ?? '?'} of another caseworker's communes`);
  }
  return problems;
}

/**
 * The users' runs: each operation of `config.usersOperations` at each client count, with every
 * reader on the shared administrator token and then each reader a person of its own
 * (bench/users.ts), on our gateway and on Hive Gateway given the same tokens, one after another
 * so that the ratios come from one run on one machine. The writer records repayments through
 * the gateway under load in all four. In the shared-token runs each reader sends what it sends
 * with its own token (the household view: its own households), only the token is the shared one.
 */
async function measureUsers(config: BenchConfig, dataset: Dataset, operations: Prepared[], ours: Gateway, hive: Gateway, results: BenchResults): Promise<void> {
  const chosen = operations.filter((p) => config.usersOperations.includes(p.op.name));
  if (!chosen.length) return;
  const { communes, loanId } = await usersFixtures(dataset.url);
  const mint = benchMinter();
  const writer = await mintWriter(mint);
  const load = async (gateway: Gateway, workload: UsersWorkload, clients: number, users: readonly BenchUser[]): Promise<UsersLoad> => {
    const task = userTask(gateway.url, workload, users);
    gateway.memory.reset();
    // Warmed up as warmAndMeasure does, but the writer writes only while the run is measured.
    const warmup = await closedLoop({ clients: Math.min(clients, 4), seconds: config.warmupSeconds, task });
    const writing = startWriter(gateway.url, writer, loanId, config.writerIntervalMs);
    const measured = await closedLoop({ clients, seconds: config.seconds, task });
    const writes = await writing.stop();
    return {
      ...measured,
      ...mergedFailures(warmup, measured),
      peakMemoryMiB: gateway.memory.peak() / MiB,
      writes: writes.writes,
      writeMs: writes.writeMs,
      writeErrors: writes.errors,
      ...(writes.firstError ? { firstWriteError: writes.firstError } : {}),
    };
  };
  for (const prepared of chosen) {
    const { readers, workload } = await usersOf(prepared, Math.max(...config.clients), dataset, communes, mint);
    const shared = readers.map((user): BenchUser => ({ ...user, sub: 'bench', headers: benchHeaders() }));
    if (HOUSEHOLD_OPERATIONS.has(prepared.op.name)) {
      const problems = await checkHouseholdReaders([ours, hive], readers, workload);
      results.failures.push(...problems.slice(0, 10).map((p) => `users ${prepared.op.name}, readers' households: ${p}`));
      if (problems.length) continue;
      log(`users ${prepared.op.name}: each of ${readers.length} readers opens its first household alike through ours and Hive`);
    }
    for (const clients of config.clients) {
      const mix: Record<string, number> = {};
      for (const user of readers.slice(0, clients)) mix[user.role] = (mix[user.role] ?? 0) + 1;
      const households = new Set(readers.slice(0, clients).flatMap((u) => u.households ?? [])).size;
      // The four runs, `config.usersRounds` times, every other round in the reverse order
      // (ABBA), so that a machine getting busier or quieter weighs on each of the four alike.
      const four = [
        { gateway: ours, users: shared, runs: [] as UsersLoad[] },
        { gateway: ours, users: readers, runs: [] as UsersLoad[] },
        { gateway: hive, users: shared, runs: [] as UsersLoad[] },
        { gateway: hive, users: readers, runs: [] as UsersLoad[] },
      ];
      for (let round = 0; round < config.usersRounds; round++) {
        for (const one of round % 2 === 0 ? four : [...four].reverse()) one.runs.push(await load(one.gateway, workload, clients, one.users.slice(0, clients)));
      }
      const [oursShared, oursDistinct, hiveShared, hiveDistinct] = four.map((one) => combineLoads(one.runs)) as [UsersLoad, UsersLoad, UsersLoad, UsersLoad];
      const run: UsersRun = {
        operation: prepared.op.name,
        clients,
        mix,
        ...(households ? { households } : {}),
        oursShared,
        oursDistinct,
        hiveShared,
        hiveDistinct,
        oursDistinctVsShared: oursDistinct.throughput / oursShared.throughput,
        hiveDistinctVsShared: hiveDistinct.throughput / hiveShared.throughput,
        oursVsHiveDistinct: oursDistinct.throughput / hiveDistinct.throughput,
        oursVsHiveShared: oursShared.throughput / hiveShared.throughput,
        p50OursVsHiveDistinct: oursDistinct.p50 / hiveDistinct.p50,
      };
      results.users.push(run);
      // Our gateway's failures fail the run; Hive Gateway's are reported beside its figures
      // (it is the yardstick, not what is being tested).
      for (const [label, r] of [
        ['ours shared', oursShared],
        ['ours distinct', oursDistinct],
        ['Hive shared', hiveShared],
        ['Hive distinct', hiveDistinct],
      ] as const) {
        const problems = [...loadFailures(`users ${prepared.op.name} @${clients} ${label}`, r)];
        if (r.writeErrors) problems.push(`users ${prepared.op.name} @${clients} ${label}: ${r.writeErrors} failed writes (first: ${r.firstWriteError ?? '?'})`);
        (label.startsWith('ours') ? results.failures : results.notes).push(...problems);
      }
      // A write's median shows what leases cost it: ours holds leases on the subgraphs' figure
      // versions while it serves kept answers (a figure's change waits for them), Hive holds none.
      const line = (name: string, r: UsersLoad) =>
        `${name} p50 ${r.p50.toFixed(1)} ms ${r.throughput.toFixed(1)} req/s (${r.writes} writes${
          r.writeMs.length
            ? `, p50 ${percentile(
                [...r.writeMs].sort((a, b) => a - b),
                50,
              ).toFixed(1)} ms`
            : ''
        })`;
      log(
        `users ${prepared.op.name} @${clients} (${Object.entries(mix)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}${households ? `; ${households} households` : ''}): ` +
          `${[line('ours shared', oursShared), line('ours distinct', oursDistinct), line('Hive shared', hiveShared), line('Hive distinct', hiveDistinct)].join(' | ')} | ` +
          `distinct ÷ shared: ours ${run.oursDistinctVsShared.toFixed(2)}×, Hive ${run.hiveDistinctVsShared.toFixed(2)}×; ` +
          `ours ÷ Hive: distinct ${run.oursVsHiveDistinct.toFixed(2)}× (p50 ${run.p50OursVsHiveDistinct.toFixed(2)}×), shared ${run.oursVsHiveShared.toFixed(2)}×`,
      );
    }
  }
}

async function measureMain(config: BenchConfig, dataset: Dataset, operations: Prepared[], results: BenchResults): Promise<void> {
  log(`starting the subgraphs on ${dataset.database}, our gateway and Hive Gateway`);
  const stack = await BenchStack.start(dataset.url, config.poolSize);
  const gateways: Gateway[] = [];
  const capture = new PlanCapture(SUPERGRAPH_PATH, stack.subgraphUrls);
  try {
    const ours = await stack.startOurs(config.profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(config.profileDir)}`] } : {});
    const hive = await stack.startHive();
    const extras: Gateway[] = [];
    for (const variant of config.variants) extras.push(await stack.startOurs({ variant }));
    if (config.hiveNoDedup) extras.push(await stack.startHive({ noDedup: true }));
    gateways.push(ours, hive, ...extras);
    await capture.start();
    const answers = new Map<string, { bodies: Map<string, string>; data: unknown }>();
    const captures = new Map<string, Awaited<ReturnType<PlanCapture['capture']>>>();

    // Checks first: a benchmark of wrong or failing answers measures nothing.
    for (const prepared of operations) {
      const { op } = prepared;
      const payload = { query: op.document, variables: op.variables };
      const answered = new Map<string, Awaited<ReturnType<typeof postGraphQL>>>();
      for (const g of gateways) answered.set(g.name, await postGraphQL(g.url, payload, benchHeaders()));
      const a = answered.get('ours')!;
      let difference: string | undefined;
      for (const g of gateways.slice(1)) {
        const b = answered.get(g.name)!;
        const d =
          firstDifference(a.json.data, b.json.data) ??
          (Boolean(a.json.errors?.length) !== Boolean(b.json.errors?.length)
            ? `errors: ours ${JSON.stringify(a.json.errors)}, ${g.name} ${JSON.stringify(b.json.errors)}`
            : undefined);
        if (d) {
          difference ??= `${g.name}: ${d}`;
          results.failures.push(`differential check, ${op.name}: our gateway and ${g.name} answer differently at ${d}`);
        }
      }
      if (a.json.errors?.length || a.status !== 200) {
        results.failures.push(
          `${op.name}: our gateway answered HTTP ${a.status} with errors ${JSON.stringify(a.json.errors).slice(0, 400)}` +
            ' (access control? benchHeaders() in bench/auth.ts must carry a token that may read everything)',
        );
      }
      log(
        `${op.name}: ${a.body.length} bytes; ${gateways.length > 2 ? 'every gateway' : 'ours and Hive'} ${difference ? `DIFFER (${difference})` : 'identical'}`,
      );
      const captured = await capture.capture(op.name, op.document, op.variables);
      const captureDifference = firstDifference(captured.data, a.json.data);
      if (captureDifference) results.failures.push(`${op.name}: the replay's planner answered differently from our gateway at ${captureDifference}`);
      await settleAnswers(captured);
      captures.set(op.name, captured);
      answers.set(op.name, { bodies: new Map([...answered].map(([name, r]) => [name, r.body])), data: a.json.data });
      const oursStatements = await statementsPerRequest(stack, ours.url, prepared.body, config.statementSamples);
      const hiveStatements = await statementsPerRequest(stack, hive.url, prepared.body, config.statementSamples);
      const variants = await statementVariants(stack, ours.url, prepared, a.json.data, dataset, config.statementSamples);
      results.operations.push({
        name: op.name,
        variables: op.variables,
        answerBytes: a.body.length,
        differential: difference ? { identical: false, detail: difference } : { identical: true },
        captureMatches: !captureDifference,
        plan: describePlan(captured),
        statementsPerRequest: { ours: oursStatements.perRequest, hive: hiveStatements.perRequest, bySubgraph: oursStatements.bySubgraph },
        statementVariants: variants,
        runs: [],
      });
    }
    if (results.failures.length) {
      log('a check failed; the load runs are skipped');
      return;
    }

    for (const prepared of operations) {
      const { op } = prepared;
      const opResult = results.operations.find((o) => o.name === op.name)!;
      const bodies = answers.get(op.name)!.bodies;
      const captured = captures.get(op.name)!;
      for (const clients of config.clients) {
        const oursRun = await loadGateway(ours, prepared, clients, config, bodies.get('ours')!);
        const hiveRun = await loadGateway(hive, prepared, clients, config, bodies.get('hive')!);
        const extraRuns: Record<string, GatewayRun> = {};
        for (const g of extras) extraRuns[g.name] = await loadGateway(g, prepared, clients, config, bodies.get(g.name)!);
        await replayPlan(captured, Math.min(clients, 4), config.warmupSeconds);
        const replay = await replayPlan(captured, clients, config.seconds);
        opResult.runs.push({
          clients,
          ours: oursRun,
          hive: hiveRun,
          extras: extraRuns,
          direct: replay.plan,
          criticalPathP50: replay.criticalPathP50,
          criticalPath: replay.criticalPath,
          throughputVsHive: oursRun.throughput / hiveRun.throughput,
          p50VsCriticalPath: oursRun.p50 / replay.criticalPathP50,
        });
        results.failures.push(
          ...loadFailures(`${op.name} @${clients} ours`, oursRun),
          ...loadFailures(`${op.name} @${clients} Hive`, hiveRun),
          ...Object.entries(extraRuns).flatMap(([name, run]) => loadFailures(`${op.name} @${clients} ${name}`, run)),
          ...loadFailures(`${op.name} @${clients} direct`, replay.plan),
        );
        const line = (name: string, r: GatewayRun) => `${name} p50 ${r.p50.toFixed(1)} ms ${r.throughput.toFixed(1)} req/s ${r.peakMemoryMiB.toFixed(0)} MiB`;
        log(
          `${op.name} @${clients}: ${[line('ours', oursRun), line('Hive', hiveRun), ...Object.entries(extraRuns).map(([n, r]) => line(n, r))].join(' | ')} | ` +
            `direct p50 ${replay.plan.p50.toFixed(1)} ms, critical path ${replay.criticalPathP50.toFixed(1)} ms (${replay.criticalPath.join(' → ')})`,
        );
      }
    }

    await measureUsers(config, dataset, operations, ours, hive, results);

    // The floor: hand-written SQL for the figures, checked against our gateway's answer.
    const pool = new pg.Pool({ connectionString: dataset.url, max: config.poolSize * Object.keys(stack.subgraphUrls).length });
    try {
      for (const floor of FLOORS) {
        const prepared = operations.find((p) => p.op.name === floor.operation);
        const opResult = results.operations.find((o) => o.name === floor.operation);
        if (!prepared || !opResult) continue;
        const variables = prepared.op.variables as unknown as FloorVariables;
        const computed = await runFloor(pool, floor, variables);
        const comparison = compareWithFloor(answers.get(floor.operation)!.data, computed);
        for (const m of comparison.mismatches.slice(0, 10)) results.failures.push(`floor, ${floor.operation}: ${m}`);
        if (comparison.mismatches.length > 10) results.failures.push(`floor, ${floor.operation}: ${comparison.mismatches.length - 10} more fields differ`);
        const expected = canonical(computed);
        const result: FloorResult = { operation: floor.operation, statements: floor.statements(variables).length, comparison, runs: [] };
        for (const clients of config.floorClients) {
          const task = async () => canonical(await runFloor(pool, floor, variables)) === expected;
          const { warmup, measured: run } = await warmAndMeasure(clients, config.warmupSeconds, config.seconds, task);
          const measured = { ...run, ...mergedFailures(warmup, run) };
          const oursRun = opResult.runs.find((r) => r.clients === clients)?.ours;
          result.runs.push({
            clients,
            floor: measured,
            ours: { p50: oursRun?.p50 ?? NaN, throughput: oursRun?.throughput ?? NaN },
            p50VsFloor: (oursRun?.p50 ?? NaN) / measured.p50,
            throughputFloorVsOurs: measured.throughput / (oursRun?.throughput ?? NaN),
          });
          results.failures.push(...loadFailures(`floor ${floor.operation} @${clients}`, measured));
          log(
            `floor ${floor.operation} @${clients}: p50 ${measured.p50.toFixed(1)} ms, ${measured.throughput.toFixed(1)} req/s (${comparison.checked} fields checked, ${comparison.mismatches.length} differ)`,
          );
        }
        results.floor.push(result);
      }
    } finally {
      await pool.end();
    }
    const peakAt50 = (pick: (run: OperationRun) => GatewayRun) => {
      const values = results.operations.flatMap((o) => o.runs.filter((r) => r.clients === 50).map((r) => pick(r).peakMemoryMiB));
      return values.length ? Math.max(...values) : null;
    };
    results.memory = {
      oursPeakMiBAt50: peakAt50((r) => r.ours),
      hivePeakMiBAt50: peakAt50((r) => r.hive),
      oursPeakMiB: Math.max(0, ...results.operations.flatMap((o) => o.runs.map((r) => r.ours.peakMemoryMiB))),
      hivePeakMiB: Math.max(0, ...results.operations.flatMap((o) => o.runs.map((r) => r.hive.peakMemoryMiB))),
    };
  } finally {
    for (const g of gateways) g.memory.stop();
    await capture.stop().catch(() => {});
    await stack.stop();
  }
}

async function measureGrowth(config: BenchConfig, dataset: Dataset, operations: Prepared[], results: BenchResults): Promise<void> {
  log(`growth: scale ${dataset.scale} (${dataset.database})`);
  const stack = await BenchStack.start(dataset.url, config.poolSize);
  let ours: Gateway | undefined;
  try {
    ours = await stack.startOurs();
    for (const prepared of operations) {
      const check = await postGraphQL(ours.url, { query: prepared.op.document, variables: prepared.op.variables }, benchHeaders());
      if (check.json.errors?.length || check.status !== 200) {
        results.failures.push(
          `growth ${prepared.op.name} at scale ${dataset.scale}: HTTP ${check.status}, errors ${JSON.stringify(check.json.errors).slice(0, 300)}`,
        );
        continue;
      }
      const { perRequest } = await statementsPerRequest(stack, ours.url, prepared.body, config.statementSamples);
      const growth: GrowthResult = {
        operation: prepared.op.name,
        scale: dataset.scale,
        households: dataset.households,
        statementsPerRequest: perRequest,
        runs: [],
      };
      for (const clients of config.growthClients) {
        const run = await loadGateway(ours, prepared, clients, config, check.body);
        growth.runs.push(run);
        results.failures.push(...loadFailures(`growth ${prepared.op.name} scale ${dataset.scale} @${clients}`, run));
        log(
          `growth ${prepared.op.name} scale ${dataset.scale} @${clients}: p50 ${run.p50.toFixed(1)} ms, p95 ${run.p95.toFixed(1)} ms, ${run.throughput.toFixed(1)} req/s`,
        );
      }
      results.growth.push(growth);
    }
  } finally {
    ours?.memory.stop();
    await stack.stop();
  }
}

function evaluateTargets(results: BenchResults, config: BenchConfig): Target[] {
  const targets: Target[] = [];
  const maxClients = Math.max(...config.clients);
  const scorecard = results.operations.find((o) => o.name === 'commune-scorecard');
  const scorecardRun = scorecard?.runs.find((r) => r.clients === maxClients);
  if (scorecardRun) {
    targets.push({
      name: 'commune-scorecard throughput vs Hive Gateway',
      goal: `≥ 1.3× at ${maxClients} clients`,
      measured:
        `${scorecardRun.throughputVsHive.toFixed(2)}× (${scorecard!.runs.map((r) => `${r.throughputVsHive.toFixed(2)}× @${r.clients}`).join(', ')})` +
        Object.entries(scorecardRun.extras)
          .map(([name, run]) => `; ${name} ${(run.throughput / scorecardRun.hive.throughput).toFixed(2)}×`)
          .join(''),
      met: scorecardRun.throughputVsHive >= 1.3,
    });
  }
  const minClients = Math.min(...config.clients);
  const overhead = results.operations.map((o) => ({ name: o.name, run: o.runs.find((r) => r.clients === minClients) })).filter((x) => x.run);
  if (overhead.length) {
    const worst = overhead.reduce((a, b) => (b.run!.p50VsCriticalPath > a.run!.p50VsCriticalPath ? b : a));
    targets.push({
      name: 'gateway p50 vs critical-path subgraph fetches',
      goal: `≤ 1.2× at ${minClients} client${minClients === 1 ? '' : 's'}, every operation`,
      measured:
        overhead.map((x) => `${x.name} ${x.run!.p50VsCriticalPath.toFixed(2)}×`).join(', ') +
        // The same ratio for each variant of our gateway (fetch-client: before node:http).
        [...new Set(overhead.flatMap((x) => Object.keys(x.run!.extras)))]
          .map(
            (name) => `; ${name}: ${overhead.map((x) => `${x.name} ${((x.run!.extras[name]?.p50 ?? NaN) / x.run!.criticalPathP50).toFixed(2)}×`).join(', ')}`,
          )
          .join(''),
      met: worst.run!.p50VsCriticalPath <= 1.2,
    });
  }
  for (const clients of [...new Set(results.users.map((u) => u.clients))].filter((c) => c > 1)) {
    const runs = results.users.filter((u) => u.clients === clients);
    targets.push({
      name: `throughput with distinct tokens vs one shared token, ${clients} clients`,
      goal: '≥ 0.8× (our gateway, same run)',
      measured: runs
        .map(
          (u) =>
            `${u.operation} ${u.oursDistinctVsShared.toFixed(2)}× (Hive ${u.hiveDistinctVsShared.toFixed(2)}×; ours ÷ Hive ${u.oursVsHiveDistinct.toFixed(2)}×)`,
        )
        .join(', '),
      met: runs.every((u) => u.oursDistinctVsShared >= 0.8),
    });
  }
  const householdRuns = results.users.filter((u) => HOUSEHOLD_OPERATIONS.has(u.operation));
  if (householdRuns.length) {
    targets.push({
      name: 'household view vs Hive Gateway, each official its own token',
      goal: '≥ 1.3× throughput at every client count (same run, same tokens and households)',
      measured: householdRuns
        .map((u) => `${u.oursVsHiveDistinct.toFixed(2)}× @${u.clients} (p50 ${u.oursDistinct.p50.toFixed(1)} against ${u.hiveDistinct.p50.toFixed(1)} ms)`)
        .join(', '),
      met: householdRuns.every((u) => u.oursVsHiveDistinct >= 1.3),
    });
  }
  // An N+1 shows as more statements for a bigger answer. Fewer can be right: a fetch that
  // points at no records is not sent (by @apollo/gateway, or, for personal fields the request
  // already read, by personal-once.ts), and that depends on the household, not on its size.
  const growing: string[] = [];
  for (const op of results.operations) {
    const v = op.statementVariants;
    if (v.some((a) => v.some((b) => a.size > b.size && a.statements > b.statements)))
      growing.push(`${op.name} (${v.map((x) => `${x.variant}, ${x.holds}: ${x.statements}`).join('; ')})`);
  }
  for (const name of new Set(results.growth.map((g) => g.operation))) {
    const rows = results.growth.filter((g) => g.operation === name);
    if (rows.some((a) => rows.some((b) => a.scale > b.scale && a.statementsPerRequest > b.statementsPerRequest)))
      growing.push(`${name} across scales (${rows.map((g) => `${g.scale}: ${g.statementsPerRequest}`).join(', ')})`);
  }
  const counts = results.operations.map(
    (o) => `${o.name} ${o.statementVariants.length ? o.statementVariants.map((v) => `${v.statements} (${v.holds})`).join(' / ') : o.statementsPerRequest.ours}`,
  );
  targets.push({
    name: "SQL statements per request do not grow with the answer's size",
    goal: 'no more for 126 communes than for 2, for 100 households than for 5, for a busy household than for a quiet one, nor at a larger scale',
    measured: growing.length ? `grows: ${growing.join('; ')}` : counts.join(', '),
    met: growing.length === 0 && results.operations.length > 0,
  });
  if (results.memory.oursPeakMiBAt50 !== null) {
    targets.push({
      name: 'gateway memory under 50 clients',
      goal: '≤ 300 MB',
      measured: `${((results.memory.oursPeakMiBAt50 * MiB) / 1e6).toFixed(0)} MB peak resident (Hive Gateway ${(((results.memory.hivePeakMiBAt50 ?? NaN) * MiB) / 1e6).toFixed(0)} MB)`,
      met: results.memory.oursPeakMiBAt50 * MiB <= 300e6,
    });
  }
  return targets;
}

async function main(): Promise<number> {
  const config = parseConfig();
  const all = loadOperations();
  const unknown = config.operations.filter((name) => !all.some((o) => o.name === name));
  if (unknown.length) throw new Error(`unknown operation(s) ${unknown.join(', ')}; known: ${all.map((o) => o.name).join(', ')}`);
  const operations = all.filter((o) => config.operations.length === 0 || config.operations.includes(o.name)).map(prepare);
  const postgres = await withClient(
    config.adminUrl,
    async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
  ).catch((error: Error) => {
    throw new Error(`cannot reach PostgreSQL at ${config.adminUrl}: ${error.message}`);
  });
  const results: BenchResults = {
    mode: config.quick ? 'quick' : 'full',
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    seconds: 0,
    config,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '?',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      postgres,
    },
    datasets: [],
    operations: [],
    floor: [],
    users: [],
    notes: [],
    growth: [],
    memory: { oursPeakMiBAt50: null, hivePeakMiBAt50: null, oursPeakMiB: 0, hivePeakMiB: 0 },
    targets: [],
    failures: [],
  };
  // Every data set first, so that a long first generation happens before anything is timed.
  const scales = [...new Set([config.scale, ...config.growthScales])];
  const datasets = new Map<number, Dataset>();
  for (const scale of scales) {
    const dataset = await ensureDataset({ adminUrl: config.adminUrl, scale, seed: config.seed, reuseStale: config.reuseData, log });
    datasets.set(scale, dataset);
    results.datasets.push({
      scale,
      database: dataset.database,
      households: dataset.households,
      generatedSeconds: dataset.generatedSeconds,
      generatedAt: dataset.generatedAt,
    });
  }
  await measureMain(config, datasets.get(config.scale)!, operations, results);
  const growthOperations = operations.filter((p) => config.growthOperations.includes(p.op.name));
  if (results.failures.length === 0 && growthOperations.length) {
    for (const scale of config.growthScales) {
      const dataset = datasets.get(scale)!;
      if (scale === config.scale) {
        // The main measurements already ran at this scale: the growth row reuses them.
        for (const prepared of growthOperations) {
          const op = results.operations.find((o) => o.name === prepared.op.name);
          if (!op) continue;
          results.growth.push({
            operation: op.name,
            scale,
            households: dataset.households,
            statementsPerRequest: op.statementsPerRequest.ours,
            runs: op.runs.filter((r) => config.growthClients.includes(r.clients)).map((r) => r.ours),
          });
        }
        continue;
      }
      await measureGrowth(config, dataset, growthOperations, results);
    }
    results.growth.sort((a, b) => (a.operation === b.operation ? a.scale - b.scale : a.operation < b.operation ? -1 : 1));
  }
  results.targets = evaluateTargets(results, config);
  results.finishedAt = new Date().toISOString();
  results.seconds = (Date.now() - started) / 1000;
  const markdown = renderMarkdown(results);
  const outDir = path.resolve(config.outDir);
  fs.mkdirSync(outDir, { recursive: true });
  const base = config.quick ? 'latest-quick' : 'latest';
  fs.writeFileSync(path.join(outDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, `${base}.md`), `${markdown}\n`);
  console.log(markdown);
  log(`results in ${path.join(outDir, `${base}.json`)} and ${base}.md`);
  if (results.notes.length) console.error(`\nNotes:\n${results.notes.map((f) => `  - ${f}`).join('\n')}`);
  if (results.failures.length) {
    console.error(`\n${results.failures.length} check(s) failed:\n${results.failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

await runMain(main);
