import fs from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, decodeJwt, importSPKI, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { GraphQLError } from 'graphql';
import { DEFAULT_DISCLOSURE, type DisclosurePolicy } from './access/disclosure.js';
import { projectUrl } from './paths.js';
import { localSecretFile, masterSecretFromEnv, readOrCreateSecret, useMasterSecret } from './secrets.js';

/**
 * Identity: who is asking. Bearer JWTs, verified with `jose` by the gateway and again by every
 * subgraph, so a subgraph reached directly grants nothing that the token does not.
 *
 * Roles and what they grant are data: the cross-department roles in config/access-policy.json
 * (or ACCESS_POLICY_FILE), each department's own in subgraphs/<name>/access.json. A token names
 * roles, the policy turns them into scopes. Code checks scopes, never role names.
 */

export interface RolePolicy {
  description?: string;
  scopes: string[];
  /** The role sees only the communes its token names (the `communes` claim). */
  communeScoped?: boolean;
}

export interface AccessPolicy {
  /** For the roles without `counts:exact`, counts from 1 to this are withheld. */
  smallCountThreshold: number;
  /** Disclosure control for the roles without `counts:exact` (disclosure.ts, docs/privacy.md). */
  disclosure: DisclosurePolicy;
  roles: Record<string, RolePolicy>;
}

export const DEFAULT_POLICY_FILE = projectUrl('config/access-policy.json');
/** The departments' folders, each with its own roles in access.json (read as data: platform imports no department). */
export const DEPARTMENTS_DIR = projectUrl('subgraphs/');

/** The role of a request with no token. */
export const PUBLIC_ROLE = 'public';

/**
 * The roles the departments define in their own folders (subgraphs/<name>/access.json), in name
 * order. A department may grant its own write scope (`<name>:write`) and the scopes every role
 * may have, never another department's write scope nor `*`, and no two departments define the
 * same role: a department's file cannot widen what another department's staff may do.
 */
export function departmentRoles(dir: URL = DEPARTMENTS_DIR): Record<string, RolePolicy> {
  const roles: Record<string, RolePolicy> = {};
  const departments = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(new URL(`${entry.name}/access.json`, dir)))
    .map((entry) => entry.name)
    .sort();
  for (const department of departments) {
    const file = new URL(`${department}/access.json`, dir);
    const own = (JSON.parse(fs.readFileSync(file, 'utf8')) as { roles?: Record<string, RolePolicy> }).roles;
    if (!own || typeof own !== 'object') throw new Error(`access policy ${String(file)}: "roles" must be an object of role name → { scopes }`);
    for (const [name, role] of Object.entries(own)) {
      if (roles[name]) throw new Error(`access policy ${String(file)}: role "${name}" is already defined by another department`);
      const foreign = (Array.isArray(role.scopes) ? role.scopes : []).filter((s) => s === '*' || (s.endsWith(':write') && s !== `${department}:write`));
      if (foreign.length) throw new Error(`access policy ${String(file)}: role "${name}" grants ${foreign.join(', ')}, which is not the department's to grant`);
      roles[name] = role;
    }
  }
  return roles;
}

/**
 * The access policy: the policy file's (config/access-policy.json, or ACCESS_POLICY_FILE) with
 * the departments' own roles added. A role the policy file also defines is the file's, so that a
 * deployment's file can still redefine any role without touching a department's folder.
 */
export function loadAccessPolicy(env: NodeJS.ProcessEnv = process.env, departments: URL = DEPARTMENTS_DIR): AccessPolicy {
  const file = env.ACCESS_POLICY_FILE ? path.resolve(env.ACCESS_POLICY_FILE) : DEFAULT_POLICY_FILE;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Parameters<typeof validatePolicy>[0];
  // The file's roles listed first, the departments' after; where both define a role, the file's wins.
  if (raw.roles && typeof raw.roles === 'object') raw.roles = { ...raw.roles, ...departmentRoles(departments), ...raw.roles };
  const policy = validatePolicy(raw, String(file));
  if (env.SMALL_COUNT_THRESHOLD) {
    const threshold = Number(env.SMALL_COUNT_THRESHOLD);
    if (!Number.isInteger(threshold) || threshold < 0) throw new Error(`SMALL_COUNT_THRESHOLD must be a whole number ≥ 0, got "${env.SMALL_COUNT_THRESHOLD}"`);
    policy.smallCountThreshold = threshold;
    policy.disclosure.threshold = threshold;
  }
  return policy;
}

