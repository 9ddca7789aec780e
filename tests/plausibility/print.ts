import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { measure } from './invariants.js';

// npx tsx tests/plausibility/print.ts: the plausibility measures of the city data set already
// generated in DATABASE_URL (npm run generate), as JSON (docs/data.md's before/after values).
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('set DATABASE_URL to a database with the city data set');
  process.exit(2);
}
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
try {
  console.log(JSON.stringify(await measure(db), null, 2));
} finally {
  await db.destroy();
}
