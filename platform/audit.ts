import { sql, type Kysely, type Transaction } from 'kysely';
import type { AnyTables } from '../db/index.js';
import type { RequestAuth } from './access/request.js';
import { badInput } from './errors.js';
import { parseId } from './ids.js';
import { idempotentWrite } from './writes.js';
import { decodeCursor, pageSize, toConnection, type Connection } from './pagination.js';
import type { Migration } from 'kysely';
import * as auditEventMigration from './migrations/2026_11_29_0100_audit_event.js';
import * as auditRefusalsMigration from './migrations/2026_12_04_0100_audit_refusals.js';

/**
 * The audit trail: every mutation and every read of a personal field, recorded by the subgraph
 * that owns the data, in its own schema. A write's record is made in the write's own
 * transaction, so there is never a write without its record (nor a record of a write that
 * rolled back).
 */

/** The audit trail's migrations, by name: every subgraph with an audit trail registers them all. */
export const auditMigrations: Record<string, Migration> = {
  '2026_11_29_0100_audit_event': auditEventMigration,
  '2026_12_04_0100_audit_refusals': auditRefusalsMigration,
};

type AuditAction = 'write' | 'read_personal' | 'refused';

async function insertAuditEvent(
  db: Kysely<AnyTables> | Transaction<AnyTables>,
  auth: RequestAuth,
  action: AuditAction,
  fields: readonly string[],
  householdIds: Iterable<string>,
  errorCode: string | null = null,
): Promise<void> {
  const ids = [...new Set(householdIds)].flatMap((id) => parseId(id) ?? []);
  await sql`INSERT INTO audit_event (subject, roles, action, operation, fields, household_ids, request_id, caller_request_id, error_code)
    VALUES (${auth.viewer.subject ?? 'public'}, ${[...auth.viewer.roles]}::text[], ${action}, ${auth.operationName},
            ${[...fields]}::text[], ${ids}::bigint[], ${auth.requestId ?? null}, ${auth.callerRequestId ?? null}, ${errorCode})`.execute(db);
}

/**
 * Records a refused attempt (a write's input refused, a scope missing, a token refused at this
 * subgraph): who, when, what (the fields asked for) and why (the error code). Outside any
 * transaction, since the refused write's own rolled back.
 */
export async function recordRefusal(db: Kysely<AnyTables>, auth: RequestAuth, fields: readonly string[], errorCode: string): Promise<void> {
  await insertAuditEvent(db, auth, 'refused', fields, [], errorCode);
}

/** What a write tells the audit trail while it runs: the households it touched. */
export interface AuditNote {
  household(id: string | number | bigint): void;
}

/**
 * Runs a mutation's writes in one transaction together with its audit record. `mutation` is
 * the mutation field's name; the work names the households it touched through `note`. The
 * transaction is retried after a serialization failure or a deadlock, and is idempotent when
 * the call carries a key (see writes.ts): every mutation writes through here.
 */
export async function auditedWrite<DB, T>(
  db: Kysely<DB>,
  auth: RequestAuth,
  mutation: string,
  work: (trx: Transaction<DB>, note: AuditNote) => Promise<T>,
): Promise<T> {
  return idempotentWrite(db, mutation, async (trx) => {
    const households = new Set<string>();
    const result = await work(trx, { household: (id) => households.add(String(id)) });
    await insertAuditEvent(trx, auth, 'write', [mutation], households);
    return result;
  });
}

/** Records the personal fields a request read (the access plugin calls it before responding). */
export async function recordPersonalReads(db: Kysely<AnyTables>, auth: RequestAuth): Promise<void> {
  if (!auth.personalReads.size) return;
  const households = new Set<string>();
  for (const ids of auth.personalReads.values()) for (const id of ids) households.add(id);
  await insertAuditEvent(db, auth, 'read_personal', [...auth.personalReads.keys()].sort(), households);
}

const ACTIONS = { WRITE: 'write', READ_PERSONAL: 'read_personal', REFUSED: 'refused' } as const satisfies Record<string, AuditAction>;
/** The same pairs the other way round: every stored action has its GraphQL name (the field is non-null). */
const ACTION_NAMES = { write: 'WRITE', read_personal: 'READ_PERSONAL', refused: 'REFUSED' } as const satisfies Record<AuditAction, keyof typeof ACTIONS>;

/** An audit_event row: the parent of the `AuditEvent` resolvers (the generated resolver types map it). */
export interface AuditRow {
  id: number;
  occurred_at: Date | string;
  subject: string;
  roles: string[];
  action: AuditAction;
  operation: string | null;
  fields: string[];
  household_ids: Array<number | string>;
  request_id: string | null;
  caller_request_id: string | null;
  error_code: string | null;
}

export interface AuditTrailArgs {
  filter?: { householdId?: string | null; action?: 'WRITE' | 'READ_PERSONAL' | 'REFUSED' | null; subject?: string | null } | null;
  first?: number | null;
  after?: string | null;
}

/** The audit trail, newest first, a page at a time. */
export async function auditTrail(db: Kysely<AnyTables>, args: AuditTrailArgs): Promise<Connection<AuditRow>> {
  const limit = pageSize(args.first);
  const before = decodeCursor('audit', args.after);
  const filter = args.filter ?? {};
  let householdId: number | undefined;
  if (filter.householdId != null) {
    const id = parseId(filter.householdId);
    if (id === undefined) throw badInput('filter.householdId', `filter.householdId "${filter.householdId}" is not a household id`);
    householdId = id;
  }
  const conditions = [sql`true`];
  if (householdId !== undefined) conditions.push(sql`household_ids @> ARRAY[${householdId}]::bigint[]`);
  if (filter.action) conditions.push(sql`action = ${ACTIONS[filter.action]}`);
  if (filter.subject) conditions.push(sql`subject = ${filter.subject}`);
  const where = sql.join(conditions, sql` AND `);
  const page = before === undefined ? where : sql`${where} AND id < ${before}`;
  const rows = await sql<AuditRow>`SELECT * FROM audit_event WHERE ${page} ORDER BY id DESC LIMIT ${limit + 1}`.execute(db);
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE ${where}`.execute(db);
  return toConnection(
    'audit',
    rows.rows.map((r) => ({ ...r, id: Number(r.id) })),
    limit,
    total.rows[0]?.n ?? 0,
  );
}

/** Resolvers for the AuditEvent type every subgraph declares. */
export const AuditEvent = {
  id: (r: AuditRow) => String(r.id),
  occurredAt: (r: AuditRow) => r.occurred_at,
  action: (r: AuditRow) => ACTION_NAMES[r.action],
  householdIds: (r: AuditRow) => r.household_ids.map(String),
  requestId: (r: AuditRow) => r.request_id,
  callerRequestId: (r: AuditRow) => r.caller_request_id,
  errorCode: (r: AuditRow) => r.error_code,
};