function validatePolicy(raw: Partial<Omit<AccessPolicy, 'disclosure'>> & { disclosure?: Partial<DisclosurePolicy> }, source: string): AccessPolicy {
  const fail = (message: string): never => {
    throw new Error(`access policy ${source}: ${message}`);
  };
  if (!raw.roles || typeof raw.roles !== 'object') fail('"roles" must be an object of role name → { scopes }');
  const roles = raw.roles!;
  if (!roles[PUBLIC_ROLE]) fail(`a "${PUBLIC_ROLE}" role is required: it is what a request without a token gets`);
  for (const [name, role] of Object.entries(roles)) {
    if (!Array.isArray(role.scopes) || role.scopes.some((s) => typeof s !== 'string')) fail(`role "${name}" needs "scopes": an array of strings`);
  }
  const threshold = raw.smallCountThreshold ?? 4;
  if (!Number.isInteger(threshold) || threshold < 0) fail('"smallCountThreshold" must be a whole number ≥ 0');
  const disclosure: DisclosurePolicy = { ...DEFAULT_DISCLOSURE, ...raw.disclosure, threshold };
  if (typeof disclosure.noiseRatio !== 'number' || !(disclosure.noiseRatio >= 0 && disclosure.noiseRatio < 1))
    fail('"disclosure.noiseRatio" must be a number from 0 (no noise) to below 1');
  if (!Number.isSafeInteger(disclosure.moneyUnit) || disclosure.moneyUnit < 1) fail('"disclosure.moneyUnit" must be a whole number of đồng ≥ 1');
  if (
    !Array.isArray(disclosure.publicSpans) ||
    disclosure.publicSpans.some((s) => !Array.isArray(s) || s.length !== 2 || !s.every(Number.isInteger) || s[0]! > s[1]!)
  ) {
    fail('"disclosure.publicSpans" must be a list of [fromYear, toYear] pairs');
  }
  return { smallCountThreshold: threshold, disclosure, roles };
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** HS256 shared secret: local use. The one kind of key that can also mint tokens. */
  secret?: string;
  /** A PEM public key (SPKI) for tokens signed elsewhere, with its algorithm (RS256 by default). */
  publicKey?: string;
  algorithm?: string;
  /** A JWKS address for tokens signed by an identity provider. */
  jwksUrl?: string;
  /**
   * The token a subgraph sends when it asks another subgraph (the registry) about households.
   * Needed only where tokens are signed elsewhere; with a shared secret the subgraph mints one.
   */
  serviceToken?: string;
  policy: AccessPolicy;
  /** Where the key came from, for start-up messages. */
  keySource: string;
  /**
   * The master secret of this deployment's internal keys (cursors, disclosure control, the
   * gateway's proof to the subgraphs; see secrets.ts). Every process must have the same one.
   */
  internalSecret: string;
  /**
   * Further issuers whose tokens are accepted beside the key above, each verified only with
   * its own JWKS, its own pinned algorithms and its own `iss` (and the same audience unless it
   * names one): `npm start` adds the OpenID provider it runs on loopback (oidc/provider.ts).
   */
  trustedIssuers?: TrustedIssuer[];
}

/** An identity provider whose tokens are verified through its JWKS. */
export interface TrustedIssuer {
  issuer: string;
  jwksUrl: string;
  /** The only algorithms accepted from it (for example ["RS256"]). */
  algorithms: string[];
  audience?: string;
}

export const DEFAULT_ISSUER = 'hanoi-poverty-graph';
export const DEFAULT_AUDIENCE = 'hanoi-poverty-graph';

/**
 * AUTH_SECRET, AUTH_PUBLIC_KEY (+ AUTH_ALGORITHM) or AUTH_JWKS_URL choose the key. With none of
 * them, local use: a random secret kept in DATA_DIR/auth-secret (made on first start), which
 * `npm run token` reads to mint tokens for this machine only.
 */
export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const base = {
    issuer: env.AUTH_ISSUER || DEFAULT_ISSUER,
    audience: env.AUTH_AUDIENCE || DEFAULT_AUDIENCE,
    policy: loadAccessPolicy(env),
    internalSecret: masterSecretFromEnv(env),
    ...(env.AUTH_SERVICE_TOKEN ? { serviceToken: env.AUTH_SERVICE_TOKEN } : {}),
  };
  if (env.AUTH_JWKS_URL) return { ...base, jwksUrl: env.AUTH_JWKS_URL, algorithm: env.AUTH_ALGORITHM || 'RS256', keySource: `JWKS at ${env.AUTH_JWKS_URL}` };
  if (env.AUTH_PUBLIC_KEY) {
    return { ...base, publicKey: env.AUTH_PUBLIC_KEY, algorithm: env.AUTH_ALGORITHM || 'RS256', keySource: 'AUTH_PUBLIC_KEY' };
  }
  if (env.AUTH_SECRET) {
    if (env.AUTH_SECRET.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters');
    return { ...base, secret: env.AUTH_SECRET, keySource: 'AUTH_SECRET' };
  }
  const file = localSecretFile(env);
  return { ...base, secret: readOrCreateSecret(file), keySource: `local secret in ${file}` };
}

