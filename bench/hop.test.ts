import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnChild, type Child } from './lib/children.js';
import type { HopNode } from './processes/hop.js';

// bench/processes/hop.ts, the do-nothing gateway of `bench:overhead --hop`: it must send the
// plan as the plan orders it (a Sequence one fetch after the other's answer, a Parallel at once)
// with the caller's token, and answer with the recorded bytes, or its p50 is not the floor it
// claims to be.

const events: string[] = [];
const servers: http.Server[] = [];
let hop: Child | undefined;
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hop-test-'));

/** A subgraph stand-in that notes when each request arrives and when it answers, after `delayMs`. */
async function subgraph(name: string, delayMs: number): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      events.push(`${name} in ${req.headers.authorization ?? 'no token'} ${body}`);
      setTimeout(() => {
        events.push(`${name} out`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"data":{"${name}":true}}`);
      }, delayMs);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

afterAll(async () => {
  await hop?.stop();
  for (const server of servers) server.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('the do-nothing gateway (bench/processes/hop.ts)', () => {
  it('sends the plan in its order with the caller token and answers with the recorded bytes', async () => {
    const [a, b, c] = await Promise.all([subgraph('a', 20), subgraph('b', 60), subgraph('c', 30)]);
    const plan: HopNode = {
      kind: 'Sequence',
      nodes: [
        { kind: 'Fetch', url: a, body: '{"query":"A"}' },
        { kind: 'Parallel', nodes: [{ kind: 'Fetch', url: b, body: '{"query":"B"}' }, { kind: 'Empty' }, { kind: 'Fetch', url: c, body: '{"query":"C"}' }] },
      ],
    };
    const answer = '{"data":{"household":{"name":"Nguyễn Văn An"}}}\n';
    const file = path.join(folder, 'plan.json');
    fs.writeFileSync(file, JSON.stringify({ plan, answer }));
    const started = await spawnChild({
      name: 'hop',
      script: 'bench/processes/hop.ts',
      env: { PORT: String(await freePort()), BENCH_HOP_PLAN: file },
      readyLine: /hop ready at (\S+)/,
    });
    hop = started.child;
    const response = await fetch(started.ready.line![1]!, { method: 'POST', headers: { authorization: 'Bearer t1' }, body: '{"query":"{ x }"}' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(answer);
    // B and C only after A answered, both sent before either of them answered (in whichever order they arrive).
    expect(events.slice(0, 2)).toEqual(['a in Bearer t1 {"query":"A"}', 'a out']);
    expect(events.slice(2, 4).sort()).toEqual(['b in Bearer t1 {"query":"B"}', 'c in Bearer t1 {"query":"C"}']);
    expect(events.slice(4)).toEqual(['c out', 'b out']);
  });
});
