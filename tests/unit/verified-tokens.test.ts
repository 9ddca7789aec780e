import { afterEach, describe, expect, it, vi } from 'vitest';
import { Authenticator } from '../../platform/auth.js';
import { testAuthConfig } from '../support/stack.js';

// The Authenticator remembers a token it verified (platform/auth.ts, `verified`): the scorecard
// carries one token to the gateway and six subgraphs. Remembering must not let time stop: an
// expired token is refused as before, and only the very text that was verified is taken again.

afterEach(() => {
  vi.useRealTimers();
});

/** The clock set to `iso` (Date only: jose reads the time from it), and a token of `sub` valid for `seconds`. */
async function tokenAt(iso: string, sub: string, seconds: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
  const auth = new Authenticator(testAuthConfig());
  return { auth, token: await auth.mint({ sub, roles: ['analyst'] }, { expiresInSeconds: seconds }) };
}

describe('verified tokens remembered', () => {
  it('takes a verified token again without a new check, and refuses it once it has expired', async () => {
    const { auth, token } = await tokenAt('2026-12-04T20:00:00Z', 'analyst-1', 30);
    const first = await auth.viewerOf(`Bearer ${token}`);
    expect(first.subject).toBe('analyst-1');
    // The same viewer: remembered, not verified and built again.
    expect(await auth.viewerOf(`Bearer ${token}`)).toBe(first);
    // Past its expiry and jose's 5 s of clock tolerance: refused, remembered or not.
    vi.setSystemTime(new Date('2026-12-04T20:00:40Z'));
    await expect(auth.viewerOf(`Bearer ${token}`)).rejects.toThrow(/expired/);
  });

  it('verifies again after a minute, even for a token that has not expired', async () => {
    const { auth, token } = await tokenAt('2026-12-04T20:00:00Z', 'analyst-2', 3600);
    const first = await auth.viewerOf(`Bearer ${token}`);
    vi.setSystemTime(new Date('2026-12-04T20:01:01Z'));
    const later = await auth.viewerOf(`Bearer ${token}`);
    expect(later).not.toBe(first);
    expect(later.subject).toBe('analyst-2');
  });

  it('refuses a token altered after another was remembered', async () => {
    const auth = new Authenticator(testAuthConfig());
    const token = await auth.mint({ sub: 'analyst-3', roles: ['analyst'] });
    await auth.viewerOf(`Bearer ${token}`);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['administrator'] })).toString('base64url');
    await expect(auth.viewerOf(`Bearer ${header}.${forged}.${signature}`)).rejects.toThrow(/not signed with a key this graph trusts/);
  });
});
