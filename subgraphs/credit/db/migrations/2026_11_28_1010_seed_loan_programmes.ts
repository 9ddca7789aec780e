import type { Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.
//
// The VBSP programmes of the domain brief, as reference data. Rates are the ones VBSP
// published (domain brief). Where the brief gives no maximum amount, term or grace period the
// values below are ASSUMPTIONS, chosen to be plausible and marked so; correct them with a new
// migration when the branch confirms them:
// - poor households: 100M (brief); term 120 months (assumption).
// - near-poor and newly escaped poverty: 100M and 120 months (assumptions: as for poor households).
// - disadvantaged students: 160M (assumption: 4M a month, 10 months a year, 4 years); 180 months (assumption).
// - job creation: 100M per worker (brief; a household loan counts as one worker's); 120 months (assumption).
// - overseas contract labour: 150M and 60 months (assumptions).
// - clean water and rural sanitation: 25M and 60 months (assumptions).
// - housing for poor households: 15 years with 5 years' grace (brief); 40M (assumption).
// - people released from prison: rate 6.6% (assumption: the poor-household rate), 100M and 120 months (assumptions).
const M = 1_000_000;

const programmes = [
  ['POOR_HOUSEHOLDS', 'Loans to poor households', 'Production and business loans to households on the poor list, without collateral, through a savings-and-loan group.', 'poor', '6.60', null, 100 * M, 120, null, false],
  ['NEAR_POOR_HOUSEHOLDS', 'Loans to near-poor households', 'Production and business loans to households on the near-poor list.', 'near_poor', '7.92', null, 100 * M, 120, null, false],
  ['NEWLY_ESCAPED_POVERTY', 'Loans to households newly escaped from poverty', 'Production and business loans to households that left the poor list within the last three years.', 'newly_escaped', '8.25', null, 100 * M, 120, null, false],
  ['DISADVANTAGED_STUDENTS', 'Loans to disadvantaged students', 'Study costs of students from disadvantaged households.', 'any_registered', '6.60', null, 160 * M, 180, null, false],
  ['JOB_CREATION', 'Job creation loans', 'Loans that create or keep jobs; the priority rate applies to priority groups.', 'any_registered', '7.92', '3.96', 100 * M, 120, null, true],
  ['OVERSEAS_LABOUR', 'Overseas contract labour loans', 'Costs of going abroad to work on a fixed-term contract; the priority rate applies to priority groups.', 'any_registered', '6.60', '3.30', 150 * M, 60, null, true],
  ['CLEAN_WATER_SANITATION', 'Clean water and rural sanitation loans', 'Building or upgrading a domestic water supply and a hygienic latrine.', 'any_registered', '9.00', null, 25 * M, 60, null, false],
  ['HOUSING_POOR', 'Housing loans to poor households', 'Building or repairing the house of a poor household: 15 years with 5 years of grace.', 'poor', '3.00', null, 40 * M, 180, 60, false],
  ['RELEASED_PRISONERS', 'Loans to people released from prison', 'Production, business and job loans to people who have served their sentence.', 'any_registered', '6.60', null, 100 * M, 120, null, false],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto('loan_programme')
    .values(
      programmes.map(([code, name, description, eligibility, rate, priority, maxAmount, maxTerm, grace, recordsJobs], i) => ({
        code,
        name,
        description,
        eligibility,
        annual_rate_percent: rate,
        priority_rate_percent: priority,
        max_amount: maxAmount,
        max_term_months: maxTerm,
        grace_months: grace,
        records_jobs: recordsJobs,
        position: i + 1,
      })),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('loan_programme').where('code', 'in', programmes.map((p) => p[0])).execute();
}
