import fs from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled, ApolloServerPluginSchemaReportingDisabled } from '@apollo/server/plugin/disabled';
import { benchHeaders } from './auth.js';
import { postRaw } from './lib/http.js';
import { closedLoop, percentile, withoutCursors, type LoadResult } from './lib/load.js';

// The gateway's overhead: what the query plan's subgraph fetches cost when called directly.
// An Apollo query planner over the committed supergraph (the one our gateway uses) plans each
// operation once, here in the benchmark's process, while every subgraph request it sends is
// recorded. The replay then sends exactly those requests straight to the subgraphs, in the
// plan's order (a Sequence one after another, a Parallel at once), with no gateway in between:
// a gateway with zero cost of its own would answer in that time.

/** The plan's shape, as @apollo/query-planner describes it (only what the replay reads). */
export type PlanNode =
  | { kind: 'Sequence'; nodes: PlanNode[] }
  | { kind: 'Parallel'; nodes: PlanNode[] }
  | { kind: 'Flatten'; node: PlanNode }
  | { kind: 'Fetch'; serviceName: string; operation: string }
  | { kind: 'Condition'; ifClause?: PlanNode; elseClause?: PlanNode }
  | { kind: 'Defer'; primary: { node?: PlanNode }; deferred: Array<{ node?: PlanNode }> };

export interface RecordedFetch {
  /** Position in the plan, in document order (f0, f1, ...). */
  id: string;
  subgraph: string;
  url: string;
  body: string;
  /**
   * The subgraph's answer as the capturing gateway parsed it (`{data, errors}`), then, after
   * `settleAnswers`, its raw body: the replay requires that same body every time.
   */
  answer: string;
}

export interface CapturedPlan {
  operation: string;
  plan: PlanNode | undefined;
  fetches: Map<PlanNode, RecordedFetch>;
  /** What the capturing gateway answered (compared with our gateway's HTTP answer). */
  data: unknown;
  errors: unknown;
}

interface Recording {
  requests: Array<{ subgraph: string; url: string; query: string; body: string; answer: string }>;
}

/** Sends each subgraph request as our gateway would, with the benchmark's headers, and records it. */
class RecordingDataSource extends RemoteGraphQLDataSource<{ recording?: Recording }> {
  constructor(
    private readonly subgraph: string,
    private readonly subgraphUrl: string,
  ) {
    super({ url: subgraphUrl });
  }

  override willSendRequest({ request }: GraphQLDataSourceProcessOptions<{ recording?: Recording }>) {
    for (const [name, value] of Object.entries(benchHeaders())) request.http?.headers.set(name, value);
  }

  override async process(options: GraphQLDataSourceProcessOptions<{ recording?: Recording }>) {
    const response = await super.process(options);
    const recording = (options as { context?: { recording?: Recording } }).context?.recording;
    const { query, variables, operationName } = options.request;
    recording?.requests.push({
      subgraph: this.subgraph,
      url: this.subgraphUrl,
      query: query ?? '',
      body: JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) }),
      answer: JSON.stringify({ data: response.data, errors: response.errors }),
    });
    return response;
  }
}

export class PlanCapture {
  private lastPlan: PlanNode | undefined;
  private readonly server: ApolloServer<{ recording?: Recording }>;

