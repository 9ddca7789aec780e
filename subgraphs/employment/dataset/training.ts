import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import type { EmploymentDatabase, HouseholdClassification, TrainingLevel } from '../db/tables.js';
import { AS_OF_DAY, dayInYear, dayOf, EMPLOYMENT_TARGETS, iso, pickWeighted, scaled, takeBiased, YEARS, type World } from './common.js';

const COURSES: Record<TrainingLevel, string[]> = {
  under_3_months: [
    'industrial sewing',
    'motorcycle repair',
    'cooking',
    'hairdressing and beauty',
    'high-tech vegetable growing',
    'livestock and veterinary basics',
    'mushroom growing',
    'electrical installation',
    'welding',
    'basic computer skills',
    'Japanese for overseas workers',
    'bamboo and rattan weaving',
  ],
  elementary: [
    'industrial electrics',
    'welding',
    'automotive repair',
    'professional cooking',
    'caregiving',
    'garment technology',
    'refrigeration repair',
    'bakery',
  ],
  intermediate: [
    'accounting',
    'industrial electronics',
    'automotive technology',
    'nursing assistance',
    'hotel management',
    'information technology',
    'mechatronics',
  ],
  college: [
    'information technology',
    'electrical engineering',
    'automotive technology',
    'tourism and hotel management',
    'pharmacy',
    'business administration',
    'mechatronics',
    'logistics',
  ],
};
const LEVELS: TrainingLevel[] = ['under_3_months', 'elementary', 'intermediate', 'college'];
const LEVEL_WEIGHTS_YOUNG = [30, 25, 22, 23];
const LEVEL_WEIGHTS_OLDER = [60, 32, 6, 2];
const COURSE_DAYS: Record<TrainingLevel, [number, number]> = {
  under_3_months: [30, 85],
  elementary: [90, 330],
  intermediate: [540, 730],
  college: [730, 1095],
};
const NEVER_COMPLETE: Record<TrainingLevel, number> = { under_3_months: 0.05, elementary: 0.08, intermediate: 0.12, college: 0.15 };
const CERTIFIED: Record<TrainingLevel, number> = { under_3_months: 0.92, elementary: 0.95, intermediate: 0.96, college: 0.96 };
const CERTIFICATE_PREFIX: Record<TrainingLevel, string> = {
  under_3_months: 'Chứng chỉ đào tạo dưới 3 tháng',
  elementary: 'Chứng chỉ sơ cấp',
  intermediate: 'Bằng tốt nghiệp trung cấp',
  college: 'Bằng tốt nghiệp cao đẳng',
};

/** Short-course starts by month. */
const SHORT_COURSE_MONTHS = [5, 4, 11, 10, 9, 9, 9, 8, 9, 10, 9, 7];

/** The vocational-training enrolments of every year, their completions and certificates. */
export async function generateEnrolments(db: Kysely<EmploymentDatabase>, world: World, log: (m: string) => void) {
  const { random, scale, memberHousehold, communeOfHousehold, communeCode, classificationIn, poolsOf, ageOf } = world;
  const e = {
    member: [] as number[],
    household: [] as number[],
    commune: [] as string[],
    cls: [] as (HouseholdClassification | null)[],
    course: [] as string[],
    level: [] as TrainingLevel[],
    started: [] as string[],
    completed: [] as (string | null)[],
    certificate: [] as (string | null)[],
  };
  let serial = 0;
  for (const year of YEARS) {
    const target = scaled(EMPLOYMENT_TARGETS[year]!.enrolments, scale);
    const pools = poolsOf(year);
    const accept = (m: number) => {
      const age = ageOf(m, year);
      return age <= 30 ? 1 : age <= 45 ? 0.7 : 0.35;
    };
    const n0 = Math.min(pools[0].length, Math.round(pools[0].length * 0.4), target);
    const n1 = Math.min(pools[1].length, Math.round(pools[1].length * 0.3), target - n0);
    const trainees = [
      ...takeBiased(random, pools[0], n0, accept),
      ...takeBiased(random, pools[1], n1, accept),
      ...takeBiased(random, pools[2], target - n0 - n1, accept),
    ];
    for (const m of trainees) {
      const household = memberHousehold[m - 1]!;
      const age = ageOf(m, year);
      const level = LEVELS[pickWeighted(random, age <= 24 ? LEVEL_WEIGHTS_YOUNG : LEVEL_WEIGHTS_OLDER)]!;
      let start: number;
      if ((level === 'intermediate' || level === 'college') && random.chance(0.8)) {
        start = dayOf(year, random.int(9, 10), random.int(1, 30));
      } else {
        start = dayInYear(random, year, SHORT_COURSE_MONTHS);
      }
      const [min, max] = COURSE_DAYS[level];
      const end = start + random.int(min, max);
      const completes = end <= AS_OF_DAY && !random.chance(NEVER_COMPLETE[level]);
      const certified = completes && random.chance(CERTIFIED[level]);
      e.member.push(m);
      e.household.push(household);
      e.commune.push(communeCode[communeOfHousehold(household)]!);
      e.cls.push(classificationIn(household, year));
      e.course.push(random.pick(COURSES[level]));
      e.level.push(level);
      e.started.push(iso(start));
      e.completed.push(completes ? iso(end) : null);
      e.certificate.push(certified ? `${CERTIFICATE_PREFIX[level]} số ${iso(end).slice(0, 4)}/HN-${String(++serial).padStart(7, '0')}` : null);
    }
  }
  await bulkInsert(
    db,
    'training_enrolment',
    [
      { name: 'member_id', type: 'int8' },
      { name: 'household_id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'household_classification', type: 'text' },
      { name: 'course', type: 'text' },
      { name: 'level', type: 'text' },
      { name: 'started_on', type: 'date' },
      { name: 'completed_on', type: 'date' },
      { name: 'certificate', type: 'text' },
    ],
    [e.member, e.household, e.commune, e.cls, e.course, e.level, e.started, e.completed, e.certificate],
    { emptied: true },
  );
  log(`employment: ${e.member.length} training enrolments`);
  return e;
}
