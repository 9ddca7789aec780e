import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MONEY } from '../../platform/scalars.js';
import { housing } from '../../subgraphs/housing/index.js';
import { registry } from '../../subgraphs/registry/index.js';
import { onlyError, startTestStack, type TestStack } from '../support/stack.js';

// Money that broke figures for everyone (issue 15, item 4): one contribution of
// 9007199254740991 đồng and a second of 1000, and the public Fund figure failed ("Money must
// be a whole number of đồng, got 9007199254741992"). Now an input is at most MAX_MONEY (one
// trillion đồng), and a sum is exact however large: past 2^53 it is carried as a bigint.

process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, housing] });
});
afterAll(async () => {
  await stack?.close();
});

const CONTRIBUTE = `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id amount } } }`;
const FUND = `{ city { fundForThePoor(from: "2025-01-01", to: "2025-12-31") { amountMobilised contributions } } }`;

const contribution = (amount: unknown) => ({ donorKind: 'ENTERPRISE', donorName: 'Công ty Thử', amount, contributionDate: '2025-06-01' });

async function contributions(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fund_contribution`.execute(stack.databases.kysely<any>('housing'));
  return rows[0]!.n;
}

async function mobilised(as?: string | null): Promise<{ amountMobilised: string | null; contributions: number | null }> {
  const r = await stack.query(FUND, undefined, undefined, as);
  expect(r.errors).toBeUndefined();
  return r.data.city.fundForThePoor;
}

describe('money limits', () => {
  it('refuses the amounts of the issue at the edge, naming the field, writing nothing', async () => {
    const before = await contributions();
    for (const amount of ['9007199254740991', String(MAX_MONEY + 1), '1e400', '12.5']) {
      const error = onlyError(await stack.query(CONTRIBUTE, { input: contribution(amount) }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    }
    expect(await contributions()).toBe(before);
  });

  it('takes the maximum, and the figures stay exact for the analyst and answered for the public', async () => {
    const start = BigInt((await mobilised()).amountMobilised!);
    expect((await stack.query(CONTRIBUTE, { input: contribution(String(MAX_MONEY)) })).errors).toBeUndefined();
    expect((await stack.query(CONTRIBUTE, { input: contribution('1000') })).errors).toBeUndefined();
    expect(BigInt((await mobilised()).amountMobilised!)).toBe(start + BigInt(MAX_MONEY) + 1000n);
    expect((await mobilised(null)).amountMobilised).not.toBeNull();
  });

  it('sums past Number.MAX_SAFE_INTEGER exactly (10,000 contributions at the maximum)', async () => {
    const start = BigInt((await mobilised()).amountMobilised!);
    // Written straight into the table: the figure is what is tested, not 10,000 requests.
    await sql`INSERT INTO fund_contribution (donor_kind, donor_name, amount, contribution_date)
      SELECT 'organisation', 'Quỹ thử ' || i, ${MAX_MONEY}, DATE '2025-07-01' FROM generate_series(1, 10000) AS i`.execute(
      stack.databases.kysely<any>('housing'),
    );
    const total = BigInt((await mobilised()).amountMobilised!);
    expect(total).toBe(start + 10_000n * BigInt(MAX_MONEY));
    expect(total > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    // The public gets the rounded figure, not an error.
    const publicFigure = await mobilised(null);
    expect(BigInt(publicFigure.amountMobilised!) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});
