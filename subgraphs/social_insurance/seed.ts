import type { Kysely } from 'kysely';
import { DEMO_SEED, demoPopulation, type DemoHousehold } from '../../db/demo.js';
import { Random } from '../../db/random.js';
import { writeRollups } from '../../platform/rollups.js';
import { healthInsuranceRollupSet } from './rollups.js';
import type {
  NewElectricitySubsidy,
  NewEmergencyRelief,
  NewHealthInsuranceSupport,
  NewSocialAllowance,
  NewTuitionSupport,
  NewVoluntaryInsuranceSupport,
  SocialInsuranceDatabase,
  SupportGroup,
} from './db/tables.js';

/**
 * Yearly health-insurance premium per person (4.5% of the base salary times 12), demo values:
 * 1,800,000 VND base salary from mid-2023, 2,340,000 from mid-2024.
 */
const PREMIUM: Record<number, number> = { 2023: 972_000, 2024: 1_263_600 };
/** Budget share by group (poor 100%, near-poor 70%, middle-income in farming 30%): demo values. */
const SHARE: Record<SupportGroup, number> = { poor: 100, near_poor: 70, middle_income_agriculture: 30 };
/** Card years seeded: each checked against the review of the year before (the lists in force). */
export const DEMO_CARD_YEARS = [2023, 2024] as const;

/**
 * The demo's records, derived from the shared demo population only (no registry call), so the
 * same plan always gives the same rows. Exported for tests that check figures against it.
 */
export function demoSocialRecords(population: DemoHousehold[] = demoPopulation()) {
  const random = new Random(DEMO_SEED + 404);
  const cards: NewHealthInsuranceSupport[] = [];
  const voluntary: NewVoluntaryInsuranceSupport[] = [];
  const tuition: NewTuitionSupport[] = [];
  const electricity: NewElectricitySubsidy[] = [];
  const allowances: NewSocialAllowance[] = [];
  const relief: NewEmergencyRelief[] = [];

  for (const h of population) {
    const base = { household_id: h.id, commune_code: h.communeCode };
    const classificationIn = (year: number) => h.reviews.find((r) => r.year === year)?.classification;
    for (const year of DEMO_CARD_YEARS) {
      // The lists in force during `year` are those of the review of `year - 1`.
      const listed = classificationIn(year - 1);
      const group: SupportGroup | undefined =
        listed === 'poor'
          ? 'poor'
          : listed === 'near_poor'
            ? 'near_poor'
            : listed === 'middle_income' && random.chance(0.15)
              ? 'middle_income_agriculture'
              : undefined;
      if (group) {
        for (const m of h.members) {
          cards.push({
            ...base,
            member_id: m.id,
            year,
            valid_from: `${year}-01-01`,
            valid_to: `${year}-12-31`,
            support_group: group,
            budget_share_percent: SHARE[group],
            budget_amount: Math.round((PREMIUM[year]! * SHARE[group]) / 100),
            granted_on: `${year}-01-${String(random.int(2, 20)).padStart(2, '0')}`,
          });
        }
      }
      // Electricity: 30 kWh a month for households on the poor list, paid once for the year.
      if (listed === 'poor') {
        electricity.push({
          ...base,
          period_from: `${year}-01-01`,
          period_to: `${year}-12-31`,
          months: 12,
          amount: 12 * 54_000,
          paid_on: `${year}-12-${String(random.int(10, 28))}`,
        });
      }
    }
    const poorOrNear = h.reviews.some((r) => r.classification === 'poor' || r.classification === 'near_poor');
    for (const m of h.members) {
      // Pupils of poor and near-poor households: tuition for the school year 2023-2024.
      if (poorOrNear && m.relation === 'child' && m.birthYear >= 2006 && m.birthYear <= 2018) {
        tuition.push({
          ...base,
          member_id: m.id,
          school_year: '2023-2024',
          kind: random.chance(0.5) ? 'tuition_exemption' : 'study_cost',
          amount: random.int(10, 30) * 100_000,
          granted_on: `2023-09-${String(random.int(10, 28))}`,
        });
      }
      // People aged 80 and over: the monthly elderly allowance.
      if (m.birthYear <= 1943) {
        const start = `${Math.max(2022, m.birthYear + 80)}-${String(random.int(1, 12)).padStart(2, '0')}-01`;
        allowances.push({ ...base, member_id: m.id, category: 'elderly', monthly_amount: 540_000, start_date: start, end_date: null });
      }
      // Working-age adults: some get voluntary social-insurance contribution support.
      if (m.birthYear >= 1965 && m.birthYear <= 2000 && m.relation !== 'child' && random.chance(0.08)) {
        const months = random.pick([3, 6, 12]);
        voluntary.push({
          ...base,
          member_id: m.id,
          paid_on: `${random.pick([2022, 2023, 2024])}-${String(random.int(1, 12)).padStart(2, '0')}-15`,
          months,
          amount: months * random.pick([66_000, 99_000]),
        });
      }
    }
    if (random.chance(0.04)) {
      const kind = random.pick(['natural_disaster', 'fire', 'other_incident'] as const);
      const year = random.pick([2022, 2023, 2024]);
      const month = String(random.int(6, 10)).padStart(2, '0');
      relief.push({
        ...base,
        event_kind: kind,
        event_date: `${year}-${month}-05`,
        relief_date: `${year}-${month}-${String(random.int(6, 20)).padStart(2, '0')}`,
        cash_amount: random.int(2, 20) * 1_000_000,
        in_kind_description: kind === 'natural_disaster' ? '50 kg rice, blankets' : null,
        in_kind_value: kind === 'natural_disaster' ? 1_500_000 : 0,
      });
    }
  }
  return { cards, voluntary, tuition, electricity, allowances, relief };
}

/** Writes the demo records. Does nothing when any card exists, so a restart keeps what users wrote. */
export async function seedDemo(db: Kysely<SocialInsuranceDatabase>): Promise<void> {
  const existing = await db.selectFrom('health_insurance_support').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const records = demoSocialRecords();
  await db.transaction().execute(async (trx) => {
    if (records.cards.length) {
      const cards = await trx.insertInto('health_insurance_support').values(records.cards).returningAll().execute();
      // The rule on the cards just written (and its version recorded: the next start rebuilds nothing).
      await writeRollups<SocialInsuranceDatabase>(trx, healthInsuranceRollupSet, healthInsuranceRollupSet.derive(cards));
    }
    if (records.voluntary.length) await trx.insertInto('voluntary_insurance_support').values(records.voluntary).execute();
    if (records.tuition.length) await trx.insertInto('tuition_support').values(records.tuition).execute();
    if (records.electricity.length) await trx.insertInto('electricity_subsidy').values(records.electricity).execute();
    if (records.allowances.length) await trx.insertInto('social_allowance').values(records.allowances).execute();
    if (records.relief.length) await trx.insertInto('emergency_relief').values(records.relief).execute();
  });
}
