import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../schema/operations.js';
import { subgraphs } from '../subgraphs/catalog.js';
import { postGraphQL } from './support/stack.js';

// `npm start` as a user runs it: a child process on the embedded database in a fresh data
// folder, queried over HTTP, stopped with Ctrl-C (SIGINT), started again on the same folder.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function start(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /gateway ready at (\S+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output, url };
}

async function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

describe.runIf(!process.env.DATABASE_URL)('npm start', () => {
  it('serves the graph, stops cleanly on Ctrl-C, and keeps what was written across a restart', { timeout: 240_000 }, async () => {
    // NODE_ENV as a user has it (vitest sets 'test', which changes Apollo's signal handling).
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', DATA_SET: 'demo', DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(await freePort()) };
    for (const s of subgraphs) {
      env[`${s.name.toUpperCase()}_PORT`] = String(await freePort());
      env[`${s.name.toUpperCase()}_DATABASE_URL`] = '';
    }
    const first = await start(env);
    // Without a token: the public aggregates.
    // The README's first query, as a new user sends it.
    const communes = await postGraphQL(first.url, loadOperations().find((o) => o.name === 'readme-communes')!.document);
    expect(communes.data.communes).toHaveLength(126);
    // `npm run token` mints with the secret the first start made in the data folder.
    const minted = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'administrator'], { env: { ...process.env, ...env }, encoding: 'utf8' });
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
    expect(fs.existsSync(`${path.join(dataDir, 'pglite')}.lock`)).toBe(false);

    const second = await start(env);
    const again = await postGraphQL(second.url, `{ household(id: "${id}") { address } households(first: 1) { totalCount } }`, undefined, token);
    expect(again.data.household).toEqual({ address: 'kept across restarts' });
    // The demo data was not loaded a second time.
    expect(again.data.households.totalCount).toBe(301);
    expect(await interrupt(second.child)).toBe(0);
  });
});
