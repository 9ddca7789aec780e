import { sql, type Kysely } from 'kysely';
import { COMMUNES } from '../../db/communes.js';
import { DEMO_SEED, demoPopulation, type DemoHousehold } from '../../db/demo.js';
import { Random } from '../../db/random.js';
import type { EmploymentDatabase, HouseholdClassification, JobFair, JobPlacement, PlacementChannel, TrainingEnrolment, TrainingLevel } from './db/tables.js';
import { rebuildRollups } from '../../platform/rollups.js';
import { employmentRollups } from './rollups.js';

type Planned<T> = Omit<T, 'created_at' | 'updated_at'>;

export interface EmploymentPlan {
  fairs: Array<Planned<JobFair>>;
  placements: Array<Planned<JobPlacement>>;
  enrolments: Array<Planned<TrainingEnrolment>>;
}

const PLAN_YEARS = [2023, 2024, 2025];
const EMPLOYERS = [
  'Công ty May Đức Giang',
  'Canon Việt Nam',
  'Samsung Display',
  'Hợp tác xã Rau sạch Đông Anh',
  'Công ty Cơ khí Hà Nội',
  'Vinmec',
  'Nhà hàng Sen Tây Hồ',
];
const SECTORS = ['garments', 'electronics assembly', 'agriculture', 'mechanical engineering', 'health care', 'hospitality'];
const COUNTRIES = ['Japan', 'South Korea', 'Taiwan', 'Germany'];
const COURSES: Record<TrainingLevel, string[]> = {
  under_3_months: ['mushroom growing', 'bamboo and rattan weaving', 'motorcycle repair'],
  elementary: ['industrial sewing', 'electrical installation', 'cooking'],
  intermediate: ['accounting', 'information technology', 'nursing assistance'],
  college: ['mechatronics', 'tourism and hotel management'],
};
const LEVELS: TrainingLevel[] = ['under_3_months', 'elementary', 'intermediate', 'college'];
/** Course lengths in months by level. */
const MONTHS: Record<TrainingLevel, [number, number]> = { under_3_months: [1, 2], elementary: [3, 6], intermediate: [12, 18], college: [24, 30] };
/** Completions later than this stay open, so that the plan is the same whatever today is. */
const PLAN_CUTOFF = '2025-12-31';

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The classification in force during calendar year `year`: the lists drawn by the periodic
 * review of year-1 (the same rule the mutations apply through the registry).
 */
function classificationInForce(h: DemoHousehold, year: number): HouseholdClassification | null {
  return h.reviews.find((r) => r.year === year - 1)?.classification ?? null;
}

/**
 * The demo records, deterministic from the demo population: about 30 job fairs, 150 placements
 * and 150 training enrolments over 2023-2025. Budget-funded support and loan-created jobs go
 * only to workers whose household was poor or near-poor in the year's lists (the groups those
 * channels serve); job fairs and the employment service centres serve anyone.
 */
export function demoEmploymentPlan(population: readonly DemoHousehold[] = demoPopulation()): EmploymentPlan {
  const random = new Random(DEMO_SEED + 4005);
  const fairs: EmploymentPlan['fairs'] = [];
  for (let id = 1; id <= 30; id++) {
    const year = random.pick(PLAN_YEARS);
    const participants = random.int(100, 800);
    const hires = Math.floor(participants * (0.1 + random.next() * 0.3));
    fairs.push({
      id,
      commune_code: random.pick(COMMUNES).code,
      held_on: isoDate(year, random.int(1, 10), random.int(1, 28)),
      name: `Phiên giao dịch việc làm ${id}`,
      employers: random.int(5, 40),
      participants,
      hires,
      hires_abroad: Math.floor(hires * random.next() * 0.3),
    });
  }

  const placements: EmploymentPlan['placements'] = [];
  const enrolments: EmploymentPlan['enrolments'] = [];
  for (const h of population) {
    if (random.chance(0.5)) {
      const year = random.pick(PLAN_YEARS);
      const workers = h.members.filter((m) => year - m.birthYear >= 16 && year - m.birthYear <= 60);
      if (workers.length) {
        const worker = random.pick(workers);
        const classification = classificationInForce(h, year);
        const eligible = classification === 'poor' || classification === 'near_poor';
        const channels: PlacementChannel[] = eligible
          ? ['job_fair', 'employment_service_centre', 'budget_funded_support', 'loan_created_job']
          : ['job_fair', 'employment_service_centre'];
        const channel = random.pick(channels);
        const fairsOfYear = fairs.filter((f) => f.held_on.startsWith(String(year)));
        const fair = channel === 'job_fair' && fairsOfYear.length ? random.pick(fairsOfYear) : undefined;
        const overseas = random.chance(0.15);
        placements.push({
          id: placements.length + 1,
          member_id: worker.id,
          household_id: h.id,
          commune_code: h.communeCode,
          household_classification: classification,
          employer: random.pick(EMPLOYERS),
          sector: random.pick(SECTORS),
          channel,
          contract: overseas ? 'overseas' : 'domestic',
          destination_country: overseas ? random.pick(COUNTRIES) : null,
          placed_on: fair ? addDays(fair.held_on, random.int(0, 20)) : isoDate(year, random.int(1, 12), random.int(1, 28)),
          monthly_wage: (overseas ? random.int(250, 350) : random.int(50, 120)) * 100_000,
          job_fair_id: fair?.id ?? null,
        });
      }
    }
    if (random.chance(0.5)) {
      const year = random.pick(PLAN_YEARS);
      const trainees = h.members.filter((m) => year - m.birthYear >= 16 && year - m.birthYear <= 45);
      if (trainees.length) {
        const trainee = random.pick(trainees);
        const level = random.pick(LEVELS);
        const startedOn = isoDate(year, random.int(1, 12), random.int(1, 28));
        const [min, max] = MONTHS[level];
        const end = addDays(startedOn, random.int(min, max) * 30);
        const completed = end <= PLAN_CUTOFF && random.chance(0.8);
        enrolments.push({
          id: enrolments.length + 1,
          member_id: trainee.id,
          household_id: h.id,
          commune_code: h.communeCode,
          household_classification: classificationInForce(h, year),
          course: random.pick(COURSES[level]),
          level,
          started_on: startedOn,
          completed_on: completed ? end : null,
          certificate: completed && random.chance(0.85) ? `HN-${year}-${String(enrolments.length + 1).padStart(4, '0')}` : null,
        });
      }
    }
  }
  return { fairs, placements, enrolments };
}

/**
 * Writes the demo job fairs, placements and enrolments of the demo households (who exist in the
 * registry, which seeds first). Does nothing when any employment record exists already, so a
 * restart keeps what users wrote. The 2024 labour statistics come from a migration, not here.
 */
export async function seedDemo(db: Kysely<EmploymentDatabase>): Promise<void> {
  const [fair, placement, enrolment] = await Promise.all([
    db.selectFrom('job_fair').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('job_placement').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('training_enrolment').select('id').limit(1).executeTakeFirst(),
  ]);
  if (fair || placement || enrolment) return;
  const plan = demoEmploymentPlan();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('job_fair').values(plan.fairs).execute();
    await trx.insertInto('job_placement').values(plan.placements).execute();
    await trx.insertInto('training_enrolment').values(plan.enrolments).execute();
    // Explicit ids were written: move the identity sequences past them.
    for (const table of ['job_fair', 'job_placement', 'training_enrolment']) {
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT max(id) FROM ${sql.table(table)}))`.execute(trx);
    }
    // The one rule on the records just written; also records the rules' version.
    await rebuildRollups<EmploymentDatabase>(trx, employmentRollups);
  });
}
