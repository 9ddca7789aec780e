import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import type { CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import { creditRollupColumns } from '../balance.js';
import { writeCityRollups } from '../rollups.js';
import type { CreditDatabase, LoanProgramme, LoanStatus, MassOrganisation } from '../db/tables.js';
import { buildCreditData, CREDIT_TARGETS, CUTOFF, dueOn, M, recorded, SALT, type Code } from './book.js';

export { CREDIT_TARGETS } from './book.js';

/**
 * The credit subgraph's share of the city data set, written: the loan book drafted by book.ts
 * (its distributions are described there) as loan and repayment rows, the capital entrusted,
 * and the rollups derived from those rows by the rule of balance.ts.
 */

const PURPOSES: Record<Code, string[]> = {
  POOR_HOUSEHOLDS: ['Raising pigs', 'Buying a milk cow', 'Growing vegetables', 'Sewing workshop', 'Raising ducks'],
  NEAR_POOR_HOUSEHOLDS: ['Raising chickens', 'Fish pond', 'Small grocery shop', 'Growing mushrooms'],
  NEWLY_ESCAPED_POVERTY: ['Expanding a pig farm', 'Bonsai nursery', 'Noodle making', 'Fruit orchard'],
  DISADVANTAGED_STUDENTS: ['University tuition', 'Vocational college fees', 'College tuition and board'],
  JOB_CREATION: [
    'Carpentry workshop',
    'Motorbike repair shop',
    'Mushroom farm',
    'Tailoring shop',
    'Rattan and bamboo weaving',
    'Food stall',
    'Greenhouse vegetables',
  ],
  OVERSEAS_LABOUR: ['Contract work in Japan', 'Contract work in Korea', 'Contract work in Taiwan'],
  CLEAN_WATER_SANITATION: ['Water filter and tank', 'Hygienic latrine', 'Drilled well', 'Water filter and hygienic latrine'],
  HOUSING_POOR: ['Rebuilding the house', 'New roof and walls', 'Repairing the house'],
  RELEASED_PRISONERS: ['Selling at the market', 'Motorbike taxi', 'Small workshop'],
};
const ORGANISATIONS: MassOrganisation[] = ['womens_union', 'farmers_association', 'veterans_association', 'youth_union'];
/** Group number mod 20 -> organisation: 8 women, 6 farmers, 3 veterans, 3 youth. */
const ORG_OF_SLOT = [0, 1, 0, 1, 0, 2, 0, 1, 3, 0, 1, 0, 2, 1, 0, 3, 1, 0, 2, 3] as const;

const pad = (n: number) => String(n).padStart(2, '0');
const round1000 = (n: number) => Math.round(n / 1000) * 1000;

export async function generateCity(db: Kysely<CreditDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const programmes = new Map<string, LoanProgramme>((await db.selectFrom('loan_programme').selectAll().execute()).map((p) => [p.code, p]));
  for (const code of Object.keys(PURPOSES)) if (!programmes.has(code)) throw new Error(`credit: loan programme ${code} is missing; migrate first`);
  const { loans, capital, diagnostics } = buildCreditData(plan);
  const adjusted = (Math.round((CREDIT_TARGETS.outstandingEnd2024 * plan.scale) / M) * M - diagnostics.scheduled2024) / 1e9;
  log(
    `credit: ${loans.length} loans drafted (${diagnostics.newLoans} in 2021-2024); 2024 balance moved ${adjusted.toFixed(1)} billion off the schedules, over ${diagnostics.pool2024} loans`,
  );
  const random = new Random(plan.seed + SALT + 1);

  await sql`TRUNCATE loan_repayment, loan, capital_entrusted RESTART IDENTITY`.execute(db);

  // Ids in order of disbursement.
  const order = loans.map((_, i) => i).sort((a, b) => (loans[a]!.date < loans[b]!.date ? -1 : loans[a]!.date > loans[b]!.date ? 1 : a - b));
  const L = {
    id: [] as number[],
    hh: [] as number[],
    commune: [] as string[],
    code: [] as string[],
    principal: [] as number[],
    date: [] as string[],
    term: [] as number[],
    rate: [] as string[],
    priority: [] as boolean[],
    purpose: [] as string[],
    org: [] as string[],
    group: [] as string[],
    jobs: [] as number[],
    status: [] as string[],
    off: [] as Array<string | null>,
  };
  // Repayments in typed arrays (no boxed or growing arrays of millions to collect), sized for
  // every recorded instalment and cut to those written.
  let instalments = 0;
  for (const l of loans) instalments += recorded(l);
  const R = { loan: new Int32Array(instalments), paid: [] as string[], principal: new Float64Array(instalments), interest: new Float64Array(instalments) };
  let repayments = 0;
  const statusCount: Record<string, number> = {};
  // A group's name, made once per group (a few thousand) rather than once per loan.
  const groupNames = new Map<number, string>();
  const groupName = (commune: CityPlan['communes'][number], group: number): string => {
    const key = commune.index * 64 + group;
    let name = groupNames.get(key);
    if (name === undefined) groupNames.set(key, (name = `Tổ TK&VV ${commune.code}-${pad(group)}`));
    return name;
  };
  order.forEach((index, i) => {
    const l = loans[index]!;
    const id = i + 1;
    const programme = programmes.get(l.code)!;
    const commune = plan.communes[plan.householdCommune[l.hh - 1]!]!;
    const rate = l.priority ? programme.priority_rate_percent! : programme.annual_rate_percent;
    // Savings-and-loan group: fixed per household, 8-32 groups per commune, one organisation each.
    const groups = 8 + ((commune.index * 7) % 25);
    const group = 1 + ((Math.imul(l.hh, 2654435761) >>> 0) % groups);
    let balance = l.principal;
    const n = recorded(l);
    for (let k = 0; k < n; k++) {
      const principal = l.sched[k]!;
      const interest = round1000((balance * Number(rate)) / 100);
      if (principal + interest > 0) {
        R.loan[repayments] = id;
        R.paid.push(dueOn(l, k));
        R.principal[repayments] = principal;
        R.interest[repayments] = interest;
        repayments++;
      }
      balance -= principal;
    }
    const status: LoanStatus = l.writtenOff ? 'written_off' : balance === 0 ? 'repaid' : n < l.sched.length && dueOn(l, n) <= CUTOFF ? 'overdue' : 'current';
    statusCount[status] = (statusCount[status] ?? 0) + 1;
    L.id.push(id);
    L.hh.push(l.hh);
    L.commune.push(commune.code);
    L.code.push(l.code);
    L.principal.push(l.principal);
    L.date.push(l.date);
    L.term.push(l.term);
    L.rate.push(rate);
    L.priority.push(l.priority);
    L.purpose.push(random.pick(PURPOSES[l.code]));
    L.org.push(ORGANISATIONS[ORG_OF_SLOT[group % 20]!]!);
    L.group.push(groupName(commune, group));
    L.jobs.push(l.jobs);
    L.status.push(status);
    L.off.push(l.writtenOff);
  });
  // The rollups, from the rows about to be written (in memory: much faster than reading back),
  // derived before they are sent: in a worker thread of the load (db/generate/workers.ts) this
  // CPU work then runs while the database loads other subgraphs' rows.
  const paid = { loan: R.loan.subarray(0, repayments), principal: R.principal.subarray(0, repayments), interest: R.interest.subarray(0, repayments) };
  const derived = creditRollupColumns(
    L.id.map((id, i) => ({
      id,
      household_id: L.hh[i]!,
      commune_code: L.commune[i]!,
      programme_code: L.code[i]!,
      principal: L.principal[i]!,
      disbursed_on: L.date[i]!,
      jobs_created: L.jobs[i]!,
      written_off_on: L.off[i]!,
    })),
    { loan_id: paid.loan, paid_on: R.paid, principal: paid.principal },
  );
  await bulkInsert(
    db,
    'loan',
    [
      { name: 'id', type: 'int8' },
      { name: 'household_id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'programme_code', type: 'text' },
      { name: 'principal', type: 'int8' },
      { name: 'disbursed_on', type: 'date' },
      { name: 'term_months', type: 'int4' },
      { name: 'annual_rate_percent', type: 'numeric' },
      { name: 'priority_rate', type: 'bool' },
      { name: 'purpose', type: 'text' },
      { name: 'mass_organisation', type: 'text' },
      { name: 'savings_group', type: 'text' },
      { name: 'jobs_created', type: 'int4' },
      { name: 'status', type: 'text' },
      { name: 'written_off_on', type: 'date' },
    ],
    [L.id, L.hh, L.commune, L.code, L.principal, L.date, L.term, L.rate, L.priority, L.purpose, L.org, L.group, L.jobs, L.status, L.off],
    { emptied: true },
  );
  log(
    `credit: ${L.id.length} loans (${Object.entries(statusCount)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')})`,
  );
  await bulkInsert(
    db,
    'loan_repayment',
    [
      { name: 'loan_id', type: 'int8' },
      { name: 'paid_on', type: 'date' },
      { name: 'principal', type: 'int8' },
      { name: 'interest', type: 'int8' },
    ],
    [paid.loan, R.paid, paid.principal, paid.interest],
    { emptied: true },
  );
  log(`credit: ${repayments} repayments`);
  await bulkInsert(
    db,
    'capital_entrusted',
    [
      { name: 'year', type: 'int4' },
      { name: 'amount', type: 'int8' },
      { name: 'source_note', type: 'text' },
    ],
    [capital.map((c) => c.year), capital.map((c) => c.amount), capital.map((c) => c.note)],
    { emptied: true },
  );
  log(`credit: ${capital.length} capital entrusted rows`);
  await sql`SELECT setval(pg_get_serial_sequence('loan', 'id'), (SELECT max(id) FROM loan))`.execute(db);
  await sql`SELECT setval(pg_get_serial_sequence('loan_repayment', 'id'), greatest((SELECT max(id) FROM loan_repayment), 1))`.execute(db);
  const rollups = await writeCityRollups(db, derived);
  log(`credit: ${rollups.rows} rollup rows, ${rollups.gaps} household gaps`);
  for (const table of ['loan', 'loan_repayment', 'capital_entrusted', 'credit_rollup', 'credit_household_gap']) {
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
}