/** Who is asking, after the token is verified: roles, the scopes they grant, and any commune scope. */
export class Viewer {
  constructor(
    /** The token's subject; null for a request without a token. */
    readonly subject: string | null,
    readonly roles: readonly string[],
    readonly scopes: ReadonlySet<string>,
    /** The communes a commune-scoped role may see; null when not limited. */
    readonly communes: ReadonlySet<string> | null,
  ) {}

  static public(policy: AccessPolicy): Viewer {
    return new Viewer(null, [PUBLIC_ROLE], new Set(policy.roles[PUBLIC_ROLE]!.scopes), null);
  }

  get isPublic(): boolean {
    return this.subject === null;
  }

  has(scope: string): boolean {
    return this.scopes.has('*') || this.scopes.has(scope);
  }

  canSeeCommune(code: string): boolean {
    return this.communes === null || this.communes.has(code);
  }

  describe(): string {
    return this.isPublic ? 'no token (public)' : `${this.subject} (${this.roles.join(', ')})`;
  }
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

export interface TokenClaims {
  sub: string;
  roles: string[];
  communes?: string[];
}

/** The `iss` a token claims, before it is verified (to choose the keys it must verify with); '' when unreadable. */
function issuerOf(token: string): string {
  try {
    return decodeJwt(token).iss ?? '';
  } catch {
    return '';
  }
}

/** How long a verified token is taken again without checking its signature (see Authenticator.verified). */
const VERIFIED_TOKEN_MS = 60_000;
/** How many verified tokens are remembered (one per official signed in lately). */
const VERIFIED_TOKENS_MAX = 10_000;

/** Verifies tokens (and, with a shared secret, mints them). One per process or server. */
export class Authenticator {
  private readonly verifyKey: Promise<Uint8Array | CryptoKey | JWTVerifyGetKey>;
  private readonly trusted: Map<string, TrustedIssuer & { keys: JWTVerifyGetKey }>;
  private service: { token: string; expires: number } | undefined;
  /**
   * Tokens verified lately, by their text: the viewer, and until when it may be used without
   * verifying the signature again. A scorecard carries one token to the gateway and to six
   * subgraphs; each verified it anew (an HMAC or RSA check through WebCrypto, a seventh of the
   * subgraphs' CPU for a kept scorecard; issue 19). Claims are the token's own and cannot
   * change, so only time can end a verification: an entry lasts until the token expires, and
   * at most VERIFIED_TOKEN_MS, so that a key taken out of a JWKS stops a token it signed within
   * a minute (jose keeps a fetched JWKS for ten).
   */
  private readonly verified = new Map<string, { viewer: Viewer; until: number }>();

  constructor(readonly config: AuthConfig) {
    useMasterSecret(config.internalSecret);
    this.trusted = new Map((config.trustedIssuers ?? []).map((t) => [t.issuer, { ...t, keys: createRemoteJWKSet(new URL(t.jwksUrl)) }]));
    if (config.jwksUrl) this.verifyKey = Promise.resolve(createRemoteJWKSet(new URL(config.jwksUrl)));
    else if (config.publicKey) this.verifyKey = importSPKI(config.publicKey, config.algorithm ?? 'RS256');
    else if (config.secret) this.verifyKey = Promise.resolve(new TextEncoder().encode(config.secret));
    else throw new Error('auth: configure AUTH_SECRET, AUTH_PUBLIC_KEY or AUTH_JWKS_URL');
    // A rejected key import surfaces on the first request; keep it from being "unhandled" first.
    this.verifyKey.catch(() => {});
  }

  get policy(): AccessPolicy {
    return this.config.policy;
  }

