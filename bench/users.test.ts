import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assignHouseholds, HOUSEHOLD_READER_MIX, mintReaders, mintWriter, READER_MIX, benchMinter } from './users.js';
import { combineLoads, householdWorkload, userTask } from './users-load.js';
import type { UsersLoad } from './results.js';
import { Authenticator, DEFAULT_AUDIENCE, DEFAULT_ISSUER, loadAccessPolicy } from '../platform/auth.js';

// The benchmark's simulated officials (bench/users.ts): each signed-in client has a token of its
// own, verified here by the graph's own Authenticator, so the gateway cannot merge their fetches
// as it merges a shared token's.

const authenticator = new Authenticator({
  secret: 'bench-users-test-secret-of-32-characters',
  issuer: DEFAULT_ISSUER,
  audience: DEFAULT_AUDIENCE,
  policy: loadAccessPolicy({}),
  keySource: 'test',
  internalSecret: 'bench-users-test-internal-secret-32-chars',
});
const communes = ['00001', '00002', '00003', '00004', '00005', '00006', '00007', '00008'];

describe('bench users', () => {
  it('gives every signed-in client its own subject and token, with the mix of roles', async () => {
    const users = await mintReaders(10, communes, benchMinter(authenticator));
    expect(users.map((u) => u.role)).toEqual([...READER_MIX, ...READER_MIX]);
    const signedIn = users.filter((u) => u.role !== 'public');
    expect(new Set(signedIn.map((u) => u.sub)).size).toBe(signedIn.length);
    expect(new Set(signedIn.map((u) => u.headers.authorization)).size).toBe(signedIn.length);
    for (const user of signedIn) {
      const viewer = await authenticator.viewerOf(user.headers.authorization);
      expect(viewer.subject).toBe(user.sub);
      expect(viewer.roles).toEqual([user.role]);
    }
  });

  it('sends no token for the public, and gives caseworkers communes of their own', async () => {
    const users = await mintReaders(10, communes, benchMinter(authenticator));
    for (const user of users.filter((u) => u.role === 'public')) expect(user.headers).toEqual({});
    const caseworkers = users.filter((u) => u.role === 'caseworker');
    expect(caseworkers.length).toBe(4);
    const all = caseworkers.flatMap((u) => u.communes ?? []);
    expect(new Set(all).size).toBe(all.length);
    for (const user of caseworkers) {
      const viewer = await authenticator.viewerOf(user.headers.authorization);
      expect([...(viewer.communes ?? [])].sort()).toEqual([...user.communes!].sort());
    }
  });

  it('mints the writer as a department writer with its own subject', async () => {
    const writer = await mintWriter(benchMinter(authenticator));
    const viewer = await authenticator.viewerOf(writer.headers.authorization);
    expect(viewer.subject).toBe('bench-writer');
    expect(viewer.roles).toEqual(['credit-writer']);
  });

  // The household view: ten households in each of the eight communes, ids `<commune>-<k>`.
  const byCommune = new Map(communes.map((code) => [code, Array.from({ length: 10 }, (_, k) => `${code}-${k}`)]));

  it('gives each caseworker of the household view households of its own communes only, and administrators any', async () => {
    const users = assignHouseholds(await mintReaders(10, communes, benchMinter(authenticator), HOUSEHOLD_READER_MIX), byCommune, 6);
    expect(users.map((u) => u.role)).toEqual([...HOUSEHOLD_READER_MIX, ...HOUSEHOLD_READER_MIX]);
    expect(users.some((u) => u.role === 'analyst' || u.role === 'public')).toBe(false);
    for (const user of users) {
      expect(user.households).toHaveLength(6);
      expect(new Set(user.households).size).toBe(6);
    }
    for (const user of users.filter((u) => u.role === 'caseworker')) {
      const viewer = await authenticator.viewerOf(user.headers.authorization);
      // Every household lies in a commune the token names, and both communes are visited.
      const visited = new Set(user.households!.map((id) => id.split('-')[0]));
      expect([...visited].sort()).toEqual([...(viewer.communes ?? [])].sort());
    }
    const administrators = users.filter((u) => u.role === 'administrator');
    expect(administrators).toHaveLength(2);
    for (const user of administrators) expect((await authenticator.viewerOf(user.headers.authorization)).roles).toEqual(['administrator']);
    // Two administrators open different households: one reader's choice is not everyone's.
    expect(administrators[0]!.households).not.toEqual(administrators[1]!.households);
  });

  it('is the same choice every time, so both gateways are sent the same households', async () => {
    const mint = benchMinter(authenticator);
    const a = assignHouseholds(await mintReaders(10, communes, mint, HOUSEHOLD_READER_MIX), byCommune, 6);
    const b = assignHouseholds(await mintReaders(10, communes, mint, HOUSEHOLD_READER_MIX), byCommune, 6);
    expect(a.map((u) => u.households)).toEqual(b.map((u) => u.households));
  });

  it("sends each reader's households in turn from the first, and counts a null household as not what was expected", async () => {
    const users = assignHouseholds(await mintReaders(2, communes, benchMinter(authenticator), HOUSEHOLD_READER_MIX), byCommune, 3);
    const sent: Array<{ id: string; authorization: string | undefined }> = [];
    const server = http.createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const { variables } = JSON.parse(text) as { variables: { id: string } };
        sent.push({ id: variables.id, authorization: request.headers.authorization });
        response.setHeader('content-type', 'application/json');
        // Household "<commune>-0" reads as missing (what a caseworker outside its communes gets).
        response.end(JSON.stringify({ data: { household: variables.id.endsWith('-0') ? null : { id: variables.id } } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const round of [0, 1]) {
        sent.length = 0;
        // A fresh task per run, as each gateway's run gets: the turns start again.
        const task = userTask(`http://127.0.0.1:${port}/graphql`, householdWorkload('query H($id: ID!) { household(id: $id) { id } }', { id: '12' }), users);
        const answers = [];
        for (let turn = 0; turn < 4; turn++) answers.push(await task(1));
        expect(
          sent.map((s) => s.id),
          `round ${round}`,
        ).toEqual([...users[1]!.households!, users[1]!.households![0]]);
        expect(new Set(sent.map((s) => s.authorization))).toEqual(new Set([users[1]!.headers.authorization]));
        expect(answers).toEqual(users[1]!.households!.concat(users[1]!.households![0]!).map((id) => !id.endsWith('-0')));
      }
    } finally {
      server.close();
    }
  });

  it('adds rounds of a load up: requests over all their seconds, medians averaged, failures and writes summed', () => {
    const round = (requests: number, seconds: number, p50: number, errors: number, firstError?: string): UsersLoad => ({
      clients: 10,
      requests,
      seconds,
      throughput: requests / seconds,
      p50,
      p95: p50 * 2,
      p99: p50 * 3,
      max: p50 * 4,
      errors,
      ...(firstError ? { firstError } : {}),
      mismatches: 0,
      peakMemoryMiB: requests,
      writes: 4,
      writeMs: [p50, p50 + 1, p50 + 2, p50 + 3],
      writeErrors: 0,
    });
    const one = round(100, 4, 10, 0);
    expect(combineLoads([one])).toBe(one);
    const both = combineLoads([round(100, 4, 10, 0), round(300, 4, 30, 2, 'HTTP 502')]);
    // 400 requests in 8 s: 50 req/s, not the mean of 25 and 75 weighted wrongly by the rounds.
    expect(both.throughput).toBe(50);
    expect(both.requests).toBe(400);
    expect(both.p50).toBe(20);
    expect(both.max).toBe(120);
    expect(both.errors).toBe(2);
    expect(both.firstError).toBe('HTTP 502');
    expect(both.writes).toBe(8);
    // Every write's time kept, so that their median is over all rounds' writes.
    expect(both.writeMs).toEqual([10, 11, 12, 13, 30, 31, 32, 33]);
    expect(both.peakMemoryMiB).toBe(300);
  });
});
