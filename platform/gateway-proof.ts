import crypto from 'node:crypto';
import { internalKey } from './secrets.js';

/**
 * The gateway's proof to a subgraph that a request came through it: the time, and an HMAC of
 * it under the deployment's gateway key (secrets.ts). A subgraph that requires the gateway
 * (SUBGRAPH_REQUIRE_GATEWAY=true) refuses requests without a fresh proof, and trusts the
 * request id and caller's request id headers only from a request that has one.
 */
export const GATEWAY_PROOF_HEADER = 'x-gateway-proof';
/** The caller's own x-request-id, which the gateway passes on beside its own. */
export const CALLER_REQUEST_ID_HEADER = 'x-caller-request-id';

const MAX_AGE_MS = 120_000;

function mac(time: string): string {
  return crypto.createHmac('sha256', internalKey('gateway')).update(`gateway:${time}`).digest('base64url');
}

export function gatewayProof(now: number = Date.now()): string {
  const time = String(now);
  return `${time}.${mac(time)}`;
}

/** How long the gateway sends the same proof: a second is little against the MAX_AGE_MS a subgraph allows for age and clock skew. */
const REUSE_MS = 1000;
let lastProof: { at: number; proof: string } | undefined;

/**
 * The proof for a fetch going out now. The gateway sends one with every subgraph fetch: made
 * once a second rather than once a fetch, it costs one HMAC a second instead of one each (a
 * commune's consistency page makes seven fetches).
 */
export function currentGatewayProof(now: number = Date.now()): string {
  if (!lastProof || now - lastProof.at >= REUSE_MS || now < lastProof.at) lastProof = { at: now, proof: gatewayProof(now) };
  return lastProof.proof;
}

export function isGatewayProof(value: unknown, now: number = Date.now()): boolean {
  if (typeof value !== 'string') return false;
  const dot = value.indexOf('.');
  const time = value.slice(0, dot);
  if (dot < 1 || !/^\d{13}$/.test(time) || Math.abs(now - Number(time)) > MAX_AGE_MS) return false;
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(time));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** SUBGRAPH_REQUIRE_GATEWAY: subgraphs answer only the gateway and service calls (off by default). */
export function requireGatewayFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.SUBGRAPH_REQUIRE_GATEWAY;
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`SUBGRAPH_REQUIRE_GATEWAY must be true or false, got "${value}"`);
}
