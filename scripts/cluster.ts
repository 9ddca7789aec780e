import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { schemaName } from '../db/config.js';
import { subgraphs as allSubgraphs } from '../subgraphs/catalog.js';
import { Authenticator, authConfigFromEnv } from '../platform/auth.js';
import { buildGateway, GATEWAY_BUNDLE, gatewayNodeArgs } from './build-gateway.js';

// npm run start:cluster: the production topology on this machine. Each subgraph and the
// gateway run as OS processes of their own against a PostgreSQL server, and each subgraph
// connects as a database role of its own that can reach only its own schema. As the admin user
// (DATABASE_URL), this script creates the database (CLUSTER_DATABASE, default poverty_cluster),
// one role per subgraph, and each schema owned by its role with public access revoked; each
// subgraph process then migrates its schema as its role on start. Ctrl-C stops every process.
//
// `--prepare-only` does the admin part alone and exits (docker-compose's database-roles
// service): roles, passwords and database come from each <NAME>_DATABASE_URL.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface SubgraphRef {
  name: string;
  defaultPort: number;
}

/** One OS process of the topology: the script it runs, its port and its environment. */
export interface ProcessSpec {
  name: string;
  /**
   * Relative to the repository root; run as `node --import tsx <script>`, or with plain node
   * when it is built JavaScript (`.mjs`: the gateway, see scripts/build-gateway.ts).
   */
  script: string;
  port: number;
  env: Record<string, string>;
}

export interface TopologyOptions {
  subgraphs?: readonly SubgraphRef[];
  host?: string;
  /** Port per subgraph name (default: the catalog's), and `gateway` (default 4000). */
  ports?: Record<string, number>;
  /** Each subgraph's database URL: its own role, its own credentials. */
  databaseUrl: (subgraph: string) => string;
  dataSet?: string;
  /** The shared secret every process verifies tokens with (empty: each uses its local one). */
  authSecret?: string;
  /**
   * Processes per subgraph name and for `gateway` (default 1 each). Replica k (from 2) is named
   * `<name>-<k>`, listens on `ports['<name>-<k>']` or the first's port + 100 × (k - 1), and
   * gateway k sends to replica k of each subgraph (round the replicas there are): two gateways
   * in front of two processes of a subgraph each reach a different one, as behind a balancer.
   */
  replicas?: Record<string, number>;
}

/** The name of replica k (1-based) of a process: the first keeps the plain name. */
export function replicaName(name: string, k: number): string {
  return k === 1 ? name : `${name}-${k}`;
}

/** "gateway=2,credit=2" (CLUSTER_REPLICAS) as { gateway: 2, credit: 2 }. */
export function parseReplicas(value: string | undefined): Record<string, number> {
  const replicas: Record<string, number> = {};
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z_]+)=(\d+)$/.exec(part);
    if (!match || Number(match[2]) < 1) throw new Error(`CLUSTER_REPLICAS: "${part}" is not <process>=<count of 1 or more>`);
    replicas[match[1]!] = Number(match[2]);
  }
  return replicas;
}

/** The role a subgraph connects as. */
export function roleName(subgraph: string, prefix = 'poverty'): string {
  return `${prefix}_${schemaName(subgraph)}`;
}

/**
 * The processes of the production topology, registry first: what this script starts and
 * what docker-compose.yml describes (tests/topology.test.ts holds the two equal).
 */
