import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGateway } from '../gateway/gateway.js';
import { defaultRoutingUrl, readCommittedSupergraph } from '../schema/compose.js';
import { loadOperations } from '../platform/operations.js';
import { publishSubgraph } from '../schema/publish.js';
import { subgraphs } from '../subgraphs/catalog.js';
import { credit } from '../subgraphs/credit/index.js';
import type { RunningServer } from '../platform/http.js';
import { serveSubgraph } from '../platform/serve.js';
import type { SubgraphPackage } from '../platform/subgraph.js';
import { FaultProxy } from './support/fault-proxy.js';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.js';

// Departments publish without a restart (issue 18): `npm run schema:publish -- <subgraph>`
// checks and composes, and a running gateway takes up the new supergraph file while clients
// query, dropping no request; a file that does not load leaves the old supergraph in use.

const NEW_FIELD = `
  "The branch that answers for VBSP lending in the city (added to show a publish without a restart)."
  creditBranch: String`;
const BRANCH = 'Ngân hàng Chính sách xã hội chi nhánh Hà Nội';

const workingTree = () => subgraphs.map((s) => ({ name: s.name, url: defaultRoutingUrl(s.defaultPort), sdl: fs.readFileSync(s.schemaFile, 'utf8') }));
const withCreditField = () =>
  workingTree().map((s) => (s.name === 'credit' ? { ...s, sdl: s.sdl.replace(/(type City @key\(fields: "code"\)[^{]*\{)/, `$1${NEW_FIELD}`) } : s));

describe('npm run schema:publish (schema/publish.ts)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const target = () => {
    const file = path.join(dir, `supergraph-${Math.random().toString(36).slice(2)}.graphql`);
    fs.writeFileSync(file, readCommittedSupergraph());
    return file;
  };
  const input = (file: string, subgraph: string, sdls = withCreditField()) => ({
    subgraph,
    subgraphs: sdls,
    target: file,
    operations: loadOperations(),
    acknowledged: [],
  });

  it('publishes a subgraph whose only change is its own, and then has nothing to publish', () => {
    const file = target();
    const result = publishSubgraph(input(file, 'credit'));
    expect(result.outcome).toBe('published');
    expect(fs.readFileSync(file, 'utf8')).toContain('creditBranch: String');
    expect(publishSubgraph(input(file, 'credit')).outcome).toBe('unchanged');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("refuses, writing nothing, when another department's schema also changed", () => {
    const file = target();
    const result = publishSubgraph(input(file, 'housing'));
    expect(result.outcome).toBe('refused');
    expect(result.report).toMatch(/credit also differs/);
    expect(fs.readFileSync(file, 'utf8')).toBe(readCommittedSupergraph());
  });

  it('refuses a composition error and an unacknowledged breaking change, writing nothing', () => {
    const file = target();
    const broken = workingTree().map((s) =>
      s.name === 'credit'
        ? {
            ...s,
            sdl: s.sdl.replace(/type City @key\(fields: "code"\)([^{]*)\{\n(\s*"[^\n]*"\n)?\s*code: ID!/, 'type City @key(fields: "code")$1{\n  code: Int!'),
          }
        : s,
    );
    expect(publishSubgraph(input(file, 'credit', broken))).toMatchObject({ outcome: 'refused', report: expect.stringMatching(/COMPOSITION FAILED/) });
    const removed = workingTree().map((s) =>
      s.name === 'credit'
        ? {
            ...s,
            sdl: s.sdl
              .replace(/\n\s*"[^\n]*"\n\s*capitalEntrusted\(fromYear: Int!, toYear: Int!\): CreditCapitalEntrusted\n/, '\n')
              .replace(/\n\s*"""(?:(?!""")[\s\S])*"""\n\s*capitalEntrusted\(fromYear: Int!, toYear: Int!\): CreditCapitalEntrusted\n/, '\n'),
          }
        : s,
    );
    expect(removed.find((s) => s.name === 'credit')!.sdl).not.toContain('capitalEntrusted(');
    const refused = publishSubgraph(input(file, 'credit', removed));
    expect(refused.outcome).toBe('refused');
    expect(refused.report).toMatch(/BREAKING.*City\.capitalEntrusted/);
    expect(fs.readFileSync(file, 'utf8')).toBe(readCommittedSupergraph());
  });
});

describe('a running gateway takes up a published supergraph', () => {
  const logs: string[] = [];
  const logDestination = new Writable({
    write: (chunk, _encoding, done) => {
      logs.push(String(chunk));
      done();
    },
  });
  let stack: TestStack;
  let proxy: FaultProxy;
  let gateway: RunningServer;
  let newCredit: RunningServer | undefined;
  let file: string;
  let analyst: string;

  beforeAll(async () => {
    stack = await startTestStack({ logDestination });
    analyst = await stack.token({ roles: ['analyst'] });
    proxy = await FaultProxy.start(stack.subgraphUrls.credit!);
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'watch-')), 'supergraph.graphql');
    fs.writeFileSync(file, readCommittedSupergraph());
    gateway = await serveGateway({
      subgraphUrls: { ...stack.subgraphUrls, credit: proxy.url },
      supergraphFile: file,
      watchSupergraph: true,
      port: 0,
      // What is tested is the swap, not the timeouts: a loaded machine must not trip them.
      resilience: { subgraphTimeoutMs: 60_000, requestDeadlineMs: 60_000, circuitFailures: 1000, circuitCooldownMs: 1000 },
      host: '127.0.0.1',
      auth: stack.auth,
      logDestination,
      signIn: null,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await newCredit?.close();
    await proxy?.close();
    await stack?.close();
  });

  const CITY = `{ city { name creditFigures(from: "2022-01-01", to: "2024-12-31") { loans } housingFigures(from: "2022-01-01", to: "2024-12-31") { housesCompleted } } }`;

  it('adds a field while clients query: zero failed requests, and the new field answered', async () => {
    // Clients query all along.
    let running = true;
    let sent = 0;
    const failures: string[] = [];
    const client = async () => {
      while (running) {
        const r = await postGraphQL(gateway.url, CITY, undefined, analyst).catch((e: Error) => ({ errors: [{ message: e.message }], data: null }));
        sent++;
        if (r.errors?.length || !r.data?.city?.creditFigures) failures.push(JSON.stringify(r.errors ?? r.data));
      }
    };
    const clients = [client(), client(), client(), client()];

    // The credit department starts its new version beside the old one (same database) and
    // routes new connections to it, then publishes its schema.
    const sdl = withCreditField().find((s) => s.name === 'credit')!.sdl;
    const next: SubgraphPackage = {
      ...credit,
      buildSubgraph: (deps) => {
        const built = credit.buildSubgraph(deps);
        const resolvers = built.resolvers as Record<string, Record<string, unknown>>;
        return { ...built, typeDefs: parse(sdl), resolvers: { ...resolvers, City: { ...resolvers.City, creditBranch: () => BRANCH } } };
      },
    };
    newCredit = await serveSubgraph(next, {
      db: stack.databases.serving<any>('credit'),
      peers: { registry: stack.subgraphUrls.registry! },
      port: 0,
      host: '127.0.0.1',
      auth: stack.auth,
      logDestination,
    });
    proxy.retarget(newCredit.url);
    await new Promise((r) => setTimeout(r, 300));
    const result = publishSubgraph({ subgraph: 'credit', subgraphs: withCreditField(), target: file, operations: loadOperations(), acknowledged: [] });
    expect(result.outcome).toBe('published');

    let answered: unknown = null;
    for (let i = 0; i < 50 && !answered; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = await postGraphQL(gateway.url, `{ city { creditBranch } }`, undefined, analyst);
      answered = r.data?.city?.creditBranch ?? null;
    }
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await Promise.all(clients);
    expect(answered).toBe(BRANCH);
    expect(sent).toBeGreaterThan(10);
    expect(failures.slice(0, 3), `${failures.length} of ${sent} failed`).toEqual([]);
    expect(logs.join('')).toMatch(/supergraph updated/);
  });

  it('keeps the supergraph it has when the new file does not load, and says why', async () => {
    const before = await postGraphQL(gateway.url, CITY, undefined, analyst);
    expect(before.errors).toBeUndefined();
    fs.writeFileSync(file, 'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query } type Query { broken: ');
    for (let i = 0; i < 30 && !/supergraph not taken/.test(logs.join('')); i++) await new Promise((r) => setTimeout(r, 200));
    expect(logs.join('')).toMatch(/supergraph not taken/);
    const after = await postGraphQL(gateway.url, CITY, undefined, analyst);
    expect(after.errors).toBeUndefined();
    expect(after.data.city.creditFigures.loans).toBe(before.data.city.creditFigures.loans);
  });
});