  /**
   * The viewer of a request from its Authorization header. No header at all: the public role.
   * Anything else that is not a valid token (an empty header, another scheme, expired, no
   * expiry, wrong key or algorithm, wrong issuer or audience, unknown role): UNAUTHENTICATED,
   * never a silent downgrade to public.
   */
  async viewerOf(authorization: string | undefined): Promise<Viewer> {
    if (authorization === undefined) return Viewer.public(this.policy);
    const match = /^Bearer +([A-Za-z0-9_.~+/=-]+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"; send no Authorization header at all for public access');
    const now = Date.now();
    const known = this.verified.get(match[1]!);
    if (known && now < known.until) return known.viewer;
    let payload: Record<string, unknown>;
    try {
      // One algorithm per key, pinned: a token may not choose how it is checked. Every token
      // must expire (a token without exp would be valid forever). A token from a trusted
      // issuer is verified with that issuer's keys and algorithms only.
      const trusted = this.trusted.size ? this.trusted.get(issuerOf(match[1]!)) : undefined;
      if (trusted) {
        const options = {
          issuer: trusted.issuer,
          audience: trusted.audience ?? this.config.audience,
          algorithms: trusted.algorithms,
          clockTolerance: 5,
          requiredClaims: ['exp', 'sub'],
        };
        payload = (await jwtVerify(match[1]!, trusted.keys, options)).payload;
      } else {
        const key = await this.verifyKey;
        const options = {
          issuer: this.config.issuer,
          audience: this.config.audience,
          clockTolerance: 5,
          algorithms: [this.algorithm],
          requiredClaims: ['exp', 'sub'],
        };
        const verified = typeof key === 'function' ? await jwtVerify(match[1]!, key, options) : await jwtVerify(match[1]!, key, options);
        payload = verified.payload;
      }
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason =
        code === 'ERR_JWT_EXPIRED'
          ? 'the token has expired'
          : code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
            ? 'the token is not signed with a key this graph trusts'
            : code === 'ERR_JOSE_ALG_NOT_ALLOWED'
              ? `the token is not signed with ${this.algorithm}, the one algorithm this graph accepts`
              : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
                ? `the token's claims do not fit this graph (${(error as Error).message})`
                : 'the token could not be verified';
      throw unauthenticated(`Not authenticated: ${reason}`);
    }
    const viewer = this.viewerFromClaims(payload);
    this.remember(match[1]!, viewer, Math.min(now + VERIFIED_TOKEN_MS, Number(payload.exp) * 1000));
    return viewer;
  }

  private remember(token: string, viewer: Viewer, until: number): void {
    this.verified.delete(token);
    this.verified.set(token, { viewer, until });
    // Oldest first out; expired entries go as they are met.
    while (this.verified.size > VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
  }

  /** The one signing algorithm this graph accepts for its configured key. */
  get algorithm(): string {
    if (this.config.secret && !this.config.jwksUrl && !this.config.publicKey) return 'HS256';
    return this.config.algorithm ?? 'RS256';
  }

  private viewerFromClaims(payload: Record<string, unknown>): Viewer {
    const subject = typeof payload.sub === 'string' && payload.sub ? payload.sub : null;
    if (!subject) throw unauthenticated('Not authenticated: the token has no subject (sub)');
    // Only the documented claims: `roles` (an array), `communes`, `sub`.
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    if (!roles.length || roles.some((r) => typeof r !== 'string'))
      throw unauthenticated('Not authenticated: the token names no roles (a "roles" array of strings)');
    const scopes = new Set<string>();
    let communeScoped = false;
    for (const role of roles as string[]) {
      const policy = this.policy.roles[role];
      if (!policy) throw unauthenticated(`Not authenticated: the token's role "${role}" is not in the access policy`);
      for (const s of policy.scopes) scopes.add(s);
      communeScoped ||= policy.communeScoped === true;
    }
    let communes: Set<string> | null = null;
    if (communeScoped) {
      const claim = payload.communes;
      if (!Array.isArray(claim) || !claim.length || claim.some((c) => typeof c !== 'string' || !/^\d{5}$/.test(c))) {
        throw unauthenticated('Not authenticated: a commune-scoped role needs a "communes" claim, a list of five-digit commune codes');
      }
      communes = new Set(claim as string[]);
    }
    return new Viewer(subject, roles as string[], scopes, communes);
  }

  /** A signed token (shared-secret configurations only): `npm run token`, tests, service calls. */
  async mint(claims: TokenClaims, options: { expiresInSeconds?: number; secret?: string } = {}): Promise<string> {
    const secret = options.secret ?? this.config.secret;
    if (!secret) throw new Error('tokens can be minted only with a shared secret (AUTH_SECRET or the local secret)');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: claims.roles, ...(claims.communes ? { communes: claims.communes } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
      .sign(new TextEncoder().encode(secret));
  }

  /**
   * Headers for one subgraph asking another: AUTH_SERVICE_TOKEN where tokens are signed
   * elsewhere, else a short-lived token of the `service` role minted here and renewed before
   * it expires.
   */
  async serviceHeaders(caller: string): Promise<Record<string, string>> {
    if (this.config.serviceToken) return { authorization: `Bearer ${this.config.serviceToken}` };
    const now = Date.now();
    if (!this.service || this.service.expires - now < 60_000) {
      const token = await this.mint({ sub: `service:${caller}`, roles: ['service'] }, { expiresInSeconds: 600 });
      this.service = { token, expires: now + 600_000 };
    }
    return { authorization: `Bearer ${this.service.token}` };
  }
}