  constructor(supergraphPath: URL, subgraphUrls: Record<string, string>) {
    // As gateway/gateway.ts does: without it @apollo/gateway's constructor starts Apollo's
    // metrics exporter and cloud resource detectors, which ask metadata addresses off this
    // machine (the benchmark printed gcp-metadata's MetadataLookupWarning).
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
    const gateway = new ApolloGateway({
      supergraphSdl: fs.readFileSync(supergraphPath, 'utf8'),
      buildService: ({ name, url }) => new RecordingDataSource(name, subgraphUrls[name] ?? url!),
      experimental_didResolveQueryPlan: ({ queryPlan }) => {
        this.lastPlan = queryPlan.node as PlanNode | undefined;
      },
    });
    this.server = new ApolloServer({
      gateway,
      stopOnTerminationSignals: false,
      plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()],
    });
  }

  start(): Promise<void> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async capture(operation: string, query: string, variables: Record<string, unknown>): Promise<CapturedPlan> {
    const recording: Recording = { requests: [] };
    this.lastPlan = undefined;
    const response = await this.server.executeOperation({ query, variables }, { contextValue: { recording } });
    const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
    const plan = this.lastPlan;
    // Match each Fetch node to the request it made: same subgraph, same operation text. A
    // fetch whose entity list came out empty sends nothing; its node stays unmatched (free).
    const fetches = new Map<PlanNode, RecordedFetch>();
    let index = 0;
    const pending = [...recording.requests];
    visit(plan, (node) => {
      if (node.kind !== 'Fetch') return;
      const id = `f${index++}`;
      const at = pending.findIndex((r) => r.subgraph === node.serviceName && r.query === node.operation);
      if (at < 0) return;
      const r = pending.splice(at, 1)[0]!;
      fetches.set(node, { id, subgraph: r.subgraph, url: r.url, body: r.body, answer: r.answer });
    });
    if (pending.length) throw new Error(`${operation}: ${pending.length} subgraph request(s) matched no fetch of the query plan`);
    return { operation, plan, fetches, data: single?.data, errors: single?.errors };
  }
}

function visit(node: PlanNode | undefined, fn: (node: PlanNode) => void): void {
  if (!node) return;
  fn(node);
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) visit(child, fn);
      break;
    case 'Flatten':
      visit(node.node, fn);
      break;
    case 'Condition':
      visit(node.ifClause, fn);
      visit(node.elseClause, fn);
      break;
    case 'Defer':
      visit(node.primary.node, fn);
      for (const d of node.deferred) visit(d.node, fn);
      break;
  }
}

/**
 * Sends each recorded fetch once, straight to its subgraph, and keeps the raw body as the answer
 * the replay expects, after checking it carries what the gateway got when it ran the plan.
 */
export async function settleAnswers(captured: CapturedPlan): Promise<void> {
  for (const fetch of captured.fetches.values()) {
    const response = await postRaw(fetch.url, fetch.body, benchHeaders());
    const parsed = JSON.parse(response.body) as { data?: unknown; errors?: unknown };
    const seen = JSON.stringify({ data: parsed.data, errors: parsed.errors });
    if (response.status !== 200 || withoutCursors(seen) !== withoutCursors(fetch.answer)) {
      throw new Error(
        `${captured.operation}: fetch ${fetch.id} (${fetch.subgraph}) answered differently when called directly: HTTP ${response.status} ${response.body.slice(0, 300)}`,
      );
    }
    fetch.answer = withoutCursors(response.body);
  }
}

/** The plan as text, for the report: `Sequence[registry, Parallel[credit, housing]]`. */
export function describePlan(captured: CapturedPlan): string {
  const text = (node: PlanNode | undefined): string => {
    if (!node) return '';
    switch (node.kind) {
      case 'Sequence':
        return `Sequence[${node.nodes.map(text).join(', ')}]`;
      case 'Parallel':
        return `Parallel[${node.nodes.map(text).join(', ')}]`;
      case 'Flatten':
        return text(node.node);
      case 'Fetch':
        return `${node.serviceName}${captured.fetches.has(node) ? '' : ' (not sent)'}`;
      case 'Condition':
        return `Condition[${text(node.ifClause)} | ${text(node.elseClause)}]`;
      case 'Defer':
        return `Defer[${text(node.primary.node)}; ${node.deferred.map((d) => text(d.node)).join(', ')}]`;
    }
  };
  return text(captured.plan);
}

