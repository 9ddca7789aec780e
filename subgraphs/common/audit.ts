import { sql, type Kysely, type Transaction } from 'kysely';
import type { RequestAuth } from './access.js';
import { badInput } from './errors.js';
import { parseId } from './ids.js';
import { decodeCursor, pageSize, toConnection, type Connection } from './pagination.js';
import * as auditEventMigration from './migrations/2026_11_29_0100_audit_event.js';

/**
 * The audit trail: every mutation and every read of a personal field, recorded by the subgraph
 * that owns the data, in its own schema. A write's record is made in the write's own
 * transaction, so there is never a write without its record (nor a record of a write that
 * rolled back).
 */

/** Register under this name in each subgraph's migrations. */
export const AUDIT_MIGRATION_NAME = '2026_11_29_0100_audit_event';
export const auditMigration = auditEventMigration;

type AuditAction = 'write' | 'read_personal';

async function insertAuditEvent(
  db: Kysely<any> | Transaction<any>,
  auth: RequestAuth,
  action: AuditAction,
  fields: readonly string[],
  householdIds: Iterable<string>,
): Promise<void> {
  const ids = [...new Set(householdIds)].filter((id) => /^\d{1,15}$/.test(id)).map(Number);
  await sql`INSERT INTO audit_event (subject, roles, action, operation, fields, household_ids, request_id)
    VALUES (${auth.viewer.subject ?? 'public'}, ${[...auth.viewer.roles]}::text[], ${action}, ${auth.operationName},
            ${[...fields]}::text[], ${ids}::bigint[], ${auth.requestId ?? null})`.execute(db);
}

/** What a write tells the audit trail while it runs: the households it touched. */
export interface AuditNote {
  household(id: string | number | bigint): void;
}

/**
 * Runs a mutation's writes in one transaction together with its audit record. `mutation` is
 * the mutation field's name; the work names the households it touched through `note`.
 */
export async function auditedWrite<DB, T>(
  db: Kysely<DB>,
  auth: RequestAuth,
  mutation: string,
  work: (trx: Transaction<DB>, note: AuditNote) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const households = new Set<string>();
    const result = await work(trx, { household: (id) => households.add(String(id)) });
    await insertAuditEvent(trx as unknown as Transaction<any>, auth, 'write', [mutation], households);
    return result;
  });
}

/** Records the personal fields a request read (the access plugin calls it before responding). */
export async function recordPersonalReads(db: Kysely<any>, auth: RequestAuth): Promise<void> {
  if (!auth.personalReads.size) return;
  const households = new Set<string>();
  for (const ids of auth.personalReads.values()) for (const id of ids) households.add(id);
  await insertAuditEvent(db, auth, 'read_personal', [...auth.personalReads.keys()].sort(), households);
}

interface AuditRow {
  id: number;
  occurred_at: Date | string;
  subject: string;
  roles: string[];
  action: AuditAction;
  operation: string | null;
  fields: string[];
  household_ids: Array<number | string>;
  request_id: string | null;
}

export interface AuditTrailArgs {
  filter?: { householdId?: string | null; action?: 'WRITE' | 'READ_PERSONAL' | null; subject?: string | null } | null;
  first?: number | null;
  after?: string | null;
}

/** The audit trail, newest first, a page at a time. */
export async function auditTrail(db: Kysely<any>, args: AuditTrailArgs): Promise<Connection<AuditRow>> {
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
  if (filter.action) conditions.push(sql`action = ${filter.action === 'WRITE' ? 'write' : 'read_personal'}`);
  if (filter.subject) conditions.push(sql`subject = ${filter.subject}`);
  const where = sql.join(conditions, sql` AND `);
  const page = before === undefined ? where : sql`${where} AND id < ${before}`;
  const rows = await sql<AuditRow>`SELECT * FROM audit_event WHERE ${page} ORDER BY id DESC LIMIT ${limit + 1}`.execute(db);
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE ${where}`.execute(db);
  return toConnection('audit', rows.rows.map((r) => ({ ...r, id: Number(r.id) })), limit, total.rows[0]?.n ?? 0);
}

/** Resolvers for the AuditEvent type every subgraph declares. */
export const AuditEvent = {
  id: (r: AuditRow) => String(r.id),
  occurredAt: (r: AuditRow) => r.occurred_at,
  action: (r: AuditRow) => (r.action === 'write' ? 'WRITE' : 'READ_PERSONAL'),
  householdIds: (r: AuditRow) => r.household_ids.map(String),
  requestId: (r: AuditRow) => r.request_id,
};
