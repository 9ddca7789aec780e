import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../platform/operations.js';
import { startCluster, type Cluster } from '../scripts/cluster.js';
import { subgraphs } from '../subgraphs/catalog.js';
import { freePort } from './support/fault-proxy.js';
import { postGraphQL } from './support/stack.js';

// The production topology (npm run start:cluster) on the PostgreSQL server: every subgraph and
// the gateway as OS processes, each subgraph as its own database role. Needs DATABASE_URL (an
// admin user); uses a scratch database and roles of its own, dropped at the end. It runs two
// gateways and two credit processes (the replicas option), gateway k in front of credit k.
const adminUrl = process.env.DATABASE_URL;
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const database = `cluster_${suffix}`;
const rolePrefix = `cluster_${suffix}`;

async function asRole<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(!adminUrl)('npm run start:cluster (separate processes, one database role per subgraph)', () => {
  let cluster: Cluster | undefined;
  const output: string[] = [];

  beforeAll(async () => {
    const ports: Record<string, number> = { gateway: await freePort(), 'gateway-2': await freePort(), 'credit-2': await freePort() };
    for (const s of subgraphs) ports[s.name] = await freePort();
    try {
      cluster = await startCluster({
        adminUrl: adminUrl!,
        database,
        rolePrefix,
        ports,
        dataSet: 'demo',
        replicas: { gateway: 2, credit: 2 },
        log: (line) => output.push(line),
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${output.slice(-40).join('\n')}`, { cause: error });
    }
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      for (const s of subgraphs) await admin.query(`DROP ROLE IF EXISTS "${rolePrefix}_${s.name}"`);
    } finally {
      await admin.end();
    }
  }, 60_000);

  it("keeps each subgraph's role out of every other subgraph's schema", async () => {
    const credit = cluster!.databaseUrls.credit!;
    await expect(asRole(credit, (c) => c.query('SELECT FROM registry.household LIMIT 1'))).rejects.toThrow(/permission denied/);
    await expect(asRole(credit, (c) => c.query('SELECT FROM housing.housing_case LIMIT 1'))).rejects.toThrow(/permission denied/);
    // Its own tables it reads (the process migrated and seeded them as this role).
    const own = await asRole(credit, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM credit.loan'));
    expect(Number(own.rows[0]!.n)).toBeGreaterThan(0);
    // Each schema and its tables belong to the subgraph's role, and the roles are not superusers.
    const owners = await asRole(credit, (c) =>
      c.query<{ schema: string; owner: string }>(
        `SELECT nspname AS schema, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`,
        [subgraphs.map((s) => s.name)],
      ),
    );
    expect(owners.rows).toEqual(subgraphs.map((s) => ({ schema: s.name, owner: `${rolePrefix}_${s.name}` })).sort((a, b) => a.schema.localeCompare(b.schema)));
    const registryTables = await asRole(cluster!.databaseUrls.registry!, (c) =>
      c.query<{ owner: string }>(`SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'registry'`),
    );
    expect(registryTables.rows).toEqual([{ owner: `${rolePrefix}_registry` }]);
    const superusers = await asRole(credit, (c) =>
      c.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1 AND (rolsuper OR rolcreatedb OR rolcreaterole)`, [`${rolePrefix}_%`]),
    );
    expect(superusers.rows).toEqual([]);
  });

  it('serves a dashboard operation from schema/operations through the gateway', async () => {
    const op = loadOperations().find((o) => o.name === 'household-360')!;
    const token = await cluster!.auth.mint({ sub: 'cluster-test', roles: ['administrator'] });
    const r = await postGraphQL(cluster!.gatewayUrl, op.document, op.variables, token);
    expect(r.errors).toBeUndefined();
    expect(r.data.household.id).toBe(String(op.variables.id));
    expect(r.data.household.members.length).toBeGreaterThan(0);
  });

  it('reports every process ready, the gateway with each subgraph reachable', async () => {
    for (const url of Object.values(cluster!.urls)) {
      const response = await fetch(new URL('/ready', url));
      expect(response.status, url).toBe(200);
    }
    const gateway = (await (await fetch(new URL('/ready', cluster!.gatewayUrl))).json()) as { checks: Record<string, string> };
    expect(Object.keys(gateway.checks).sort()).toEqual(subgraphs.map((s) => s.name).sort());
  });

  it('a write through one gateway and credit process is read at once through the other pair (kept answers stay exact)', async () => {
    expect(cluster!.gatewayUrls).toHaveLength(2);
    const [one, two] = cluster!.gatewayUrls as [string, string];
    const token = await cluster!.auth.mint({ sub: 'cluster-test', roles: ['administrator'] });
    const households = await postGraphQL(one, `{ households(first: 1) { edges { node { id commune { code } } } } }`, {}, token);
    expect(households.errors).toBeUndefined();
    const { id, commune } = households.data.households.edges[0].node;
    const figures = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { creditFigures(from: "2025-01-01", to: "2025-12-31") { amountDisbursed loans } }
      city { creditFigures(from: "2025-01-01", to: "2025-12-31") { amountDisbursed } } }`;
    const read = async (url: string) => {
      const r = await postGraphQL(url, figures, { codes: [commune.code] }, token);
      expect(r.errors).toBeUndefined();
      return {
        commune: Number(r.data.communes[0].creditFigures.amountDisbursed),
        loans: r.data.communes[0].creditFigures.loans as number,
        city: Number(r.data.city.creditFigures.amountDisbursed),
      };
    };
    for (let i = 0; i < 4; i++) {
      // Alternate: write through one pair, read through the other, whose kept answer is warm.
      const [writer, reader] = i % 2 === 0 ? [one, two] : [two, one];
      await read(reader);
      const before = await read(reader);
      const amount = 20_000_000 + i;
      const w = await postGraphQL(
        writer,
        `mutation($input: DisburseLoanInput!) { disburseLoan(input: $input) { loan { id } } }`,
        {
          input: {
            householdId: id,
            programmeCode: 'JOB_CREATION',
            amount: String(amount),
            disbursedOn: `2025-03-0${i + 1}`,
            termMonths: 36,
            jobsCreated: 1,
            purpose: 'Replica test',
            massOrganisation: 'WOMENS_UNION',
            savingsGroup: 'Tổ TK&VV replica',
          },
        },
        token,
      );
      expect(w.errors).toBeUndefined();
      const after = await read(reader);
      expect(after).toEqual({ commune: before.commune + amount, loans: before.loans + 1, city: before.city + amount });
    }
  });
});
