import { sql, type Kysely } from 'kysely';
import { DEMO_SEED, demoPopulation, type DemoHousehold } from '../../db/demo.js';
import { Random } from '../../db/random.js';
import type { RegistryClassification } from '../../platform/registry-client.js';
import { addMonths } from './balance.js';
import type { CreditDatabase, LoanProgramme, LoanStatus, MassOrganisation, NewLoan, NewLoanRepayment } from './db/tables.js';
import { checkEligibility } from './eligibility.js';
import { writeRollups } from '../../platform/rollups.js';
import { creditRollupSet } from './rollups.js';

/** Repayments in the demo stop here, so that the data set is the same whatever day it loads. */
const DEMO_CUTOFF = '2025-12-31';
/** Last disbursement date in the demo. */
const LAST_DISBURSEMENT = '2026-06-30';
const ORGANISATIONS: MassOrganisation[] = ['womens_union', 'farmers_association', 'veterans_association', 'youth_union'];
const PURPOSES: Record<string, string[]> = {
  POOR_HOUSEHOLDS: ['Raising pigs', 'Buying a milk cow', 'Growing vegetables', 'Sewing workshop'],
  NEAR_POOR_HOUSEHOLDS: ['Raising chickens', 'Fish pond', 'Small grocery shop'],
  NEWLY_ESCAPED_POVERTY: ['Expanding a pig farm', 'Bonsai nursery', 'Noodle making'],
  DISADVANTAGED_STUDENTS: ['University tuition', 'Vocational college fees'],
  JOB_CREATION: ['Carpentry workshop', 'Motorbike repair shop', 'Mushroom farm'],
  OVERSEAS_LABOUR: ['Contract work in Japan', 'Contract work in Korea', 'Contract work in Taiwan'],
  CLEAN_WATER_SANITATION: ['Water filter and tank', 'Hygienic latrine', 'Drilled well'],
  HOUSING_POOR: ['Rebuilding the house', 'New roof and walls'],
  RELEASED_PRISONERS: ['Selling at the market', 'Motorbike taxi'],
};
const OPEN_PROGRAMMES = ['DISADVANTAGED_STUDENTS', 'JOB_CREATION', 'OVERSEAS_LABOUR', 'CLEAN_WATER_SANITATION', 'RELEASED_PRISONERS'];

const CLASSIFICATION: Record<string, RegistryClassification> = {
  poor: 'POOR',
  near_poor: 'NEAR_POOR',
  middle_income: 'MIDDLE_INCOME',
  above_middle_income: 'ABOVE_MIDDLE_INCOME',
};

function classifications(h: DemoHousehold): Record<number, RegistryClassification | null> {
  const byYear: Record<number, RegistryClassification | null> = {};
  for (const r of h.reviews) byYear[r.year] = CLASSIFICATION[r.classification]!;
  return byYear;
}

