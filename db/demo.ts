import { COMMUNES } from './communes.js';
import { Random } from './random.js';

/**
 * The small demo population that `npm start` loads: a few hundred households across the
 * communes, with poverty reviews for 2022, 2023 and 2024. Every subgraph's demo seed reads the
 * same plan, so household ids and communes agree across subgraphs without any subgraph reading
 * another's tables. (The calibrated city-scale data set is a separate generator.)
 */
export interface DemoMember {
  id: number;
  fullName: string;
  birthYear: number;
  sex: 'female' | 'male';
  relation: 'head' | 'spouse' | 'child' | 'parent';
  nationalId: string;
}

export interface DemoReview {
  year: number;
  /**
   * What the 2022-2025 standard makes of this review (the plan picks income and deprivations
   * inside the band). Programme seeds use it to pick eligible households; the registry scores
   * the review itself when seeding, and a test holds the two equal.
   */
  classification: 'poor' | 'near_poor' | 'middle_income' | 'above_middle_income';
  reviewDate: string;
  incomePerPersonMonthly: number;
  deprivations: string[];
}

export interface DemoHousehold {
  id: number;
  communeCode: string;
  address: string;
  members: DemoMember[];
  reviews: DemoReview[];
}

export interface DemoCommune {
  code: string;
  kind: 'ward' | 'rural';
}

export const DEMO_SEED = 20251;
export const DEMO_YEARS = [2022, 2023, 2024] as const;

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Minh'];
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quang'];
const GIVEN_F = ['Lan', 'Hoa', 'Mai', 'Hương', 'Thảo', 'Hằng', 'Linh', 'Yến'];
const GIVEN_M = ['Hùng', 'Dũng', 'Tuấn', 'Nam', 'Long', 'Sơn', 'Hải', 'Quân'];
const STREETS = ['Thôn Đông', 'Thôn Đoài', 'Xóm Chùa', 'Xóm Mới', 'Tổ dân phố 3', 'Tổ dân phố 7', 'Ngõ 12', 'Ngõ 45'];
const INDICATORS = [
  'employment',
  'dependants',
  'nutrition',
  'health_insurance',
  'adult_education',
  'school_attendance',
  'housing_quality',
  'floor_area',
  'water_source',
  'latrine',
  'telecommunication',
  'information_access',
];

function name(random: Random, family: string, sex: 'female' | 'male'): string {
  return sex === 'female' ? `${family} ${random.pick(MIDDLE_F)} ${random.pick(GIVEN_F)}` : `${family} ${random.pick(MIDDLE_M)} ${random.pick(GIVEN_M)}`;
}

/** Income and deprivations that put a household in a given band under the 2022-2025 lines. */
function reviewFor(random: Random, kind: 'ward' | 'rural', band: 'poor' | 'near_poor' | 'middle' | 'above', year: number): DemoReview {
  const line = kind === 'ward' ? 2_000_000 : 1_500_000;
  const middle = kind === 'ward' ? 3_000_000 : 2_250_000;
  const shuffled = [...INDICATORS].sort(() => random.next() - 0.5);
  const roundTo = (n: number) => Math.round(n / 10_000) * 10_000;
  let income: number;
  let deprived: number;
  if (band === 'poor') {
    income = roundTo(line * (0.5 + random.next() * 0.5));
    deprived = random.int(3, 5);
  } else if (band === 'near_poor') {
    income = roundTo(line * (0.6 + random.next() * 0.4));
    deprived = random.int(0, 2);
  } else if (band === 'middle') {
    income = roundTo(line + 10_000 + random.next() * (middle - line - 10_000));
    deprived = random.int(0, 3);
  } else {
    income = roundTo(middle * (1.05 + random.next()));
    deprived = random.int(0, 1);
  }
  const month = random.int(9, 11);
  const day = random.int(1, 28);
  const classification = ({ poor: 'poor', near_poor: 'near_poor', middle: 'middle_income', above: 'above_middle_income' } as const)[band];
  return {
    year,
    classification,
    reviewDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    incomePerPersonMonthly: income,
    deprivations: shuffled.slice(0, deprived).sort(),
  };
}

/**
 * Builds the plan. Poverty is concentrated in rural communes; each household follows a path
 * through 2022-2024 in which poor households mostly escape, as the city reported (no poor
 * household left after the 2024 review).
 */
export function demoPopulation(communes: readonly DemoCommune[] = COMMUNES, householdCount = 300, seed = DEMO_SEED): DemoHousehold[] {
  const random = new Random(seed);
  const rural = communes.filter((c) => c.kind === 'rural');
  const households: DemoHousehold[] = [];
  let memberId = 1;
  for (let id = 1; id <= householdCount; id++) {
    const commune = random.chance(0.8) ? random.pick(rural) : random.pick(communes);
    const family = random.pick(FAMILY);
    const headSex = random.chance(0.5) ? 'female' : 'male';
    const size = random.int(1, 6);
    const members: DemoMember[] = [];
    for (let m = 0; m < size; m++) {
      const relation = m === 0 ? 'head' : m === 1 ? 'spouse' : random.chance(0.8) ? 'child' : 'parent';
      const sex = m === 0 ? headSex : m === 1 ? (headSex === 'female' ? 'male' : 'female') : random.chance(0.5) ? 'female' : 'male';
      const birthYear = relation === 'child' ? random.int(1995, 2022) : relation === 'parent' ? random.int(1935, 1960) : random.int(1955, 1995);
      members.push({
        id: memberId,
        fullName: name(random, family, sex),
        birthYear,
        sex,
        relation,
        nationalId: `001${String(100_000_000 + memberId * 7919).slice(-9)}`,
      });
      memberId++;
    }
    // Paths over the three reviews: [2022, 2023, 2024].
    const paths: Array<Array<'poor' | 'near_poor' | 'middle' | 'above'>> = [
      ['poor', 'near_poor', 'middle'],
      ['poor', 'poor', 'near_poor'],
      ['poor', 'middle', 'middle'],
      ['near_poor', 'near_poor', 'near_poor'],
      ['near_poor', 'middle', 'above'],
      ['near_poor', 'near_poor', 'middle'],
      ['middle', 'near_poor', 'near_poor'],
      ['middle', 'middle', 'above'],
    ];
    const path = random.pick(paths);
    households.push({
      id,
      communeCode: commune.code,
      address: `${random.int(1, 200)} ${random.pick(STREETS)}`,
      members,
      reviews: DEMO_YEARS.map((year, i) => reviewFor(random, commune.kind, path[i]!, year)),
    });
  }
  return households;
}

/**
 * Plausible total households per commune and year (the rate denominators): wards larger than
 * rural communes, a little growth each year, summing to about 2.3 million for the city.
 */
export function demoHouseholdCounts(communes: readonly DemoCommune[] = COMMUNES, years: readonly number[] = [2021, 2022, 2023, 2024, 2025], seed = DEMO_SEED) {
  const random = new Random(seed + 1);
  return communes.flatMap((c) => {
    const base = c.kind === 'ward' ? random.int(17_000, 25_000) : random.int(13_000, 20_000);
    return years.map((year) => ({
      commune_code: c.code,
      year,
      households: Math.round(base * (1 + 0.012 * (year - years[0]!))),
      source: 'demo estimate (not an official figure)',
    }));
  });
}
