import { describe, expect, it } from 'vitest';
import { mintReaders, mintWriter, READER_MIX, benchMinter } from './users.js';
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
});
