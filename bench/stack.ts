import { fileURLToPath } from 'node:url';
import { buildGateway, GATEWAY_BUNDLE, gatewayNodeArgs } from '../scripts/build-gateway.js';
import { freePort, MemorySampler, spawnChild, type Child } from './lib/children.js';

export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

export interface Gateway {
  name: string;
  url: string;
  child: Child;
  memory: MemorySampler;
}

/** The gateway built once per run (scripts/build-gateway.ts). */
let gatewayBuilt: Promise<string> | undefined;

/** Our gateway's optimisations that can be turned off, by name: the environment or entry point that does it. */
export const OUR_VARIANTS: Record<string, { env?: Record<string, string>; script?: string; nodeArgs?: string[] }> = {
  /** Identical read fetches in flight at once each sent (gateway/gateway.ts, SubgraphDataSource). */
  'no-sharing': { env: { SUBGRAPH_FETCH_SHARING: 'false' } },
  /** Every entity fetch sent, even for personal fields the request already read (gateway/personal-once.ts). */
  'no-read-once': { env: { PERSONAL_READ_ONCE: 'false' } },
  /** A kept answer's subgraphs asked for their figure version on every serve, not once a lease (gateway/kept-answers.ts). */
  'no-leases': { env: { KEPT_ANSWERS_LEASES: 'false' } },
  /** The answer shaped by @apollo/gateway's computeResponse, not gateway/result-shaping.ts. */
  'apollo-shaping': { env: { GATEWAY_RESULT_SHAPING: 'apollo' } },
  /** Subgraph fetches through Node's fetch (undici) instead of node:http (gateway/subgraph-source.ts, post). */
  'fetch-client': { env: { SUBGRAPH_HTTP_CLIENT: 'fetch' } },
  /** The TypeScript run through tsx, as before the gateway was built (its loader's memory included). */
  tsx: { script: 'gateway/server.ts', nodeArgs: [] },
  /** Built, without the old-space cap (scripts/build-gateway.ts, gatewayNodeArgs). */
  'no-heap-cap': { nodeArgs: ['--enable-source-maps'] },
};

/**
 * What one measured configuration runs: the subgraphs in one process on the data set's
 * database, and in front of those same processes our gateway (its own production entry point,
 * gateway/server.ts, built) and Hive Gateway, each an OS process of its own so that its memory is its
 * own. Only one gateway is under load at a time.
 */
export class BenchStack {
  private nextId = 0;
  private readonly children: Child[] = [];
  private constructor(
    readonly subgraphUrls: Record<string, string>,
    private readonly subgraphs: Child,
    /** Another checkout whose code this stack runs (its gateway already built), or this one. */
    private readonly root?: string,
  ) {
    this.children.push(subgraphs);
  }

  /** The subgraphs' process (for its CPU time). */
  get subgraphsPid(): number {
    return this.subgraphs.pid;
  }

  /**
   * `options`: more environment and node flags for the subgraphs' process, and another checkout
   * to run (bench/profile.ts's baseline: its gateway must be built, dist/gateway.mjs).
   */
  static async start(
    databaseUrl: string,
    poolSize: number,
    options: { env?: Record<string, string>; nodeArgs?: string[]; root?: string } = {},
  ): Promise<BenchStack> {
    const { child, ready } = await spawnChild({
      name: 'subgraphs',
      script: 'bench/processes/subgraphs.ts',
      ipc: true,
      readyMessage: 'ready',
      env: { ...options.env, BENCH_DATABASE_URL: databaseUrl, BENCH_POOL_SIZE: String(poolSize) },
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
      ...(options.root ? { root: options.root } : {}),
    });
    return new BenchStack(ready.message.subgraphUrls as Record<string, string>, child, options.root);
  }

  /**
   * Our gateway, as `npm run start:gateway` runs it (built, with plain node), pointed at the
   * subgraphs by `<NAME>_URL`. `variant`: with one of its optimisations turned off
   * (OUR_VARIANTS), to measure what it buys in the same run; `nodeArgs`: for example --cpu-prof;
   * `env`: more environment (bench/profile.ts's variants).
   */
  async startOurs(options: { nodeArgs?: string[]; variant?: string; env?: Record<string, string> } = {}): Promise<Gateway> {
    const port = await freePort();
    const env: Record<string, string> = { ...options.env, PORT: String(port), HOST: '127.0.0.1' };
    const name = options.variant ? `ours-${options.variant}` : 'ours';
    const variant = options.variant ? OUR_VARIANTS[options.variant] : {};
    if (!variant) throw new Error(`unknown variant ${options.variant} (known: ${Object.keys(OUR_VARIANTS).join(', ')})`);
    Object.assign(env, variant.env);
    for (const [name, url] of Object.entries(this.subgraphUrls)) env[`${name.toUpperCase()}_URL`] = url;
    if (!this.root) {
      gatewayBuilt ??= buildGateway();
      await gatewayBuilt;
    }
    const { child, ready } = await spawnChild({
      ...(this.root ? { root: this.root } : {}),
      name,
      script: variant.script ?? GATEWAY_BUNDLE,
      env,
      nodeArgs: [...(variant.nodeArgs ?? gatewayNodeArgs()), ...(options.nodeArgs ?? [])],
      readyLine: /gateway ready at (\S+)/,
    });
    this.children.push(child);
    return { name, url: ready.line![1]!, child, memory: new MemorySampler(child.pid).start() };
  }

  async startHive(options: { noDedup?: boolean } = {}): Promise<Gateway> {
    const port = await freePort();
    const { child, ready } = await spawnChild({
      name: options.noDedup ? 'hive-no-dedup' : 'hive',
      script: 'bench/processes/hive.ts',
      env: {
        PORT: String(port),
        BENCH_SUPERGRAPH_PATH: fileURLToPath(SUPERGRAPH_PATH),
        BENCH_SUBGRAPH_URLS: JSON.stringify(this.subgraphUrls),
        ...(options.noDedup ? { BENCH_HIVE_NO_DEDUP: '1' } : {}),
      },
      readyLine: /hive gateway ready at (\S+)/,
    });
    this.children.push(child);
    return { name: options.noDedup ? 'hive-no-dedup' : 'hive', url: ready.line![1]!, child, memory: new MemorySampler(child.pid).start() };
  }

  /** SQL statements the subgraphs sent since the last reset (then resets). */
  statements(): Promise<{ count: number; bySubgraph: Record<string, number> }> {
    const id = this.nextId++;
    const proc = this.subgraphs.process;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the subgraphs process did not report its statement count')), 10_000);
      const onMessage = (message: any) => {
        if (message?.type !== 'statements' || message.id !== id) return;
        clearTimeout(timer);
        proc.off('message', onMessage);
        resolve({ count: message.count, bySubgraph: message.bySubgraph });
      };
      proc.on('message', onMessage);
      proc.send({ type: 'statements', id, reset: true });
    });
  }

  async stop(): Promise<void> {
    for (const child of this.children.reverse()) await child.stop().catch(() => {});
  }
}
