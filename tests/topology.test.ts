import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterTopology, parseReplicas, roleName, rolesFromEnv, type ProcessSpec } from '../scripts/cluster.js';
import { gatewayNodeArgs } from '../scripts/build-gateway.js';
import { subgraphs } from '../subgraphs/catalog.js';

// docker-compose.yml and the process topology (scripts/cluster.ts, `npm run start:cluster`)
// describe the same production graph: the same services, ports, variables and database roles.

type Yaml = string | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

/**
 * A reader for the small YAML subset docker-compose.yml uses (no YAML parser is installed):
 * block mappings by indentation, `&anchor` / `<<: *anchor` merges, JSON-style flow sequences,
 * `{ key: value }` flow mappings, quoted and plain scalars, whole-line comments.
 */
function readComposeYaml(text: string): YamlMap {
  const lines = text
    .split('\n')
    .map((raw) => ({ indent: raw.search(/\S/), text: raw.trim() }))
    .filter((l) => l.indent >= 0 && !l.text.startsWith('#'));
  const anchors = new Map<string, YamlMap>();
  let i = 0;
  const scalar = (value: string): Yaml => {
    if (value.startsWith('[') || value.startsWith('"')) return JSON.parse(value) as Yaml;
    if (value.startsWith('{')) {
      const map: YamlMap = {};
      for (const part of value.slice(1, -1).split(',')) {
        const [k, ...v] = part.split(':');
        if (k?.trim()) map[k.trim()] = v.join(':').trim();
      }
      return map;
    }
    return value;
  };
  const block = (indent: number): YamlMap => {
    const map: YamlMap = {};
    while (i < lines.length && lines[i]!.indent === indent) {
      const line = lines[i]!;
      const m = /^([^:\s][^:]*?):(?:\s+(.*))?$/.exec(line.text);
      if (!m) throw new Error(`docker-compose.yml: cannot read "${line.text}"`);
      i++;
      const [, key, rest] = m;
      if (rest === undefined || rest.startsWith('&')) {
        const child = i < lines.length && lines[i]!.indent > indent ? block(lines[i]!.indent) : {};
        if (rest) anchors.set(rest.slice(1), child);
        map[key!] = child;
      } else if (key === '<<') {
        const anchor = anchors.get(rest.replace(/^\*/, ''));
        if (!anchor) throw new Error(`docker-compose.yml: unknown anchor ${rest}`);
        Object.assign(map, structuredClone(anchor));
      } else {
        map[key!] = scalar(rest);
      }
    }
    if (i < lines.length && lines[i]!.indent > indent) throw new Error(`docker-compose.yml: unexpected indentation at "${lines[i]!.text}"`);
    return map;
  };
  return block(0);
}

