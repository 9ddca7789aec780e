import { sql, type Kysely } from 'kysely';
import type { CityPlan } from '../../../db/generate/plan.js';
import type { SocialInsuranceDatabase } from '../db/tables.js';
import { writeAllowances } from './allowances.js';
import { cityOf } from './city.js';
import { writeElectricity } from './electricity.js';
import { writeHealthInsurance } from './health-insurance.js';
import { writeRelief } from './relief.js';
import { writeTuition } from './tuition.js';
import { writeVoluntary } from './voluntary.js';

export { HEALTH_INSURANCE_TARGETS } from './health-insurance.js';

/**
 * The social-insurance share of the city data set, written as if every record had gone through
 * this subgraph's mutations (a card's group is the household's classification in the review of
 * the year before; no date after 30 September 2025, the data set's horizon; amounts never
 * negative). Households, members and communes are the plan's (the commune a record carries is
 * the plan household's commune).
 *
 * Distributions:
 * - Health insurance, poor and near-poor: every member (born by the card's year) of every
 *   household on the poor or near-poor list in force in 2022, 2023, 2024 and 2025 (reviews
 *   2021-2024) holds a card valid 1 January to 31 December; members born in the card's year
 *   hold one from 1 July. Granted on a day from 2 to 20 January. The budget pays 100% of the
 *   premium for the poor and 70% for the near-poor (the national minimum). Premium: 4.5% of the
 *   base salary in force on the day the support is granted (1,490,000 VND; 1,800,000 from
 *   1 July 2023; 2,340,000 from 1 July 2024) for each month of the card, paid in advance (a
 *   later rise of the base salary is not re-billed to these records).
 * - Health insurance, middle-income households in farming, forestry or fishery (the plan's
 *   middle-income agricultural households, reviewed MIDDLE_INCOME every year): they enrol as
 *   a household, voluntarily, with the budget paying 30% (the national minimum). Each
 *   enrolling household keeps one anniversary month (January for about a third, any month
 *   otherwise) and one term (3, 6 or 12 months, drawn 25/35/40%); it first enrols in 2022,
 *   2023 or 2024 and renews the next year with probability 0.55. Enough households (in a
 *   random order) enrol in 2022-2024 for the published "more than 179,000" people (aimed at
 *   179,500 at scale 1), the rest may enrol in 2025 only. The published budget of 2022-2024
 *   (137.8 billion VND at scale 1) is then met exactly: the poor and near-poor cards are fixed,
 *   so middle-income terms are shortened (12 to 6 to 3 months, or a renewal dropped) or lengthened
 *   (3 to 6 to 12 months) household by household until the gap is less than the smallest step,
 *   and the gap left (less than the smallest step) is spread evenly, in whole đồng, over the
 *   middle-income cards of the period (rounding of the premium split).
 * - Electricity: households on the poor list in force get 30 kWh a month at the first-tier
 *   household tariff (1,678 VND/kWh; 1,728 from 4 May 2023; 1,806 from 9 November 2023; 1,893
 *   from 11 October 2024), paid by quarter in the quarter's first month.
 * - Tuition (school years 2022-2023 to 2024-2025, the list in force when the school year
 *   starts): pupils aged 3-17 of poor and near-poor households (90% take it up). Poor: tuition
 *   exemption (not in primary school, which is free) and study-cost support of 150,000 VND a
 *   month for 9 months; near-poor: 50% tuition reduction outside primary school. Tuition:
 *   217,000 VND a month in wards, 95,000 in rural communes, 9 months. Granted in October.
 * - Monthly allowances (Hanoi's social assistance standard of 440,000 VND, coefficients of
 *   Decree 20/2021): people turning 80 without a pension (60% of the over-80s, any programme
 *   household; coefficient 1); elderly poor people living without carers (10% of members aged
 *   60+ of households on a poor list; 1.5; ends when the household leaves the list); disability
 *   (2% of the reviewed population, 0.5% elsewhere; 1.5 or 2); orphans (0.3% of children under
 *   16 of the reviewed population; 2.5, 5 under 4; until the year they turn 16); single parents
 *   in poor households (5% of poor households with children under 16; 1 per child); other (0.1%).
 * - Voluntary social insurance (Resolution 03/2022, from July 2022): contribution 22% of
 *   1,500,000 VND a month; support 50% for poor people, 40% for near-poor, 20% for others by
 *   the lists in force on the day paid; 4% of members aged 18-55 of reviewed households, 0.5% of
 *   others; 1 to 3 payments of 3, 6 or 12 months.
 * - Emergency relief: typhoon Yagi (September 2024) in rural communes that have poverty (about
 *   2,400 households at scale 1, 40% of them from the reviewed population), other natural
 *   disasters (about 150 a year), fires (about 120 a year) and other incidents (about 80 a year)
 *   in any commune, 2022 to September 2025; cash and, often, rice or building materials.
 */

export async function generateCity(db: Kysely<SocialInsuranceDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const city = cityOf(plan, log);
  await sql`TRUNCATE health_insurance_support, voluntary_insurance_support, tuition_support, electricity_subsidy, social_allowance, emergency_relief RESTART IDENTITY`.execute(
    db,
  );

  // In this order: every kind draws from the one random stream in turn.
  await writeHealthInsurance(db, city);
  await writeElectricity(db, city);
  await writeTuition(db, city);
  await writeAllowances(db, city);
  await writeVoluntary(db, city);
  await writeRelief(db, city);

  for (const table of [
    'health_insurance_support',
    'voluntary_insurance_support',
    'tuition_support',
    'electricity_subsidy',
    'social_allowance',
    'emergency_relief',
    'health_insurance_rollup',
    'health_insurance_gap',
  ]) {
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
}
