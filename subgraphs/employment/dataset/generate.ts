import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { apportion, plantedCount, INCOME_LINES_2022_2025, LISTED_INCOME_FLOOR_SHARE, NEAR_POOR, POOR, type CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import type { EmploymentDatabase, HouseholdClassification, PlacementChannel, TrainingLevel } from '../db/tables.js';
import { writeRollups } from '../../../platform/rollups.js';
import { employmentRollups } from '../rollups.js';

/**
 * The employment subgraph's share of the city data set: job fairs, job placements and
 * vocational-training enrolments for 2022-2024, every record pointing at a plan household and
 * one of its members, with the plan household's commune. The 2024 labour statistics are
 * reported figures seeded by a migration; they are kept as they are (this generator does not
 * touch `labour_statistics`).
 *
 * Targets by calendar year (each rounded by plan.scale; 2024 is the published year, 2022 and
 * 2023 are plausible in-betweens so that trends are not empty):
 *
 *   year  distinct workers placed  budget-funded placements  fair hires (abroad)   enrolments
 *   2022  183,000                  41,200                    14,800 (3,100)        205,000
 *   2023  201,500                  47,900                    17,400 (4,300)        226,000
 *   2024  226,150 (> 225,800)      53,826 (exact)            19,264 (4,960)        250,000 (exact)
 *
 * Distributions:
 * - Who: workers and trainees are plan members aged 16-60 in the record's year (16-17 and
 *   over-45s drawn less often). People of households on the poor / near-poor lists in force
 *   (the review of year Y-1 for a record of year Y) are drawn first: about 12% of them are
 *   placed in a year (job placement is one of the programme's main levers; the city's reports
 *   speak of some tens of thousands a year among about 35,000-60,000 working-age people on the
 *   lists) and 40% enrol; then members of the rest of the reviewed population (households that
 *   escaped poverty, middle-income farming households): about 15% placed, 30% enrolled; the
 *   rest come from the whole programme population.
 * - Wages agree with the reviews: a household still poor or near-poor at the review of the
 *   placement's year has at most one member placed that year, never abroad, at a wage no higher
 *   than twice the lowest income the review can record for the whole household (0.55 of the
 *   income line per person, plan.ts), and only when that allows at least 4 million a month; a
 *   household whose member gets a full wage leaves the lists at the next review. Each record's classification is the band of
 *   its household in the plan for Y-1 (null when the household was not reviewed then), exactly
 *   what the mutations would read from the registry.
 * - Budget-funded support: exactly the year's target, given first to 75% of placed list members,
 *   then to half of the placed members of the rest of the reviewed population, then to other
 *   workers. The mutation does not restrict the channel, and the published 53,826 placements
 *   exceed the 33,245 working-age people in households on the 2024 lists, so the channel
 *   serves the poor and near-poor first but is not limited to them (see the report).
 * - Job fairs: every commune holds 1-3 fairs a year (wards) or 2-4 (rural communes), February
 *   to December (at a scale below 1, a random subset of that many fairs in proportion; above
 *   1, more rounds); a quarter are overseas-recruitment fairs. The year's hires are apportioned
 *   over fairs by weights 0.4-2.0 (so no fair dominates, about 60 hires each), participants are
 *   2.5-6 times the hires, employers 8-60 (5-20 recruiting agencies at overseas fairs). Hires
 *   abroad are apportioned by hires x share (60-90% at overseas fairs, 5-25% elsewhere), never
 *   above a fair's hires. 60-85% of each fair's hires are also recorded one by one as JOB_FAIR
 *   placements of workers living in the fair's commune, placed 0-30 days after the fair (same
 *   year), the same share of its hires abroad as overseas placements.
 * - Other channels: of the remaining workers, loan-created jobs 35% in the reviewed population
 *   and 20% elsewhere; the rest through the employment service centres. 3% of workers are
 *   placed a second time in the year (service centre or loan), a worker counts once.
 * - Overseas contracts (only workers aged 18-40): the fairs' recorded hires abroad, 4% of
 *   budget-funded, 2% of service-centre and 1.5% of loan-created placements. Destinations:
 *   Japan 48%, Taiwan 24%, South Korea 18%, Germany 4%, Hungary, Romania, Australia 2% each,
 *   with wages by country (Taiwan 18-26M, Japan 26-36M, Korea 34-46M, Germany 45-60M VND a month).
 * - Domestic wages 4-12M VND a month (median about 7M, by sector; loan-created household
 *   businesses 4-9M), rounded to 100,000. Placement dates by month with the Tết dip in February
 *   and peaks in March and October-November.
 * - Training: levels by age (16-24: under 3 months 30%, elementary 25%, intermediate 22%,
 *   college 23%; older: 60/32/6/2); short courses start any month, intermediate and college
 *   courses mostly in September-October. Lengths: under 3 months 30-85 days, elementary 90-330
 *   days, intermediate 540-730, college 730-1,095. 5-15% never complete (by level); a
 *   completion later than 30 September 2025 (the data set's as-of date, so the data are the
 *   same whatever today is) is left open. 92-96% of completions carry a certificate.
 */

/** The data set's as-of date: no completion after it. */
const AS_OF = '2025-09-30';
const YEARS = [2022, 2023, 2024] as const;

interface YearTargets {
  workers: number;
  budgetFunded: number;
  fairHires: number;
  fairHiresAbroad: number;
  enrolments: number;
}

export const EMPLOYMENT_TARGETS: Record<number, YearTargets> = {
  2022: { workers: 183_000, budgetFunded: 41_200, fairHires: 14_800, fairHiresAbroad: 3_100, enrolments: 205_000 },
  2023: { workers: 201_500, budgetFunded: 47_900, fairHires: 17_400, fairHiresAbroad: 4_300, enrolments: 226_000 },
  // Published 2024: more than 225,800 workers; 53,826 with budget funds; more than 19,000 fair
  // hires, almost 5,000 of them abroad; 250,000 enrolments.
  2024: { workers: 226_150, budgetFunded: 53_826, fairHires: 19_264, fairHiresAbroad: 4_960, enrolments: 250_000 },
};

const DOMESTIC_SECTORS: Array<{ sector: string; weight: number; wage: number; employers: string[] }> = [
  {
    sector: 'garments',
    weight: 14,
    wage: 0.95,
    employers: ['Công ty May Thăng Long Xanh', 'Công ty CP May Hồng Hà', 'Xí nghiệp May Sóc Sơn', 'Công ty TNHH May mặc Phú Xuyên'],
  },
  {
    sector: 'electronics assembly',
    weight: 12,
    wage: 1.1,
    employers: ['Công ty TNHH Điện tử Thăng Long', 'Công ty Linh kiện Điện tử Quang Minh', 'Công ty TNHH Lắp ráp Bắc Thăng Long'],
  },
  {
    sector: 'mechanical engineering',
    weight: 8,
    wage: 1.1,
    employers: ['Công ty Cơ khí Đông Anh', 'Công ty CP Cơ khí Chính xác Phú Nghĩa', 'Xưởng Cơ khí Thạch Thất'],
  },
  {
    sector: 'construction',
    weight: 10,
    wage: 1.05,
    employers: ['Công ty CP Xây dựng Sông Đà Hà Nội', 'Công ty TNHH Xây lắp Hoài Đức', 'Công ty Xây dựng Thủ đô'],
  },
  {
    sector: 'food processing',
    weight: 7,
    wage: 0.95,
    employers: ['Công ty CP Thực phẩm Hà Nội Xanh', 'Công ty Chế biến Nông sản Mê Linh', 'Nhà máy Bánh kẹo Thanh Trì'],
  },
  {
    sector: 'retail and services',
    weight: 12,
    wage: 0.9,
    employers: ['Chuỗi siêu thị Thủ Đô Mart', 'Công ty Dịch vụ Thương mại Long Biên', 'Hệ thống cửa hàng Hà Thành'],
  },
  { sector: 'hospitality and catering', weight: 7, wage: 0.9, employers: ['Khách sạn Hồ Tây Garden', 'Nhà hàng Sen Việt', 'Công ty Dịch vụ Ăn uống Ba Vì'] },
  {
    sector: 'logistics and delivery',
    weight: 9,
    wage: 1.05,
    employers: ['Công ty Giao nhận Nhanh Hà Nội', 'Công ty CP Kho vận Ngọc Hồi', 'Công ty Vận tải Gia Lâm'],
  },
  {
    sector: 'handicrafts',
    weight: 6,
    wage: 0.85,
    employers: ['Hợp tác xã Mây tre đan Phú Vinh', 'Công ty Gốm sứ Bát Tràng Việt', 'Hợp tác xã Sơn mài Hạ Thái'],
  },
  {
    sector: 'agriculture',
    weight: 5,
    wage: 0.8,
    employers: ['Hợp tác xã Rau an toàn Văn Đức', 'Hợp tác xã Nông nghiệp Công nghệ cao Mê Linh', 'Trang trại Bò sữa Ba Vì'],
  },
  { sector: 'footwear', weight: 4, wage: 0.95, employers: ['Công ty Giày da Phú Hà', 'Công ty TNHH Da giày Thanh Oai'] },
  { sector: 'security services', weight: 3, wage: 0.95, employers: ['Công ty Dịch vụ Bảo vệ Thăng Long', 'Công ty Bảo vệ Hà Thành'] },
  { sector: 'information technology', weight: 3, wage: 1.3, employers: ['Công ty Phần mềm Hòa Lạc', 'Công ty Công nghệ Cầu Giấy'] },
];

/** Businesses that a job-creation loan starts or enlarges (named with the commune). */
const LOAN_BUSINESSES: Array<{ sector: string; weight: number; kind: string }> = [
  { sector: 'livestock', weight: 18, kind: 'Trang trại chăn nuôi' },
  { sector: 'agriculture', weight: 18, kind: 'Mô hình trồng rau, cây ăn quả' },
  { sector: 'handicrafts', weight: 14, kind: 'Cơ sở mây tre đan, thủ công mỹ nghệ' },
  { sector: 'retail and services', weight: 20, kind: 'Hộ kinh doanh dịch vụ, tạp hóa' },
  { sector: 'food processing', weight: 12, kind: 'Cơ sở chế biến thực phẩm' },
  { sector: 'garments', weight: 10, kind: 'Xưởng may gia công' },
  { sector: 'motorbike repair', weight: 8, kind: 'Cơ sở sửa chữa xe máy' },
];

const DESTINATIONS: Array<{ country: string; weight: number; wage: [number, number]; sectors: string[]; employers: string[] }> = [
  {
    country: 'Japan',
    weight: 48,
    wage: [26, 36],
    sectors: ['food processing', 'construction', 'mechanical engineering', 'agriculture', 'care work'],
    employers: ['Kobayashi Foods Co., Ltd.', 'Sanwa Kensetsu K.K.', 'Aichi Seimitsu Kogyo', 'Hokkaido Farm Cooperative', 'Sakura Kaigo Center'],
  },
  {
    country: 'Taiwan',
    weight: 24,
    wage: [18, 26],
    sectors: ['electronics assembly', 'manufacturing', 'care work'],
    employers: ['Chin Hsin Electronics Co.', 'Taoyuan Precision Manufacturing', 'Taichung Home Care Services'],
  },
  {
    country: 'South Korea',
    weight: 18,
    wage: [34, 46],
    sectors: ['manufacturing', 'agriculture', 'fishing'],
    employers: ['Daesung Industrial Co.', 'Gyeonggi Agricultural Cooperative', 'Hanil Fisheries Co.'],
  },
  {
    country: 'Germany',
    weight: 4,
    wage: [45, 60],
    sectors: ['care work', 'hospitality and catering'],
    employers: ['Pflegedienst Sonnenhof GmbH', 'Hotel am See GmbH'],
  },
  { country: 'Hungary', weight: 2, wage: [17, 23], sectors: ['manufacturing'], employers: ['Debrecen Autóalkatrész Kft.'] },
  { country: 'Romania', weight: 2, wage: [15, 21], sectors: ['construction'], employers: ['Constructii Cluj SRL'] },
  { country: 'Australia', weight: 2, wage: [50, 70], sectors: ['agriculture'], employers: ['Riverina Farms Pty Ltd'] },
];

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

/** Placements by month: the Tết dip in February, peaks in March and October-November. */
const PLACEMENT_MONTHS = [6, 4, 11, 9, 9, 8, 8, 8, 9, 10, 10, 8];
/** Fairs by month (none in January, before Tết). */
const FAIR_MONTHS = [0, 6, 14, 12, 10, 8, 7, 8, 11, 10, 8, 6];
/** Short-course starts by month. */
const SHORT_COURSE_MONTHS = [5, 4, 11, 10, 9, 9, 9, 8, 9, 10, 9, 7];

const CLASSIFICATION: Record<number, HouseholdClassification> = { 0: 'above_middle_income', 1: 'middle_income', 2: 'near_poor', 3: 'poor' };

// Dates as day numbers (days since 1970-01-01), written as ISO text from a cache.
const DAY_MS = 86_400_000;
const dayOf = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY_MS;
const isoCache = new Map<number, string>();
function iso(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) isoCache.set(day, (s = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  return s;
}
const AS_OF_DAY = Date.parse(`${AS_OF}T00:00:00Z`) / DAY_MS;

function scaled(n: number, scale: number): number {
  return Math.round(n * scale);
}

function pickWeighted(random: Random, weights: readonly number[], total = weights.reduce((a, b) => a + b, 0)): number {
  let r = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** A day in `year`, its month drawn by `monthWeights`. */
function dayInYear(random: Random, year: number, monthWeights: readonly number[]): number {
  const month = pickWeighted(random, monthWeights) + 1;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return dayOf(year, month, random.int(1, days));
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/**
 * `n` items of an already shuffled list, each accepted with its probability `accept(item)` in a
 * first pass, then (if the list ran short) any not yet taken, in order.
 */
function takeBiased(random: Random, list: readonly number[], n: number, accept: (item: number) => number): number[] {
  const taken: number[] = [];
  const skipped: number[] = [];
  for (const item of list) {
    if (taken.length >= n) break;
    if (random.chance(accept(item))) taken.push(item);
    else skipped.push(item);
  }
  for (const item of skipped) {
    if (taken.length >= n) break;
    taken.push(item);
  }
  if (taken.length < n) throw new Error(`employment generator: wanted ${n} people, only ${taken.length} available`);
  return taken;
}

/** Whole-number parts of `total` by weights, none above its cap (the overflow goes to the others). */
function apportionCapped(total: number, weights: number[], caps: readonly number[]): number[] {
  const capTotal = caps.reduce((a, b) => a + b, 0);
  if (total > capTotal) throw new Error(`employment generator: ${total} exceeds the caps (${capTotal})`);
  const parts = weights.map(() => 0);
  let rest = total;
  let open = weights.map((_, i) => i);
  while (rest > 0) {
    const share = apportion(
      rest,
      open.map((i) => weights[i]!),
    );
    rest = 0;
    open.forEach((i, k) => {
      const add = Math.min(share[k]!, caps[i]! - parts[i]!);
      parts[i]! += add;
      rest += share[k]! - add;
    });
    open = open.filter((i) => parts[i]! < caps[i]!);
    if (rest > 0 && open.every((i) => weights[i] === 0)) open.forEach((i) => (weights[i] = 1));
  }
  return parts;
}

/** People categories for drawing: 0 on the lists in force, 1 rest of the reviewed population, 2 everyone else. */
type Category = 0 | 1 | 2;

export async function generateCity(db: Kysely<EmploymentDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + 4005);
  const scale = plan.scale;

  await sql`TRUNCATE job_placement, training_enrolment, job_fair RESTART IDENTITY`.execute(db);
  // The secondary indexes of the two big tables are dropped for the load and rebuilt from their
  // own definitions afterwards (several times faster than maintaining them row by row); the
  // transaction the generator runs in keeps this invisible to anyone else.
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename IN ('job_placement', 'training_enrolment')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)
    ORDER BY i.indexname`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);

  // Household of every member (index member id - 1).
  const memberHousehold = new Int32Array(plan.memberTotal);
  for (let h = 0; h < plan.householdCount; h++) {
    const start = plan.memberStart[h]! - 1;
    for (let k = 0; k < plan.memberCount[h]!; k++) memberHousehold[start + k] = h + 1;
  }
  const communeOfHousehold = (h: number) => plan.householdCommune[h - 1]!;
  const communeCode = plan.communes.map((c) => c.code);

  /** Classification in force in `year` (review of year-1); null when not reviewed then. */
  const classificationIn = (household: number, year: number): HouseholdClassification | null => {
    if (household > plan.povertyPopulation) return null;
    const band = plan.bands[year - 1]?.[household - 1];
    return band === undefined || band === 255 ? null : CLASSIFICATION[band]!;
  };
  const categoryIn = (household: number, year: number): Category => {
    if (household > plan.povertyPopulation) return 2;
    const band = plan.bands[year - 1]?.[household - 1];
    return band === POOR || band === NEAR_POOR ? 0 : 1;
  };

  /**
   * For a household on the poor or near-poor list drawn by the review of `year`: the most its
   * placed members may earn a month without contradicting that review (see above); else null.
   */
  const wageAllowance = (household: number, year: number): number | null => {
    if (household > plan.povertyPopulation) return null;
    const band = plan.bands[year]?.[household - 1];
    if (band !== POOR && band !== NEAR_POOR) return null;
    const line = plan.communes[communeOfHousehold(household)]!.kind === 'ward' ? INCOME_LINES_2022_2025.urban : INCOME_LINES_2022_2025.rural;
    return Math.floor((2 * LISTED_INCOME_FLOOR_SHARE * line * plan.memberCount[household - 1]!) / 100_000) * 100_000;
  };
  const MIN_FULL_WAGE = 4_000_000;

  /** Members aged 16-60 in `year`, by category, each list shuffled (one member at most of a household listed at the year's review). */
  const poolsOf = (year: number): [number[], number[], number[]] => {
    const pools: [number[], number[], number[]] = [[], [], []];
    let lastListed = 0;
    for (let m = 1; m <= plan.memberTotal; m++) {
      const age = year - plan.memberBirthYear[m - 1]!;
      if (age < 16 || age > 60) continue;
      const household = memberHousehold[m - 1]!;
      const allowance = wageAllowance(household, year);
      if (allowance !== null) {
        if (household === lastListed || allowance < MIN_FULL_WAGE) continue;
        lastListed = household;
      }
      pools[categoryIn(household, year)].push(m);
    }
    for (const p of pools) shuffle(random, p);
    return pools;
  };
  const ageOf = (member: number, year: number) => year - plan.memberBirthYear[member - 1]!;

  // ---- Job fairs ------------------------------------------------------------------------
  const fair = {
    id: [] as number[],
    commune: [] as string[],
    communeIndex: [] as number[],
    day: [] as number[],
    year: [] as number[],
    name: [] as (string | null)[],
    employers: [] as number[],
    participants: [] as number[],
    hires: [] as number[],
    abroad: [] as number[],
    overseasFair: [] as boolean[],
  };
  for (const year of YEARS) {
    const t = EMPLOYMENT_TARGETS[year]!;
    // Fairs per commune, then as many as the scale says (a random subset, or more rounds).
    const slots: number[] = [];
    for (let round = 0; round < Math.ceil(scale); round++) {
      for (const c of plan.communes) {
        const count = c.kind === 'ward' ? random.int(1, 3) : random.int(2, 4);
        for (let k = 0; k < count; k++) slots.push(c.index);
      }
    }
    const fairCount = Math.max(1, Math.round((slots.length / Math.ceil(scale)) * scale));
    const drafts: Array<{ commune: number; day: number; overseas: boolean; weight: number; share: number }> = [];
    for (const commune of shuffle(random, slots).slice(0, fairCount)) {
      {
        const overseas = random.chance(0.25);
        drafts.push({
          commune,
          day: dayInYear(random, year, FAIR_MONTHS),
          overseas,
          weight: 0.4 + random.next() * 1.6,
          share: overseas ? 0.6 + random.next() * 0.3 : 0.05 + random.next() * 0.2,
        });
      }
    }
    drafts.sort((a, b) => a.day - b.day || a.commune - b.commune);
    const hires = apportion(
      scaled(t.fairHires, scale),
      drafts.map((d) => d.weight),
    );
    const abroad = apportionCapped(
      scaled(t.fairHiresAbroad, scale),
      drafts.map((d, i) => hires[i]! * d.share),
      hires,
    );
    drafts.forEach((d, i) => {
      const c = plan.communes[d.commune]!;
      const month = Number(iso(d.day).slice(5, 7));
      fair.id.push(fair.id.length + 1);
      fair.commune.push(c.code);
      fair.communeIndex.push(d.commune);
      fair.day.push(d.day);
      fair.year.push(year);
      fair.name.push(
        random.chance(0.1)
          ? null
          : d.overseas
            ? `Ngày hội tư vấn, tuyển chọn lao động đi làm việc ở nước ngoài ${c.name} ${month}/${year}`
            : `Phiên giao dịch việc làm ${c.name} tháng ${month}/${year}`,
      );
      fair.employers.push(d.overseas ? random.int(5, 20) : random.int(8, 60));
      fair.participants.push(Math.max(hires[i]!, Math.round(hires[i]! * (2.5 + random.next() * 3.5))));
      fair.hires.push(hires[i]!);
      fair.abroad.push(abroad[i]!);
      fair.overseasFair.push(d.overseas);
    });
  }
  await bulkInsert(
    db,
    'job_fair',
    [
      { name: 'id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'held_on', type: 'date' },
      { name: 'name', type: 'text' },
      { name: 'employers', type: 'int4' },
      { name: 'participants', type: 'int4' },
      { name: 'hires', type: 'int4' },
      { name: 'hires_abroad', type: 'int4' },
    ],
    [fair.id, fair.commune, fair.day.map(iso), fair.name, fair.employers, fair.participants, fair.hires, fair.abroad],
    { emptied: true },
  );
  log(`employment: ${fair.id.length} job fairs`);

  // ---- Placements -----------------------------------------------------------------------
  const p = {
    member: [] as number[],
    household: [] as number[],
    commune: [] as string[],
    cls: [] as (HouseholdClassification | null)[],
    employer: [] as string[],
    sector: [] as string[],
    channel: [] as PlacementChannel[],
    contract: [] as string[],
    destination: [] as (string | null)[],
    day: [] as number[],
    wage: [] as number[],
    fair: [] as (number | null)[],
  };
  const domesticWeights = DOMESTIC_SECTORS.map((s) => s.weight);
  const loanWeights = LOAN_BUSINESSES.map((s) => s.weight);
  const destinationWeights = DESTINATIONS.map((d) => d.weight);
  const round100k = (n: number) => Math.round(n / 100_000) * 100_000;
  const addPlacement = (member: number, year: number, channel: PlacementChannel, overseas: boolean, day: number, fairId: number | null) => {
    const household = memberHousehold[member - 1]!;
    const commune = communeOfHousehold(household);
    const allowance = wageAllowance(household, year);
    if (allowance !== null) overseas = false;
    let employer: string,
      sector: string,
      wage: number,
      destination: string | null = null;
    if (overseas) {
      const d = DESTINATIONS[pickWeighted(random, destinationWeights)]!;
      destination = d.country;
      sector = random.pick(d.sectors);
      employer = random.pick(d.employers);
      wage = round100k((d.wage[0] + random.next() * (d.wage[1] - d.wage[0])) * 1_000_000);
    } else if (channel === 'loan_created_job') {
      const b = LOAN_BUSINESSES[pickWeighted(random, loanWeights)]!;
      sector = b.sector;
      employer = `${b.kind} ${plan.communes[commune]!.name}`;
      wage = round100k(4_000_000 + 5_000_000 * Math.pow((random.next() + random.next()) / 2, 1.3));
    } else {
      const s = DOMESTIC_SECTORS[pickWeighted(random, domesticWeights)]!;
      sector = s.sector;
      employer = random.pick(s.employers);
      const base = 4_000_000 + 8_000_000 * Math.pow((random.next() + random.next()) / 2, 1.4);
      wage = round100k(Math.min(12_000_000, Math.max(4_000_000, base * s.wage)));
    }
    if (allowance !== null) wage = Math.min(wage, allowance);
    p.member.push(member);
    p.household.push(household);
    p.commune.push(communeCode[commune]!);
    p.cls.push(classificationIn(household, year));
    p.employer.push(employer);
    p.sector.push(sector);
    p.channel.push(channel);
    p.contract.push(overseas ? 'overseas' : 'domestic');
    p.destination.push(destination);
    p.day.push(day);
    p.wage.push(wage);
    p.fair.push(fairId);
  };

  for (const year of YEARS) {
    const t = EMPLOYMENT_TARGETS[year]!;
    const workersTarget = scaled(t.workers, scale);
    const budgetTarget = scaled(t.budgetFunded, scale);
    const pools = poolsOf(year);
    const workAccept = (m: number) => {
      const age = ageOf(m, year);
      return age < 18 ? 0.3 : age > 50 ? 0.6 : 1;
    };
    const n0 = Math.min(pools[0].length, Math.round(pools[0].length * 0.12));
    const n1 = Math.min(pools[1].length, Math.round(pools[1].length * 0.15), workersTarget - n0);
    const byCategory: [number[], number[], number[]] = [
      takeBiased(random, pools[0], n0, workAccept),
      takeBiased(random, pools[1], n1, workAccept),
      takeBiased(random, pools[2], workersTarget - n0 - n1, workAccept),
    ];
    // Budget-funded support: list members first, then the reviewed population, then anyone.
    const b0 = Math.min(budgetTarget, Math.round(byCategory[0].length * 0.75));
    const b1 = Math.min(budgetTarget - b0, Math.round(byCategory[1].length * 0.5));
    const b2 = budgetTarget - b0 - b1;
    if (b2 > byCategory[2].length) throw new Error(`employment generator: too few workers for ${budgetTarget} budget-funded placements`);
    const budget = [...byCategory[0].slice(0, b0), ...byCategory[1].slice(0, b1), ...byCategory[2].slice(0, b2)];
    const others = shuffle(random, [...byCategory[0].slice(b0), ...byCategory[1].slice(b1), ...byCategory[2].slice(b2)]);
    const firstDay = new Map<number, number>();
    const yearEnd = dayOf(year, 12, 31);

    for (const m of budget) {
      const age = ageOf(m, year);
      const day = dayInYear(random, year, PLACEMENT_MONTHS);
      firstDay.set(m, day);
      addPlacement(m, year, 'budget_funded_support', age >= 18 && age <= 40 && random.chance(0.04), day, null);
    }

    // Job-fair hires recorded one by one: workers living in the fair's commune.
    const young: number[][] = plan.communes.map(() => []);
    const older: number[][] = plan.communes.map(() => []);
    for (const m of others) {
      const age = ageOf(m, year);
      (age >= 18 && age <= 40 ? young : older)[communeOfHousehold(memberHousehold[m - 1]!)]!.push(m);
    }
    const assigned = new Set<number>();
    for (let f = 0; f < fair.id.length; f++) {
      if (fair.year[f] !== year) continue;
      const c = fair.communeIndex[f]!;
      const share = 0.6 + random.next() * 0.25;
      const recorded = Math.round(fair.hires[f]! * share);
      const recordedAbroad = Math.min(recorded, Math.round(fair.abroad[f]! * share));
      for (let k = 0; k < recorded; k++) {
        const abroad = k < recordedAbroad;
        const preferYoung = abroad || random.chance(0.6);
        const first = preferYoung ? young[c]! : older[c]!;
        const m = first.length ? first.pop() : (preferYoung ? older[c]! : young[c]!).pop();
        if (m === undefined) break; // the commune has no worker left: the fair's other hires stay unrecorded
        assigned.add(m);
        const day = Math.min(yearEnd, fair.day[f]! + random.int(0, 30));
        firstDay.set(m, day);
        addPlacement(m, year, 'job_fair', abroad && ageOf(m, year) >= 18 && ageOf(m, year) <= 40, day, fair.id[f]!);
      }
    }

    // Everyone else: a loan-created job or the employment service centres.
    for (const m of others) {
      if (assigned.has(m)) continue;
      const reviewed = memberHousehold[m - 1]! <= plan.povertyPopulation;
      const channel: PlacementChannel = random.chance(reviewed ? 0.35 : 0.2) ? 'loan_created_job' : 'employment_service_centre';
      const age = ageOf(m, year);
      const overseas = age >= 18 && age <= 40 && random.chance(channel === 'loan_created_job' ? 0.015 : 0.02);
      const day = dayInYear(random, year, PLACEMENT_MONTHS);
      firstDay.set(m, day);
      addPlacement(m, year, channel, overseas, day, null);
    }

    // 3% placed a second time later in the year (domestic, service centre or loan).
    const all = [...budget, ...others];
    const again = shuffle(
      random,
      all.filter((m) => firstDay.get(m)! < yearEnd - 30 && wageAllowance(memberHousehold[m - 1]!, year) === null),
    ).slice(0, Math.round(all.length * 0.03));
    for (const m of again) {
      const from = firstDay.get(m)! + 30;
      const day = from + Math.floor(random.next() * (yearEnd - from + 1));
      addPlacement(m, year, random.chance(0.7) ? 'employment_service_centre' : 'loan_created_job', false, day, null);
    }
  }
  // Planted on purpose (docs/data.md): a few members of households of one or two people on the
  // 2024 lists placed in 2024 at a wage more than twice the most their review could record for
  // the whole household (so the review's income is far below the recorded wages).
  const planted: number[] = [];
  for (let h = 1; h < plan.middleIncomeStart && planted.length < plantedCount('wagesAboveReviewedIncome', scale); h += 5) {
    const band = plan.bands[2024]?.[h - 1];
    if ((band !== POOR && band !== NEAR_POOR) || plan.memberCount[h - 1]! > 2) continue;
    const member = plan.memberStart[h - 1]!;
    if (ageOf(member, 2024) < 18 || ageOf(member, 2024) > 55) continue;
    const line = plan.communes[communeOfHousehold(h)]!.kind === 'ward' ? INCOME_LINES_2022_2025.urban : INCOME_LINES_2022_2025.rural;
    const before = p.wage.length;
    addPlacement(member, 2024, 'employment_service_centre', false, dayOf(2024, 6, 3 + planted.length), null);
    p.wage[before] = 2 * line * plan.memberCount[h - 1]! + 2_500_000;
    planted.push(h);
  }
  log(`employment: planted "wages far above the reviewed income" (2024) on households ${planted.join(', ')}`);
  const placedOn = p.day.map(iso);
  await bulkInsert(
    db,
    'job_placement',
    [
      { name: 'member_id', type: 'int8' },
      { name: 'household_id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'household_classification', type: 'text' },
      { name: 'employer', type: 'text' },
      { name: 'sector', type: 'text' },
      { name: 'channel', type: 'text' },
      { name: 'contract', type: 'text' },
      { name: 'destination_country', type: 'text' },
      { name: 'placed_on', type: 'date' },
      { name: 'monthly_wage', type: 'int8' },
      { name: 'job_fair_id', type: 'int8' },
    ],
    [p.member, p.household, p.commune, p.cls, p.employer, p.sector, p.channel, p.contract, p.destination, placedOn, p.wage, p.fair],
    { emptied: true },
  );
  log(`employment: ${p.member.length} job placements`);

  // ---- Training -------------------------------------------------------------------------
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

  for (const index of indexes) await sql.raw(index.definition).execute(db);
  log(`employment: ${indexes.length} indexes rebuilt`);
  await sql`SELECT setval(pg_get_serial_sequence('job_fair', 'id'), greatest(1, (SELECT max(id) FROM job_fair)))`.execute(db);
  // The one rule (rollups.ts), run here on the records still in memory, in the generator's
  // worker, rather than reading them back on the database's thread (the first start's
  // bottleneck); writeRollups also records the rules' version, so the next start rebuilds nothing.
  await writeRollups(
    db,
    employmentRollups,
    employmentRollups.derive({
      placements: { member: p.member, commune: p.commune, channel: p.channel, contract: p.contract, classification: p.cls, placedOn },
      enrolments: { commune: e.commune, level: e.level, classification: e.cls, startedOn: e.started, completedOn: e.completed },
    }),
  );
  log('employment: rollups of placements and training derived');
  for (const table of ['job_fair', 'job_placement', 'training_enrolment', 'employment_placement_rollup', 'employment_training_rollup']) {
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
}