export interface ReplayResult {
  /** The whole plan, fetch after fetch as the plan orders them: a zero-cost gateway. */
  plan: LoadResult;
  /** Median latency of each fetch during the replay, by fetch id. */
  fetchP50: Record<string, number>;
  /** The plan's critical path over those medians: a Sequence adds up, a Parallel takes its slowest. */
  criticalPathP50: number;
  /** The fetches on that path, for the report. */
  criticalPath: string[];
}

/** Runs the recorded plan against the subgraphs with `clients` closed-loop clients. */
export async function replayPlan(captured: CapturedPlan, clients: number, seconds: number): Promise<ReplayResult> {
  const headers = benchHeaders();
  const samples = new Map<string, number[]>();
  for (const f of captured.fetches.values()) samples.set(f.id, []);
  // Each answer is compared with the recorded one after the plan's time is taken (closedLoop's
  // Check), so that the client's comparisons do not count as time between one fetch and the next.
  const run = async (node: PlanNode | undefined, answers: Array<[string, string]>): Promise<boolean> => {
    if (!node) return true;
    switch (node.kind) {
      case 'Sequence': {
        let ok = true;
        for (const child of node.nodes) ok = (await run(child, answers)) && ok;
        return ok;
      }
      case 'Parallel':
        return (await Promise.all(node.nodes.map((n) => run(n, answers)))).every(Boolean);
      case 'Flatten':
        return run(node.node, answers);
      case 'Condition':
        return (await run(node.ifClause, answers)) && (await run(node.elseClause, answers));
      case 'Defer': {
        let ok = await run(node.primary.node, answers);
        for (const d of node.deferred) ok = (await run(d.node, answers)) && ok;
        return ok;
      }
      case 'Fetch': {
        const fetch = captured.fetches.get(node);
        if (!fetch) return true;
        const t0 = performance.now();
        const response = await postRaw(fetch.url, fetch.body, headers);
        samples.get(fetch.id)!.push(performance.now() - t0);
        answers.push([response.body, fetch.answer]);
        return response.status === 200;
      }
    }
  };
  const plan = await closedLoop({
    clients,
    seconds,
    task: async () => {
      const answers: Array<[string, string]> = [];
      const ok = await run(captured.plan, answers);
      return () => ok && answers.every(([body, expected]) => withoutCursors(body) === expected);
    },
  });
  const fetchP50: Record<string, number> = {};
  for (const [id, values] of samples)
    fetchP50[id] = percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const path = criticalPath(captured, fetchP50);
  return { plan, fetchP50, criticalPathP50: path.ms, criticalPath: path.fetches };
}

function criticalPath(captured: CapturedPlan, fetchP50: Record<string, number>): { ms: number; fetches: string[] } {
  const walk = (node: PlanNode | undefined): { ms: number; fetches: string[] } => {
    if (!node) return { ms: 0, fetches: [] };
    switch (node.kind) {
      case 'Sequence':
      case 'Defer': {
        const parts = node.kind === 'Sequence' ? node.nodes.map(walk) : [walk(node.primary.node), ...node.deferred.map((d) => walk(d.node))];
        return { ms: parts.reduce((s, p) => s + p.ms, 0), fetches: parts.flatMap((p) => p.fetches) };
      }
      case 'Parallel':
        return node.nodes.map(walk).reduce((best, p) => (p.ms > best.ms ? p : best), { ms: 0, fetches: [] as string[] });
      case 'Flatten':
        return walk(node.node);
      case 'Condition': {
        const a = walk(node.ifClause);
        const b = walk(node.elseClause);
        return { ms: a.ms + b.ms, fetches: [...a.fetches, ...b.fetches] };
      }
      case 'Fetch': {
        const fetch = captured.fetches.get(node);
        return fetch ? { ms: fetchP50[fetch.id] ?? 0, fetches: [`${fetch.subgraph} ${(fetchP50[fetch.id] ?? 0).toFixed(1)} ms`] } : { ms: 0, fetches: [] };
      }
    }
  };
  return walk(captured.plan);
}
