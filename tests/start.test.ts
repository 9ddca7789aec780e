import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../platform/operations.js';
import { subgraphs } from '../subgraphs/catalog.js';
import { freePort } from './support/fault-proxy.js';
import { postGraphQL } from './support/stack.js';

// `npm start` as a user runs it: a child process on the embedded database in a fresh data
// folder, queried over HTTP, stopped with Ctrl-C (SIGINT), started again on the same folder.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/**
 * `npm start` in a process group of its own, as a terminal runs it: Ctrl-C (interrupt) reaches
 * the whole group, esbuild's service included.
 */
function spawnStart(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function start(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string; url: string }> {
  const { child, output: read } = spawnStart(env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /gateway ready at (\S+)/.exec(read());
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${read()}`));
    });
  });
  return { child, output: read, url };
}

/** Ctrl-C: SIGINT to the process group. */
async function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.kill(-child.pid!, 'SIGINT');
  return exited;
}

async function environment(dir: string): Promise<NodeJS.ProcessEnv> {
  // Each free port is closed again before npm start binds it, so the OS may hand the same one
  // out twice (a CI run failed on EADDRINUSE that way): every process here gets a distinct one.
  const taken = new Set<number>();
  const distinctPort = async (): Promise<string> => {
    for (;;) {
      const port = await freePort();
      if (taken.has(port)) continue;
      taken.add(port);
      return String(port);
    }
  };
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    DATA_SET: 'demo',
    DATA_DIR: dir,
    DATABASE_URL: '',
    PORT: await distinctPort(),
    OIDC_PORT: await distinctPort(),
  };
  for (const s of subgraphs) {
    env[`${s.name.toUpperCase()}_PORT`] = await distinctPort();
    env[`${s.name.toUpperCase()}_DATABASE_URL`] = '';
  }
  return env;
}

/** A stack trace's frames ("    at ...") or an error's name anywhere in the output. */
const STACK = /^\s+at |Error:/m;

describe.runIf(!process.env.DATABASE_URL)('npm start', () => {
  it('serves the graph, stops cleanly on Ctrl-C, and keeps what was written across a restart', { timeout: 240_000 }, async () => {
    // NODE_ENV as a user has it (vitest sets 'test', which changes Apollo's signal handling).
    const env = await environment(dataDir);
    const first = await start(env);
    // The OpenID provider on loopback, with the demo accounts printed, its keys published.
    expect(first.output()).toMatch(/sign-in: an OpenID provider for this machine at http:\/\/127\.0\.0\.1:\d+/);
    expect(first.output()).toMatch(/caseworker +password caseworker-demo +caseworker \(communes 10369, 08974\)/);
    const issuer = `http://127.0.0.1:${env.OIDC_PORT}`;
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
      code_challenge_methods_supported: string[];
    };
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<{ kty: string; alg: string; d?: string }> };
    expect(jwks.keys.map((k) => [k.kty, k.alg, 'd' in k])).toEqual([['RSA', 'RS256', false]]);
    // Without a token: the public aggregates.
    // The README's first query, as a new user sends it.
    const communes = await postGraphQL(first.url, loadOperations().find((o) => o.name === 'readme-communes')!.document);
    expect(communes.data.communes).toHaveLength(126);
    // The query the start-up lines suggest, as printed: answered without a token.
    const suggested = /^try: curl .* --data '(.*)' (\S+)$/m.exec(first.output());
    expect(suggested?.[2]).toBe(first.url);
    const tried = await postGraphQL(first.url, (JSON.parse(suggested![1]!) as { query: string }).query);
    expect(tried.errors).toBeUndefined();
    expect(tried.data.communes).toHaveLength(126);
    // `npm run token` mints with the secret the first start made in the data folder.
    const minted = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'administrator'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(minted.status, minted.stderr).toBe(0);
    const token = minted.stdout.trim();
    const denied = await postGraphQL(first.url, `{ households(first: 1) { edges { node { address } } } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const registered = await postGraphQL(
      first.url,
      `mutation { registerHousehold(input: { communeCode: "00070", address: "kept across restarts",
        members: [{ fullName: "Lê Thị Bền", birthYear: 1975, sex: FEMALE, relation: HEAD }] }) { household { id } } }`,
      undefined,
      token,
    );
    const id = registered.data.registerHousehold.household.id;
    expect(await interrupt(first.child)).toBe(0);
    expect(first.output()).toContain('SIGINT: stopping');
    // Ctrl-C reached esbuild's service too, bundling the pages: no line about it, no stack.
    expect(first.output()).not.toContain('page assets failed');
    expect(first.output()).not.toMatch(STACK);
    expect(fs.existsSync(`${path.join(dataDir, 'pglite')}.lock`)).toBe(false);

    const second = await start(env);
    const again = await postGraphQL(second.url, `{ household(id: "${id}") { address } households(first: 1) { totalCount } }`, undefined, token);
    expect(again.data.household).toEqual({ address: 'kept across restarts' });
    // The demo data was not loaded a second time.
    expect(again.data.households.totalCount).toBe(301);
    // The provider signs with the key kept in the data folder: the same key after a restart.
    const jwksAgain = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<{ kid: string }> };
    expect(jwksAgain.keys.map((k) => k.kid)).toEqual((jwks.keys as unknown as Array<{ kid: string }>).map((k) => k.kid));
    expect(await interrupt(second.child)).toBe(0);
  });

  it('stops with one line and no stack on Ctrl-C during start-up', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-interrupted-'));
    try {
      const { child, output } = spawnStart(await environment(dir));
      // Interrupted while it migrates the fresh database.
      await expect.poll(output, { timeout: 60_000, interval: 50 }).toMatch(/migration .* applied/);
      const exited = await interrupt(child);
      // One line, the last; progress lines already under way when the signal came may precede it.
      const lines = output().trim().split('\n');
      expect(lines.at(-1)).toBe('SIGINT: stopped during start-up');
      expect(lines.filter((line) => /SIGINT|stop/i.test(line))).toEqual(['SIGINT: stopped during start-up']);
      expect(exited).toBe(130);
      expect(output()).not.toMatch(STACK);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
