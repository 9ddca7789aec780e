import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import { sql, type Kysely, type Migration, type Transaction } from 'kysely';
import type { RequestAuth } from './access/request.js';
import { badInput, sqlState, violatesUnique } from './errors.js';
import * as idempotencyKeyMigration from './migrations/2026_12_04_1600_idempotency_key.js';

/**
 * How every mutation writes (auditedWrite in audit.ts runs each one through `runWrite`):
 *
 * - in one transaction, retried when PostgreSQL gives up on it for a reason that a second try
 *   can clear (a serialization failure, 40001, or a deadlock, 40P01): at most
 *   MAX_WRITE_ATTEMPTS tries, with a short random pause between them so that the writers that
 *   collided do not collide again. When every try failed, or a lock could not be had in time
 *   (55P03), the caller gets WRITE_CONFLICT ("try again"), never BAD_USER_INPUT: nothing was
 *   wrong with the input. Any other database error stays internal (formatErrorSafely hides it).
 * - idempotent when the caller gives a key (the mutation's `idempotencyKey` input field, or the
 *   `Idempotency-Key` HTTP header): the key, with a fingerprint of the arguments and the answer,
 *   is stored in the write's own transaction, in the subgraph's own schema (idempotency_key). A
 *   repeat of the same key by the same caller for the same mutation gets the first answer and
 *   writes nothing; the same key with other arguments is refused (IDEMPOTENCY_KEY_REUSED).
 */

/** The idempotency table's migration: every subgraph that writes registers it. */
export const writeMigrations: Record<string, Migration> = {
  '2026_12_04_1600_idempotency_key': idempotencyKeyMigration,
};

/** The HTTP header that carries an idempotency key (the gateway forwards it to the subgraph). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Tries of one write before WRITE_CONFLICT. */
export const MAX_WRITE_ATTEMPTS = 5;
/** The pause before try n+1 is random, up to BACKOFF_MS × 2^(n-1) milliseconds. */
const BACKOFF_MS = 10;

const RETRYABLE = new Set(['40001', '40P01']);
/** lock_not_available: a lock timeout (SET lock_timeout) ran out waiting for another writer. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * How long a key holds, in hours (IDEMPOTENCY_KEY_HOURS, 24 by default): long enough for any
 * client's retries, short enough that the stored answers (which may hold personal data, such as
 * a registered household's address) do not pile up. An expired key is a new key.
 */
export function idempotencyKeyHours(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.IDEMPOTENCY_KEY_HOURS;
  if (value === undefined || value === '') return 24;
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours <= 0) throw new Error(`IDEMPOTENCY_KEY_HOURS must be a positive number of hours, got "${value}"`);
  return hours;
}

/** Expired keys removed by one keyed write at most (the rest by the next ones). */
const PURGE_BATCH = 100;

/** Idempotency keys: 1 to 200 printable ASCII characters (a UUID, a client's request id, ...). */
const KEY = /^[\x21-\x7e]{1,200}$/;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export function writeConflict(attempts: number): GraphQLError {
  return new GraphQLError(
    `The write collided with other writes at the same time and was not made (${attempts} ${attempts === 1 ? 'try' : 'tries'}); nothing was written. Send it again.`,
    { extensions: { code: 'WRITE_CONFLICT' } },
  );
}

/**
 * Runs `work` in a transaction, again when the database aborted it for a serialization failure
 * or a deadlock (everything `work` did is rolled back first, so each try starts clean).
 */
export async function runWrite<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, attempts = MAX_WRITE_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      const state = sqlState(error);
      if (state === LOCK_NOT_AVAILABLE) throw writeConflict(attempt);
      if (!state || !RETRYABLE.has(state)) throw error;
      if (attempt >= attempts) throw writeConflict(attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}

/** One mutation call that carries an idempotency key. */
export interface IdempotentCall {
  subject: string;
  mutation: string;
  key: string;
  fingerprint: string;
}

/**
 * The keyed call in progress. Mutation fields run one after the other, each inside its own
 * `run`, so a write always finds its own call here (and a nested read finds none).
 */
const currentCall = new AsyncLocalStorage<IdempotentCall | undefined>();

/**
 * Wraps every mutation resolver so that the write it makes is idempotent when the call carries
 * a key: the key is taken from `input.idempotencyKey`, else from the Idempotency-Key header.
 * The resolver runs as it is; `idempotentWrite` (inside auditedWrite) does the rest.
 */
export function withIdempotentMutations<TContext extends { auth: RequestAuth }>(
  mutations: Record<string, GraphQLFieldResolver<unknown, TContext>>,
): Record<string, GraphQLFieldResolver<unknown, TContext>> {
  return Object.fromEntries(
    Object.entries(mutations).map(([name, resolve]) => [
      name,
      (parent: unknown, args: Record<string, unknown>, ctx: TContext, info: Parameters<GraphQLFieldResolver<unknown, TContext>>[3]) => {
        const call = idempotentCall(name, args, ctx.auth);
        return currentCall.run(call, () => resolve(parent, args, ctx, info));
      },
    ]),
  );
}

