import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. Refused attempts (a token
// refused, a scope missing, a write's input refused) are audited beside writes and personal
// reads, with the refusal's error code; and the request id the caller sent is kept beside the
// server's own (request_id), never instead of it.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_action_check`.execute(db);
  await sql`ALTER TABLE audit_event ADD CONSTRAINT audit_event_action_check CHECK (action IN ('write', 'read_personal', 'refused'))`.execute(db);
  await db.schema.alterTable('audit_event').addColumn('error_code', 'text').execute();
  await db.schema.alterTable('audit_event').addColumn('caller_request_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('audit_event').where('action', '=', 'refused').execute();
  await db.schema.alterTable('audit_event').dropColumn('caller_request_id').execute();
  await db.schema.alterTable('audit_event').dropColumn('error_code').execute();
  await sql`ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_action_check`.execute(db);
  await sql`ALTER TABLE audit_event ADD CONSTRAINT audit_event_action_check CHECK (action IN ('write', 'read_personal'))`.execute(db);
}
