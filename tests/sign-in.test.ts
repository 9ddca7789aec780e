import fs from 'node:fs';
import * as oauth from 'oauth4webapi';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoAccounts } from '../oidc/accounts.js';
import { loadAccessPolicy } from '../platform/auth.js';
import { DEFAULT_CLIENT_ID, DEFAULT_SCOPES } from '../platform/pages.js';
import { loadOperations } from '../platform/operations.js';
import { startTestStack, TEST_AUTH_SECRET, type TestStack } from './support/stack.js';

// The OpenID provider `npm start` runs (oidc/provider.ts) and the graph trusting its tokens
// beside the local ones (platform/auth.ts, trustedIssuers): the authorization-code flow
// with PKCE as the pages run it, here over plain HTTP from Node with oauth4webapi (the pages'
// own client), a cookie jar and the provider's real sign-in form.

let stack: TestStack;
let gateway: string;
let as: oauth.AuthorizationServer;
const client: oauth.Client = { client_id: DEFAULT_CLIENT_ID };
const insecure = { [oauth.allowInsecureRequests]: true };
const operations = new Map(loadOperations().map((o) => [o.name, o]));

beforeAll(async () => {
  stack = await startTestStack({ identityProvider: { port: 0 } });
  gateway = new URL(stack.gatewayUrl).origin;
  const issuer = new URL(stack.identityProvider!.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
});
afterAll(async () => {
  await stack?.close();
});

/** The cookies a browser would keep for the provider. */
class Jar {
  private readonly cookies = new Map<string, string>();
  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Follows the provider's redirects by hand until one leaves it (for the pages' callback). */
async function follow(jar: Jar, url: string, init: RequestInit = {}): Promise<{ response: Response; url: string }> {
  for (let hops = 0; hops < 10; hops++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.keep(response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return { response, url };
    const next = new URL(location, url).href;
    if (!next.startsWith(as.issuer)) return { response, url: next };
    url = next;
    init = {};
  }
  throw new Error('too many redirects');
}

/** Signs in as a demo account: the authorization request, the sign-in form, the code exchange. */
async function signIn(username: string, password: string): Promise<oauth.TokenEndpointResponse> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const redirectUri = `${gateway}/auth/callback`;
  const authorize = new URL(as.authorization_endpoint!);
  for (const [k, v] of Object.entries({
    client_id: DEFAULT_CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: DEFAULT_SCOPES,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ui_locales: 'vi',
  })) {
    authorize.searchParams.set(k, v);
  }
  const jar = new Jar();
  const form = await follow(jar, authorize.href);
  const html = await form.response.text();
  expect(html).toContain('Đăng nhập');
  const action = /action="([^"]+)"/.exec(html)![1]!;
  const posted = await follow(jar, new URL(action, as.issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  if (!posted.url.startsWith(redirectUri))
    throw Object.assign(new Error(`sign-in refused (${posted.response.status})`), { status: posted.response.status, body: await posted.response.text() });
  const params = oauth.validateAuthResponse(as, client, new URL(posted.url), state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure);
  // The object itself: oauth4webapi keeps the validated ID token's claims keyed by it.
  return oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
}

async function asViewer(token: string, name: string, variables: Record<string, unknown>) {
  const op = operations.get(name)!;
  return stack.query(op.document, { ...op.variables, ...variables }, undefined, token);
}

describe('sign-in with the OpenID provider on loopback', { timeout: 60_000 }, () => {
  it('has an account for every role a person holds, each valid against the access policy', () => {
    const policy = loadAccessPolicy();
    const accounts = loadDemoAccounts(policy);
    const roles = new Set(accounts.flatMap((a) => a.roles));
    const people = Object.keys(policy.roles).filter((r) => r !== 'public' && r !== 'service');
    expect(people.filter((r) => !roles.has(r))).toEqual([]);
    expect(accounts.find((a) => a.roles.includes('caseworker'))?.communes).toHaveLength(2);
    // A caseworker without communes would be refused by the graph: the file is checked at start.
    const file = `${fs.mkdtempSync('/tmp/accounts-')}/accounts.json`;
    fs.writeFileSync(file, JSON.stringify({ accounts: [{ username: 'x', password: 'long enough', name: 'X', roles: ['caseworker'] }] }));
    expect(() => loadDemoAccounts(policy, file)).toThrow(/commune-scoped role needs "communes"/);
  });

  it('refuses a wrong password on its own form, and gives no code', async () => {
    await expect(signIn('caseworker', 'not-the-password')).rejects.toMatchObject({
      status: 401,
      body: expect.stringContaining('Tên đăng nhập hoặc mật khẩu không đúng'),
    });
  });

  it("signs the caseworker in: an RS256 access token with the policy's claims, which the graph accepts for their communes only", async () => {
    const tokens = await signIn('caseworker', 'caseworker-demo');
    const [header, payload] = tokens.access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({
      iss: stack.identityProvider!.issuer,
      aud: 'hanoi-poverty-graph',
      sub: 'caseworker',
      roles: ['caseworker'],
      communes: ['10369', '08974'],
    });
    expect(payload.exp - payload.iat).toBe(600);
    expect(payload.role).toBeUndefined();
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: 'caseworker', name: expect.stringContaining('Trần Văn Minh'), roles: ['caseworker'] });
    expect(tokens.refresh_token).toBeTruthy();

    // Their commune's households, with names.
    const own = await asViewer(tokens.access_token, 'commune-households', { code: '10369', filter: { year: 2024 } });
    expect(own.errors).toBeUndefined();
    const nodes = own.data.commune.households.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n: any) => n.address && n.members.every((m: any) => m.fullName))).toBe(true);
    // Another commune's: none.
    const other = await asViewer(tokens.access_token, 'commune-households', { code: '09706', filter: { year: 2024 } });
    expect(other.errors).toBeUndefined();
    expect(other.data.commune.households.edges).toEqual([]);
    const all = await stack.query(operations.get('commune-households')!.document, {
      ...operations.get('commune-households')!.variables,
      code: '09706',
      filter: { year: 2024 },
    });
    expect(all.data.commune.households.edges.length).toBeGreaterThan(0);

    // The personal read is in the registry's audit trail under the account's subject.
    const trail = await stack.query(
      '{ registryAuditTrail(filter: { subject: "caseworker", action: READ_PERSONAL }) { edges { node { roles fields householdIds } } } }',
    );
    const events = trail.data.registryAuditTrail.edges.map((e: any) => e.node);
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].roles).toEqual(['caseworker']);
    expect(new Set(events.flatMap((e: any) => e.householdIds))).toEqual(new Set(nodes.map((n: any) => n.id)));
  });

  it('gives the analyst records without personal fields, and refuses them the personal list', async () => {
    const { access_token } = await signIn('analyst', 'analyst-demo');
    const refused = await asViewer(access_token, 'commune-households', {});
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const records = await asViewer(access_token, 'commune-household-records', {});
    expect(records.errors).toBeUndefined();
    expect(records.data.commune.households.edges.length).toBeGreaterThan(0);
  });

  it('renews the access token with the refresh token, and refuses the refresh token once revoked', async () => {
    const tokens = await signIn('administrator', 'administrator-demo');
    const renewed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
    );
    expect(renewed.access_token).not.toBe(tokens.access_token);
    expect((await stack.query('{ registryAuditTrail(first: 1) { totalCount } }', undefined, undefined, renewed.access_token)).errors).toBeUndefined();
    // Public clients' refresh tokens rotate: the first one is spent.
    await expect(
      oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure)),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), renewed.refresh_token!, insecure));
    await expect(
      oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), renewed.refresh_token!, insecure)),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('trusts the provider only for its own keys and algorithm: the local secret cannot sign as the provider', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ roles: ['administrator'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(stack.identityProvider!.issuer)
      .setAudience('hanoi-poverty-graph')
      .setSubject('forger')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` },
      body: JSON.stringify({ query: '{ city { name } }' }),
    });
    expect(response.status).toBe(401);
    // A subgraph reached directly refuses it too.
    const direct = await fetch(stack.subgraphUrls.registry!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` },
      body: JSON.stringify({ query: '{ city { name } }' }),
    });
    expect(direct.status).toBe(401);
    // And the local tokens (npm run token) still work beside the provider's.
    expect((await stack.query('{ city { name } }')).errors).toBeUndefined();
  });

  it('sends the pages back only to the gateway that admitted them', async () => {
    const authorize = new URL(as.authorization_endpoint!);
    for (const [k, v] of Object.entries({
      client_id: DEFAULT_CLIENT_ID,
      redirect_uri: 'http://127.0.0.1:1/elsewhere',
      response_type: 'code',
      scope: DEFAULT_SCOPES,
      state: 's',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    })) {
      authorize.searchParams.set(k, v);
    }
    const response = await fetch(authorize, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('redirect_uri');
  });
});