export function clusterTopology(options: TopologyOptions): ProcessSpec[] {
  const subgraphs = options.subgraphs ?? allSubgraphs;
  const host = options.host ?? '127.0.0.1';
  const portOf = (s: SubgraphRef) => options.ports?.[s.name] ?? s.defaultPort;
  const registry = subgraphs.find((s) => s.name === 'registry');
  if (!registry) throw new Error('the topology needs the registry subgraph');
  const count = (name: string) => options.replicas?.[name] ?? 1;
  const replicaPort = (name: string, first: number, k: number) => options.ports?.[replicaName(name, k)] ?? first + 100 * (k - 1);
  const url = (s: SubgraphRef, k = 1) => `http://${host}:${replicaPort(s.name, portOf(s), k)}/graphql`;
  const replicasOf = (s: SubgraphRef) => Array.from({ length: count(s.name) }, (_, i) => i + 1);
  const specs: ProcessSpec[] = subgraphs.flatMap((s) =>
    replicasOf(s).map((k) => ({
      name: replicaName(s.name, k),
      script: `subgraphs/${s.name}/server.ts`,
      port: replicaPort(s.name, portOf(s), k),
      env: {
        [`${s.name.toUpperCase()}_DATABASE_URL`]: options.databaseUrl(s.name),
        [`${s.name.toUpperCase()}_PORT`]: String(replicaPort(s.name, portOf(s), k)),
        HOST: host,
        REGISTRY_URL: url(registry),
        DATA_SET: options.dataSet ?? 'demo',
        AUTH_SECRET: options.authSecret ?? '',
        // Only the gateway (and the other subgraphs' service calls) may call a subgraph.
        SUBGRAPH_REQUIRE_GATEWAY: 'true',
      },
    })),
  );
  const gatewayPort = options.ports?.gateway ?? 4000;
  for (let k = 1; k <= count('gateway'); k++) {
    const port = replicaPort('gateway', gatewayPort, k);
    const target = (s: SubgraphRef) => url(s, ((k - 1) % count(s.name)) + 1);
    specs.push({
      name: replicaName('gateway', k),
      script: GATEWAY_BUNDLE,
      port,
      env: {
        PORT: String(port),
        HOST: host,
        AUTH_SECRET: options.authSecret ?? '',
        ...Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_URL`, target(s)])),
      },
    });
  }
  return specs;
}

export interface SubgraphRole {
  subgraph: string;
  role: string;
  password: string;
}

function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain lower-case identifier`);
  return `"${name}"`;
}

/** A URL for `database` on the admin URL's server, as `role`. */
export function roleUrl(adminUrl: string, database: string, role: SubgraphRole): string {
  const url = new URL(adminUrl);
  url.username = role.role;
  url.password = role.password;
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * As the admin user: creates the database when missing, then per subgraph a login role (no
 * superuser, no CREATEDB/CREATEROLE) with its password, and the subgraph's schema owned by that
 * role. PUBLIC loses every right on the database and on the public schema, so a role reaches
 * only what it owns: `SELECT FROM registry.household` as the credit role is refused.
 */
export async function prepareClusterDatabase(adminUrl: string, database: string, roles: readonly SubgraphRole[]): Promise<void> {
  const db = identifier(database);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${db}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await client.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    for (const r of roles) {
      const role = identifier(r.role);
      const schema = identifier(schemaName(r.subgraph));
      const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [r.role]);
      if (found.rowCount === 0) await client.query(`CREATE ROLE ${role}`);
      await client.query(`ALTER ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${client.escapeLiteral(r.password)}`);
      await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${role}`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
      await client.query(`ALTER SCHEMA ${schema} OWNER TO ${role}`);
      await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
      // Tables made earlier by another user (say, the admin ran the migrations) pass to the role.
      const foreign = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> $2`,
        [schemaName(r.subgraph), r.role],
      );
      for (const { name } of foreign.rows) await client.query(`ALTER TABLE ${schema}.${client.escapeIdentifier(name)} OWNER TO ${role}`);
    }
  } finally {
    await client.end();
  }
}

export interface ClusterOptions {
  /** An admin (superuser) URL on the server: DATABASE_URL. */
  adminUrl: string;
  database: string;
  rolePrefix?: string;
  host?: string;
  ports?: Record<string, number>;
  dataSet?: string;
  subgraphs?: readonly SubgraphRef[];
  /** Every line the processes print, prefixed with the process name. */
  log?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Processes per subgraph and for `gateway` (see TopologyOptions.replicas). */
  replicas?: Record<string, number>;
}

export interface Cluster {
  gatewayUrl: string;
  /** Every gateway process's URL, the first being gatewayUrl. */
  gatewayUrls: string[];
  urls: Record<string, string>;
  roles: SubgraphRole[];
  databaseUrls: Record<string, string>;
  /** Verifies (and, with a shared secret, mints) the tokens every process accepts. */
  auth: Authenticator;
  stop(): Promise<void>;
}

/** Polls a process's /ready until it answers 200; fails when the process exits first or time runs out. */
async function waitReady(spec: ProcessSpec, host: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const url = `http://${host}:${spec.port}/ready`;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${spec.name} was not ready at ${url} after ${timeoutMs / 1000} s`);
}

function stopProcess(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Prepares the database and roles, then starts every process and waits until each is ready. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const subgraphs = options.subgraphs ?? allSubgraphs;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.log(line));
  const roles = subgraphs.map((s) => ({ subgraph: s.name, role: roleName(s.name, options.rolePrefix), password: randomBytes(18).toString('base64url') }));
  await prepareClusterDatabase(options.adminUrl, options.database, roles);
  const databaseUrls = Object.fromEntries(roles.map((r) => [r.subgraph, roleUrl(options.adminUrl, options.database, r)]));
  // Every process verifies tokens with the same key: AUTH_SECRET when set, else this
  // machine's local secret, handed to each process explicitly.
  const authConfig = authConfigFromEnv(process.env);
  const specs = clusterTopology({
    subgraphs,
    host,
    ...(authConfig.secret ? { authSecret: authConfig.secret } : {}),
    databaseUrl: (name) => databaseUrls[name]!,
    ...(options.ports ? { ports: options.ports } : {}),
    ...(options.dataSet ? { dataSet: options.dataSet } : {}),
    ...(options.replicas ? { replicas: options.replicas } : {}),
  });

  // A process gets only its own settings: no admin DATABASE_URL to fall back on, no other
  // subgraph's database URL.
  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/DATABASE_URL$|_URL$|_PORT$|^PORT$|^HOST$|^DATA_SET$/.test(key)) baseEnv[key] = value;
  }
  if (process.env.AUTH_JWKS_URL) baseEnv.AUTH_JWKS_URL = process.env.AUTH_JWKS_URL;
  const children: Array<{ spec: ProcessSpec; child: ChildProcess }> = [];
  const start = (spec: ProcessSpec) => {
    const args = spec.script.endsWith('.mjs') ? [...gatewayNodeArgs(), spec.script] : ['--import', 'tsx', spec.script];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...baseEnv, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const line of lines) log(`[${spec.name}] ${line}`);
      });
    }
    children.push({ spec, child });
    return child;
  };
  const stop = async () => {
    // The gateway first, then the subgraphs, the registry last.
    for (const { child } of [...children].reverse()) await stopProcess(child);
  };
  const timeout = options.readyTimeoutMs ?? 180_000;
  try {
    const isGateway = (s: ProcessSpec) => s.script === GATEWAY_BUNDLE;
    const firsts = specs.filter((s) => !isGateway(s) && subgraphs.some((g) => g.name === s.name));
    const [registry, ...rest] = firsts;
    // A subgraph's further processes start once its first has migrated and loaded the data.
    const further = specs.filter((s) => !isGateway(s) && !firsts.includes(s));
    await waitReady(registry!, host, start(registry!), timeout);
    await Promise.all(rest.map((spec) => waitReady(spec, host, start(spec), timeout)));
    await Promise.all(further.map((spec) => waitReady(spec, host, start(spec), timeout)));
    await buildGateway();
    await Promise.all(specs.filter(isGateway).map((spec) => waitReady(spec, host, start(spec), timeout)));
  } catch (error) {
    await stop();
    throw error;
  }
  const gatewayUrls = specs.filter((s) => s.script === GATEWAY_BUNDLE).map((s) => `http://${host}:${s.port}/graphql`);
  return {
    gatewayUrl: gatewayUrls[0]!,
    gatewayUrls,
    urls: Object.fromEntries(specs.map((s) => [s.name, `http://${host}:${s.port}/graphql`])),
    roles,
    databaseUrls,
    auth: new Authenticator(authConfig),
    stop,
  };
}

/** `--prepare-only`: roles and passwords from each subgraph's <NAME>_DATABASE_URL. */
export function rolesFromEnv(env: NodeJS.ProcessEnv, subgraphs: readonly SubgraphRef[] = allSubgraphs): { database: string; roles: SubgraphRole[] } {
  let database: string | undefined;
  const roles = subgraphs.map((s) => {
    const value = env[`${s.name.toUpperCase()}_DATABASE_URL`];
    if (!value) throw new Error(`${s.name.toUpperCase()}_DATABASE_URL is not set`);
    const url = new URL(value);
    const db = url.pathname.slice(1);
    if (database !== undefined && db !== database) throw new Error('every <NAME>_DATABASE_URL must name the same database');
    database = db;
    return { subgraph: s.name, role: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  });
  return { database: database!, roles };
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL || DEFAULT_ADMIN_URL;
  if (process.argv.includes('--prepare-only')) {
    const { database, roles } = rolesFromEnv(process.env);
    await prepareClusterDatabase(adminUrl, database, roles);
    for (const r of roles) console.log(`${r.subgraph}: role ${r.role} owns schema ${schemaName(r.subgraph)} in ${database}`);
    return;
  }
  const ports: Record<string, number> = {};
  for (const s of allSubgraphs) {
    const value = process.env[`${s.name.toUpperCase()}_PORT`];
    if (value) ports[s.name] = Number(value);
  }
  if (process.env.PORT) ports.gateway = Number(process.env.PORT);
  const database = process.env.CLUSTER_DATABASE || 'poverty_cluster';
  const started = Date.now();
  console.log(`database: ${new URL(adminUrl).host}/${database}, one role per subgraph`);
  const cluster = await startCluster({
    adminUrl,
    database,
    host: process.env.HOST || '127.0.0.1',
    ports,
    dataSet: process.env.DATA_SET || 'demo',
    replicas: parseReplicas(process.env.CLUSTER_REPLICAS),
  });
  console.log('');
  for (const [name, url] of Object.entries(cluster.urls)) {
    const role = cluster.roles.find((r) => r.subgraph === name.replace(/-\d+$/, ''));
    console.log(`${name.padEnd(18)} ${url}${role ? `  (role ${role.role})` : ''}`);
  }
  console.log(`\ncluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s; gateway at ${cluster.gatewayUrl}. Ctrl-C stops it.`);
  // Ctrl-C reaches every process of the group (each stops itself); stop once, then wait for all.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`start:cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
