import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Keys that every process of one deployment must share, each derived (HKDF-SHA256) from one
 * master secret for its own purpose, so that no key serves two jobs:
 *
 * - `cursor`: seals pagination cursors (a cursor is opaque and cannot be forged);
 * - `disclosure`: the cell keys of statistical disclosure control (the same cell always gets
 *   the same perturbation, in every process, and nobody without the key can undo it);
 * - `gateway`: the gateway's proof to the subgraphs that a request came through it.
 *
 * The master secret is INTERNAL_SECRET, else AUTH_SECRET, else the local secret that `npm start`
 * keeps in DATA_DIR/auth-secret. A deployment whose tokens come from an identity provider
 * (AUTH_JWKS_URL) sets INTERNAL_SECRET on every process.
 */
export type SecretPurpose = 'cursor' | 'disclosure' | 'gateway';

export function masterSecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.INTERNAL_SECRET) {
    if (env.INTERNAL_SECRET.length < 32) throw new Error('INTERNAL_SECRET must be at least 32 characters');
    return env.INTERNAL_SECRET;
  }
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  return readOrCreateSecret(localSecretFile(env));
}

export function deriveKey(master: string, purpose: SecretPurpose): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', master, 'hanoi-poverty-graph', `internal:${purpose}`, 32));
}

let keys: Map<SecretPurpose, Buffer> | undefined;

/**
 * This process's key for a purpose. Set once at start-up (`useMasterSecret`, which the stack and
 * the servers call with their configured secret); read from the environment when nothing set it.
 */
export function internalKey(purpose: SecretPurpose): Buffer {
  keys ??= keysFor(masterSecretFromEnv());
  return keys.get(purpose)!;
}

export function useMasterSecret(master: string): void {
  keys = keysFor(master);
}

function keysFor(master: string): Map<SecretPurpose, Buffer> {
  return new Map((['cursor', 'disclosure', 'gateway'] as const).map((p) => [p, deriveKey(master, p)]));
}

export function localSecretFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.DATA_DIR || '.data', 'auth-secret');
}

/** Several processes may start at once (the cluster): the first to create the file wins. */
export function readOrCreateSecret(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret; delete it and start again`);
  return secret;
}