/** `${VAR:-default}` as docker compose reads it with VAR unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

const compose = readComposeYaml(fs.readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'));
const services = compose.services as Record<string, YamlMap>;
const envOf = (service: string) => (services[service]?.environment ?? {}) as Record<string, string>;
const packageScripts = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
const topology: ProcessSpec[] = clusterTopology({ databaseUrl: (name) => `postgres://${roleName(name)}:secret@127.0.0.1:5432/poverty` });
const spec = (name: string) => topology.find((s) => s.name === name)!;

describe('docker-compose.yml and the process topology (npm run start:cluster) agree', () => {
  it('has one service per subgraph in the catalog, the gateway, postgres, and the database-roles step', () => {
    expect(Object.keys(services).sort()).toEqual([...subgraphs.map((s) => s.name), 'gateway', 'postgres', 'database-roles'].sort());
    expect(topology.map((s) => s.name)).toEqual([...subgraphs.map((s) => s.name), 'gateway']);
  });

  it.each(subgraphs.map((s) => [s.name]))('%s: same command, port, variables and database role', (name) => {
    const service = services[name]!;
    const env = envOf(name);
    const proc = spec(name);
    const NAME = name.toUpperCase();
    expect(Object.keys(env).sort()).toEqual(Object.keys(proc.env).sort());
    expect(service.command).toEqual(['npm', 'run', `start:${name}`]);
    expect(packageScripts[`start:${name}`]).toBe(`tsx ${proc.script}`);
    expect(env[`${NAME}_PORT`]).toBe(String(proc.port));
    expect(JSON.stringify((service.healthcheck as YamlMap).test)).toContain(`127.0.0.1:${proc.port}/health`);
    expect(env.DATA_SET).toBe(proc.env.DATA_SET);
    const registry = new URL(env.REGISTRY_URL!);
    expect([registry.hostname, Number(registry.port), registry.pathname]).toEqual(['registry', spec('registry').port, '/graphql']);
    // Its own role, the same one database-roles creates.
    const db = new URL(withDefaults(env[`${NAME}_DATABASE_URL`]!));
    expect(db.username).toBe(roleName(name));
    expect(db.username).toBe(new URL(proc.env[`${NAME}_DATABASE_URL`]!).username);
    expect(env[`${NAME}_DATABASE_URL`]).toBe(envOf('database-roles')[`${NAME}_DATABASE_URL`]);
    expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, 'database-roles': { condition: 'service_completed_successfully' } });
  });

  it('gateway: same command, port, and a URL for every subgraph at its port', () => {
    const env = envOf('gateway');
    const proc = spec('gateway');
    expect(Object.keys(env).sort()).toEqual(Object.keys(proc.env).sort());
    expect(services.gateway!.command).toEqual(['npm', 'run', 'start:gateway']);
    // The gateway runs built (scripts/build-gateway.ts), with plain node.
    expect(packageScripts['start:gateway']).toBe(
      `tsx scripts/build-gateway.ts && node --max-old-space-size=\${GATEWAY_HEAP_MB:-224} --enable-source-maps ${proc.script}`,
    );
    expect(gatewayNodeArgs({})).toEqual(['--max-old-space-size=224', '--enable-source-maps']);
    expect(env.PORT).toBe(String(proc.port));
    expect(services.gateway!.ports).toEqual([`${proc.port}:${proc.port}`]);
    for (const s of subgraphs) {
      const url = new URL(env[`${s.name.toUpperCase()}_URL`]!);
      expect([url.hostname, Number(url.port), url.pathname]).toEqual([s.name, spec(s.name).port, '/graphql']);
      expect(new URL(proc.env[`${s.name.toUpperCase()}_URL`]!).port).toBe(String(spec(s.name).port));
    }
    expect(Object.keys(services.gateway!.depends_on as YamlMap).sort()).toEqual(subgraphs.map((s) => s.name).sort());
  });

  it("database-roles runs the cluster script's admin step with every subgraph's role in one database", () => {
    const roles = services['database-roles']!;
    expect(roles.command).toEqual(['node', '--import', 'tsx', 'scripts/cluster.ts', '--prepare-only']);
    const env = Object.fromEntries(Object.entries(envOf('database-roles')).map(([k, v]) => [k, withDefaults(v)]));
    expect(new URL(env.DATABASE_URL!).username).toBe('postgres');
    const { database, roles: list } = rolesFromEnv(env);
    expect(database).toBe('poverty');
    expect(list.map((r) => [r.subgraph, r.role])).toEqual(subgraphs.map((s) => [s.name, roleName(s.name)]));
    expect(list.every((r) => r.password.length > 0)).toBe(true);
  });

  it('the image exposes every port of the topology', () => {
    const exposed = /^EXPOSE (.*)$/m
      .exec(fs.readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8'))![1]!
      .split(/\s+/)
      .map(Number);
    expect(exposed.sort()).toEqual(topology.map((s) => s.port).sort());
  });
});

describe('npm run start:cluster with replicas (CLUSTER_REPLICAS)', () => {
  it('runs further processes of a subgraph and of the gateway, gateway k in front of replica k', () => {
    const replicated = clusterTopology({
      databaseUrl: (name) => `postgres://${roleName(name)}:secret@127.0.0.1:5432/poverty`,
      replicas: parseReplicas('gateway=2,credit=2'),
    });
    const byName = new Map(replicated.map((s) => [s.name, s]));
    expect(replicated.map((s) => s.name)).toEqual([
      ...subgraphs.flatMap((s) => (s.name === 'credit' ? ['credit', 'credit-2'] : [s.name])),
      'gateway',
      'gateway-2',
    ]);
    expect(byName.get('credit-2')!.port).toBe(byName.get('credit')!.port + 100);
    expect(byName.get('credit-2')!.env.CREDIT_DATABASE_URL).toBe(byName.get('credit')!.env.CREDIT_DATABASE_URL);
    expect(byName.get('gateway')!.env.CREDIT_URL).toBe(`http://127.0.0.1:${byName.get('credit')!.port}/graphql`);
    expect(byName.get('gateway-2')!.env.CREDIT_URL).toBe(`http://127.0.0.1:${byName.get('credit-2')!.port}/graphql`);
    // A subgraph with one process serves both gateways.
    expect(byName.get('gateway-2')!.env.REGISTRY_URL).toBe(byName.get('gateway')!.env.REGISTRY_URL);
    expect(() => parseReplicas('credit=0')).toThrow(/CLUSTER_REPLICAS/);
  });
});