function idempotentCall(mutation: string, args: Record<string, unknown>, auth: RequestAuth): IdempotentCall | undefined {
  const input = (args.input ?? {}) as Record<string, unknown>;
  const fromInput = input.idempotencyKey;
  const key = fromInput ?? auth.idempotencyKey;
  if (key == null) return undefined;
  const field = fromInput != null ? 'idempotencyKey' : 'Idempotency-Key';
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw badInput(field, `${field} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces (a UUID, for example)`);
  }
  const { idempotencyKey: _key, ...rest } = input;
  return { subject: auth.viewer.subject ?? 'public', mutation, key, fingerprint: fingerprint({ ...args, input: rest }) };
}

/** A hash of the arguments that does not depend on the order of their fields. */
function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface StoredKey {
  fingerprint: string;
  answer: string | null;
}

const expired = () => sql`created_at <= now() - make_interval(secs => ${idempotencyKeyHours() * 3600})`;

async function findKey<DB>(db: Kysely<DB>, call: IdempotentCall): Promise<StoredKey | undefined> {
  const { rows } = await sql<StoredKey>`
    SELECT fingerprint, answer FROM idempotency_key
    WHERE subject = ${call.subject} AND mutation = ${call.mutation} AND key = ${call.key} AND NOT (${expired()})`.execute(db);
  return rows[0];
}

/**
 * Takes the key for this write, first thing in its transaction: the key's own expired row goes,
 * and so do a few other expired keys (those no other writer holds: SKIP LOCKED, so that
 * cleaning never makes a write wait).
 */
async function claimKey<DB>(trx: Kysely<DB>, call: IdempotentCall): Promise<void> {
  await sql`DELETE FROM idempotency_key WHERE subject = ${call.subject} AND mutation = ${call.mutation} AND key = ${call.key} AND ${expired()}`.execute(trx);
  await sql`DELETE FROM idempotency_key WHERE ctid IN (
    SELECT ctid FROM idempotency_key WHERE ${expired()} ORDER BY created_at LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)`.execute(trx);
  await sql`INSERT INTO idempotency_key (subject, mutation, key, fingerprint) VALUES (${call.subject}, ${call.mutation}, ${call.key}, ${call.fingerprint})`.execute(
    trx,
  );
}

/** The first answer to a key, or a refusal when the key came with other arguments then. */
function replay<T>(stored: StoredKey, call: IdempotentCall): T {
  if (stored.fingerprint !== call.fingerprint || stored.answer === null) {
    throw new GraphQLError(
      `This idempotency key was already used for a ${call.mutation} with different input; nothing was written. Use a new key for a new write.`,
      { extensions: { code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' } },
    );
  }
  return decodeAnswer(stored.answer) as T;
}

/**
 * Runs a mutation's transaction (`work`) through runWrite, idempotently when the mutation's
 * call carries a key. The key's row is inserted first thing in the transaction: a duplicate
 * sent at the same moment waits on that row, and once the first commits it fails on the key
 * (its transaction rolls back, having written nothing) and answers with the first's answer.
 */
export async function idempotentWrite<DB, T>(db: Kysely<DB>, mutation: string, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  const call = currentCall.getStore();
  if (!call || call.mutation !== mutation) return runWrite(db, work);
  const seen = await findKey(db, call);
  if (seen) return replay<T>(seen, call);
  try {
    return await runWrite(db, async (trx) => {
      await claimKey(trx, call);
      const result = await work(trx);
      await sql`UPDATE idempotency_key SET answer = ${encodeAnswer(result)}
        WHERE subject = ${call.subject} AND mutation = ${call.mutation} AND key = ${call.key}`.execute(trx);
      return result;
    });
  } catch (error) {
    if (!violatesUnique(error, 'idempotency_key_pkey')) throw error;
    const first = await findKey(db, call);
    if (first) return replay<T>(first, call);
    throw error;
  }
}

/**
 * A write's answer (the rows it returned) as text, and back exactly: JSON with dates and
 * bigints tagged, so that a replayed answer resolves to the same GraphQL answer as the first.
 */
export function encodeAnswer(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    return v;
  });
}

export function decodeAnswer(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const tagged = v as { $date?: unknown; $bigint?: unknown };
      const keys = Object.keys(v);
      if (keys.length === 1 && typeof tagged.$date === 'string') return new Date(tagged.$date);
      if (keys.length === 1 && typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
    }
    return v;
  }) as unknown;
}
