import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedLoop, httpTask } from './lib/load.js';
import { closeAgent } from './lib/http.js';

// A benchmark's client checks each answer against the expected one. That is the client's work:
// it must not be counted in the request's latency (for a 100 KB answer it took most of a
// millisecond, counted in the gateway's p50 and not in the replayed fetches', bench/overhead.ts).

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The check's own work, on the client's thread.
  }
}

describe('closedLoop', () => {
  it('takes a request’s time before its deferred check runs, and counts the check’s verdict', async () => {
    let calls = 0;
    const run = await closedLoop({
      clients: 1,
      seconds: 0.3,
      task: async () => {
        calls++;
        const verdict = calls % 2 === 0;
        // An answer at once, then a check that takes 100 ms.
        return () => {
          busy(100);
          return verdict;
        };
      },
    });
    expect(run.requests).toBeGreaterThanOrEqual(2);
    // Had the check been timed, every latency would be 100 ms or more.
    expect(run.max).toBeLessThan(50);
    expect(run.mismatches).toBe(Math.ceil(run.requests / 2));
    expect(run.errors).toBe(0);
  });

  it('still takes a plain verdict and counts a failed request as an error, not a latency', async () => {
    let calls = 0;
    let falses = 0;
    let throws = 0;
    const run = await closedLoop({
      clients: 2,
      seconds: 0.05,
      task: async () => {
        calls++;
        if (calls % 3 === 0) {
          throws++;
          throw new Error('refused');
        }
        const verdict = calls % 3 === 1;
        if (!verdict) falses++;
        return verdict;
      },
    });
    expect(throws).toBeGreaterThan(0);
    expect(run.errors).toBe(throws);
    expect(run.requests).toBe(calls - throws);
    expect(run.mismatches).toBe(falses);
    expect(run.firstError).toBe('refused');
  });
});

describe('httpTask', () => {
  let server: http.Server;
  let url = '';
  let answer = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    closeAgent();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers with a check that compares the body, page cursors aside', async () => {
    const task = httpTask({ url, body: '{}', headers: {}, expectBody: '{"data":{"endCursor":"abc","n":1}}' });
    answer = '{"data":{"endCursor":"xyz","n":1}}';
    const same = await task();
    expect(typeof same).toBe('function');
    expect((same as () => boolean)()).toBe(true);
    answer = '{"data":{"endCursor":"xyz","n":2}}';
    expect(((await task()) as () => boolean)()).toBe(false);
  });
});