function dateIn(random: Random, year: number): string {
  const date = `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
  return date > LAST_DISBURSEMENT ? LAST_DISBURSEMENT : date;
}

/**
 * Writes demo loans for the demo households of db/demo.ts (the registry seeds them first), with
 * six-monthly repayments up to DEMO_CUTOFF, and the capital the city entrusted. Programme
 * loans go only to households whose classification in the review year before the loan (the
 * lists in force) makes them eligible, by the same rule as disburseLoan. Does nothing when
 * loans or capital rows already exist, so a restart keeps what users wrote.
 */
export async function seedDemo(db: Kysely<CreditDatabase>): Promise<void> {
  const existing = await db.selectFrom('loan').select('id').union(db.selectFrom('capital_entrusted').select('id')).limit(1).executeTakeFirst();
  if (existing) return;
  const programmes = new Map((await db.selectFrom('loan_programme').selectAll().execute()).map((p) => [p.code, p]));
  const random = new Random(DEMO_SEED + 2);
  const loans: Array<NewLoan & { id: number }> = [];
  const repayments: NewLoanRepayment[] = [];

  const lend = (h: DemoHousehold, programme: LoanProgramme, disbursedOn: string) => {
    // The same rule disburseLoan applies: lists in force = review year before the loan.
    const year = Number(disbursedOn.slice(0, 4));
    if (!checkEligibility(programme.eligibility, year, classifications(h)).eligible) return;
    const steps = Math.floor(programme.max_amount / 5_000_000);
    const principal = 5_000_000 * random.int(Math.max(1, Math.floor(steps / 5)), steps);
    const terms = [12, 24, 36, 60, 120, 180].filter((t) => t <= programme.max_term_months);
    const term = programme.grace_months ? programme.max_term_months : random.pick(terms);
    const priority = programme.priority_rate_percent !== null && random.chance(0.3);
    const rate = Number(priority ? programme.priority_rate_percent : programme.annual_rate_percent);
    const id = loans.length + 1;
    // Six-monthly instalments; during a grace period only interest is paid. One borrower in
    // six stops paying after a while.
    const instalments = Math.ceil(term / 6);
    const graceInstalments = Math.ceil((programme.grace_months ?? 0) / 6);
    const principalInstalments = instalments - graceInstalments;
    const stopsAfter = random.chance(1 / 6) ? random.int(0, instalments - 1) : instalments;
    let balance = principal;
    for (let k = 1; k <= Math.min(instalments, stopsAfter); k++) {
      const paidOn = addMonths(disbursedOn, 6 * k);
      if (paidOn > DEMO_CUTOFF) break;
      const share = k <= graceInstalments ? 0 : k === instalments ? balance : Math.floor(principal / principalInstalments);
      const interest = Math.round((balance * rate) / 100 / 2);
      repayments.push({ loan_id: id, paid_on: paidOn, principal: share, interest });
      balance -= share;
    }
    // Overdue: an instalment fell due on or before the cutoff and was not paid.
    const missedDue = stopsAfter < instalments && addMonths(disbursedOn, 6 * (stopsAfter + 1)) <= DEMO_CUTOFF;
    let status: LoanStatus = balance === 0 ? 'repaid' : missedDue ? 'overdue' : 'current';
    let writtenOffOn: string | null = null;
    if (status === 'overdue' && stopsAfter <= 1 && disbursedOn < '2024-01-01') {
      status = 'written_off';
      writtenOffOn = DEMO_CUTOFF;
    }
    loans.push({
      id,
      household_id: h.id,
      commune_code: h.communeCode,
      programme_code: programme.code,
      principal,
      disbursed_on: disbursedOn,
      term_months: term,
      annual_rate_percent: priority ? programme.priority_rate_percent! : programme.annual_rate_percent,
      priority_rate: priority,
      purpose: random.pick(PURPOSES[programme.code] ?? ['Production']),
      mass_organisation: random.pick(ORGANISATIONS),
      savings_group: `Tổ TK&VV ${h.communeCode}-${String(random.int(1, 12)).padStart(2, '0')}`,
      jobs_created: programme.code === 'JOB_CREATION' ? random.int(1, 3) : programme.code === 'OVERSEAS_LABOUR' ? 1 : 0,
      status,
      written_off_on: writtenOffOn,
    });
  };

  for (const h of demoPopulation()) {
    const byYear = classifications(h);
    const poorYear = [2022, 2023].find((y) => byYear[y] === 'POOR');
    if (poorYear !== undefined && random.chance(0.6)) lend(h, programmes.get('POOR_HOUSEHOLDS')!, dateIn(random, poorYear + 1));
    if (poorYear !== undefined && random.chance(0.15)) lend(h, programmes.get('HOUSING_POOR')!, dateIn(random, poorYear + 1));
    const nearPoorYear = [2022, 2023, 2024].find((y) => byYear[y] === 'NEAR_POOR');
    if (nearPoorYear !== undefined && random.chance(0.3)) lend(h, programmes.get('NEAR_POOR_HOUSEHOLDS')!, dateIn(random, nearPoorYear + 1));
    if (random.chance(0.3)) lend(h, programmes.get('NEWLY_ESCAPED_POVERTY')!, dateIn(random, random.pick([2024, 2025])));
    if (random.chance(0.3)) lend(h, programmes.get(random.pick(OPEN_PROGRAMMES))!, dateIn(random, random.int(2021, 2026)));
  }

  await db.transaction().execute(async (trx) => {
    await trx.insertInto('loan').values(loans).execute();
    if (repayments.length) await trx.insertInto('loan_repayment').values(repayments).execute();
    // Explicit ids were written: move the identity sequence past them.
    await sql`SELECT setval(pg_get_serial_sequence('loan', 'id'), (SELECT max(id) FROM loan))`.execute(trx);
    // The rule on the records just written (and its version recorded: the next start rebuilds nothing).
    await writeRollups<CreditDatabase>(
      trx,
      creditRollupSet,
      creditRollupSet.derive({
        loans: loans.map((l) => ({ ...l, jobs_created: l.jobs_created ?? 0, written_off_on: l.written_off_on ?? null })),
        repayments,
      }),
    );
    // An illustrative yearly split of the total the city published (8,718 billion VND).
    const B = 1_000_000_000;
    await trx
      .insertInto('capital_entrusted')
      .values(
        [
          [2021, 1_950 * B],
          [2022, 2_068 * B],
          [2023, 2_200 * B],
          [2024, 2_500 * B],
        ].map(([year, amount]) => ({
          year: year!,
          amount: amount!,
          source_note: 'Demo figure: an illustrative yearly split of the 8,718 billion VND the city reported entrusting to VBSP (hanoimoi.vn, 2025).',
        })),
      )
      .execute();
  });
}
