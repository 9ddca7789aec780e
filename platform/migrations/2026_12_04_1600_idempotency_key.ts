import type { Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. Every subgraph that writes
// keeps, in its own schema, the idempotency keys of the writes it committed: who sent the key,
// for which mutation, a fingerprint of the arguments, and the answer the write gave. A key's row
// is written in its write's own transaction, so a key is never stored for a write that rolled
// back, nor a write committed without its key. Keys expire after a while (the application decides
// how long), and are removed by age.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_key')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('mutation', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(db.fn('now')))
    .addPrimaryKeyConstraint('idempotency_key_pkey', ['subject', 'mutation', 'key'])
    .execute();
  // Keys expire (their answers may hold personal data): expired ones are found and removed by age.
  await db.schema.createIndex('idempotency_key_created_idx').on('idempotency_key').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_key').execute();
}
