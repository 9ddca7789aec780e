import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import {
  ABOVE,
  plantedCount,
  LISTED_INCOME_FLOOR_SHARE,
  CHILD,
  GRANDCHILD,
  HEAD,
  MIDDLE,
  NEAR_POOR,
  PARENT,
  POOR,
  RELATION_CODES,
  REVIEW_YEARS,
  SPOUSE,
  type CityPlan,
} from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import type { Classification, CommuneKind, RegistryDatabase, Transition } from '../db/tables.js';
import * as repo from '../repository.js';
import { writeRollups } from '../../../platform/rollups.js';
import { derivePovertyRollups, loadStandardRules, povertyRollups } from '../rollups.js';
import { rulesOf, score, transition } from '../standard.js';

/*
 * Names. Sources: family names by their share of Vietnam's population (Lê Trung Hoa, Họ và tên
 * người Việt Nam, 2005, as commonly cited: Nguyễn 38.4%, Trần 12.1%, Lê 9.5%, Phạm 7.0%,
 * Hoàng/Huỳnh 5.1%, Phan 4.5%, Vũ/Võ 3.9%, Đặng 2.1%, Bùi 2.0%, Đỗ 1.4%, Hồ 1.3%, Ngô 1.3%,
 * Dương 1.0%, Lý 0.5%), with the northern forms (Hoàng, Vũ) as in Hanoi, and the rest spread
 * over other northern family names. A person keeps their family name for life: a wife keeps
 * hers; children take their father's (the male head or spouse; a single mother's otherwise),
 * a head's father shares the head's family name. Middle names: "Thị" for half the women born
 * before 1980 and a fifth after, "Văn" for two in five men born before 1980 and one in six
 * after, otherwise a middle name drawn from a list by sex; given names drawn by sex from lists
 * of common Vietnamese given names.
 */
const FAMILY: Array<[string, number]> = [
  ['Nguyễn', 38.4],
  ['Trần', 12.1],
  ['Lê', 9.5],
  ['Phạm', 7.0],
  ['Hoàng', 5.1],
  ['Phan', 4.5],
  ['Vũ', 3.9],
  ['Đặng', 2.1],
  ['Bùi', 2.0],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1.0],
  ['Lý', 0.5],
  ...[
    'Đinh',
    'Trịnh',
    'Đào',
    'Mai',
    'Cao',
    'Lương',
    'Tạ',
    'Chu',
    'Kiều',
    'Khuất',
    'Nghiêm',
    'Phùng',
    'Quách',
    'Lại',
    'Tô',
    'Hà',
    'Lưu',
    'Triệu',
    'Đoàn',
    'Vương',
    'Tăng',
    'Thái',
    'Doãn',
    'Đàm',
    'Hứa',
    'Lã',
    'Nhữ',
    'Đồng',
  ].map((name) => [name, 9.9 / 28] as [string, number]),
];
const MIDDLE_F = [
  'Thu',
  'Ngọc',
  'Thanh',
  'Phương',
  'Minh',
  'Hồng',
  'Thùy',
  'Kim',
  'Bích',
  'Mai',
  'Khánh',
  'Hải',
  'Diệu',
  'Lan',
  'Quỳnh',
  'Hoài',
  'Bảo',
  'Thảo',
  'Như',
  'Tuyết',
];
const MIDDLE_M = [
  'Đức',
  'Minh',
  'Quang',
  'Hữu',
  'Xuân',
  'Thanh',
  'Tiến',
  'Ngọc',
  'Mạnh',
  'Trọng',
  'Công',
  'Duy',
  'Hoàng',
  'Anh',
  'Tuấn',
  'Việt',
  'Đình',
  'Bá',
  'Quốc',
  'Gia',
];
const GIVEN_F = [
  'Lan',
  'Hoa',
  'Mai',
  'Hương',
  'Thảo',
  'Hằng',
  'Linh',
  'Yến',
  'Trang',
  'Huyền',
  'Nga',
  'Hà',
  'Ngọc',
  'Dung',
  'Hạnh',
  'Thủy',
  'Loan',
  'Nhung',
  'Phương',
  'Anh',
  'Vân',
  'Oanh',
  'Quỳnh',
  'Trâm',
  'Vy',
  'Chi',
  'My',
  'Nhi',
  'Ly',
  'Hiền',
  'Thu',
  'Liên',
  'Hồng',
  'Tuyết',
  'Xuân',
  'Thanh',
  'Giang',
  'Hậu',
  'Châu',
  'Uyên',
  'Ánh',
  'Duyên',
  'Hòa',
  'Thơm',
  'Tâm',
];
const GIVEN_M = [
  'Hùng',
  'Dũng',
  'Tuấn',
  'Nam',
  'Long',
  'Sơn',
  'Hải',
  'Quân',
  'Minh',
  'Đức',
  'Anh',
  'Hoàng',
  'Thắng',
  'Trung',
  'Hiếu',
  'Cường',
  'Huy',
  'Phong',
  'Khánh',
  'Bình',
  'Thành',
  'Việt',
  'Kiên',
  'Tùng',
  'Tú',
  'Hưng',
  'Lâm',
  'Phúc',
  'Toàn',
  'Tâm',
  'Quang',
  'Hào',
  'Đạt',
  'Vinh',
  'Hiệp',
  'Bảo',
  'Khôi',
  'Thịnh',
  'Duy',
  'Chiến',
  'Tiến',
  'Lực',
  'Nghĩa',
  'Thái',
  'Hậu',
];
const FAMILY_CUMULATIVE: number[] = [];
FAMILY.reduce((acc, [, share], i) => (FAMILY_CUMULATIVE[i] = acc + share), 0);
const FAMILY_TOTAL = FAMILY_CUMULATIVE[FAMILY_CUMULATIVE.length - 1]!;

function familyName(random: Random): string {
  const r = random.next() * FAMILY_TOTAL;
  return FAMILY[FAMILY_CUMULATIVE.findIndex((c) => r < c)]?.[0] ?? 'Nguyễn';
}

function givenNames(random: Random, female: boolean, born: number): string {
  const old = born < 1980;
  const middle = female ? (random.chance(old ? 0.5 : 0.2) ? 'Thị' : random.pick(MIDDLE_F)) : random.chance(old ? 0.4 : 1 / 6) ? 'Văn' : random.pick(MIDDLE_M);
  return `${middle} ${random.pick(female ? GIVEN_F : GIVEN_M)}`;
}

const PLACES = [
  'Thôn Đông',
  'Thôn Đoài',
  'Thôn Thượng',
  'Thôn Hạ',
  'Thôn Trung',
  'Xóm Chùa',
  'Xóm Mới',
  'Xóm Đình',
  'Xóm Bến',
  'Cụm dân cư số 2',
  ...Array.from({ length: 24 }, (_, i) => `Tổ dân phố ${i + 1}`),
  'Ngõ 12',
  'Ngõ 45',
  'Ngõ 68',
  'Ngõ 102',
  'Ngõ 157',
  'Ngách 21',
];

/**
 * The registry's share of the city data set: the denominators, every household of the plan
 * with its members, and the reviews of the poverty population. Each review's income and
 * deprivations are drawn inside the plan's band and then scored by the standard exactly as a
 * recorded review is, so classifications are computed, never copied from the plan.
 */
export async function generateCity(db: Kysely<RegistryDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + 11);
  const standard = await repo.findStandardForYear(db, 2022);
  if (!standard) throw new Error('the 2022-2025 poverty standard is missing; migrate first');
  const indicators = (await repo.findIndicatorsByStandards(db, [standard.code])).map((i) => i.code);
  const rules = rulesOf(standard, indicators);

  await sql`TRUNCATE poverty_review, household_member, household, commune_household_count RESTART IDENTITY`.execute(db);

  const years = Object.keys(plan.communes[0]!.households).map(Number);
  await bulkInsert(
    db,
    'commune_household_count',
    [
      { name: 'commune_code', type: 'text' },
      { name: 'year', type: 'int4' },
      { name: 'households', type: 'int4' },
      { name: 'source', type: 'text' },
    ],
    [
      plan.communes.flatMap((c) => years.map(() => c.code)),
      plan.communes.flatMap(() => years),
      plan.communes.flatMap((c) => years.map((y) => c.households[y]!)),
      plan.communes.flatMap(() => years.map(() => 'generated: calibrated to the rates the city published (not an official count)')),
    ],
    { emptied: true },
  );

  const ids: number[] = [];
  const communeCodes: string[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < plan.householdCount; i++) {
    ids.push(i + 1);
    communeCodes.push(plan.communes[plan.householdCommune[i]!]!.code);
    addresses.push(`${1 + ((i * 7919) % 240)} ${PLACES[(i * 31 + (i >> 5)) % PLACES.length]}`);
  }
  await bulkInsert(
    db,
    'household',
    [
      { name: 'id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'address', type: 'text' },
    ],
    [ids, communeCodes, addresses],
    { emptied: true },
  );
  log(`registry: ${plan.householdCount} households`);

  const m = {
    id: [] as number[],
    hh: [] as number[],
    name: [] as string[],
    year: [] as number[],
    sex: [] as string[],
    rel: [] as string[],
    nid: [] as string[],
  };
  const names = new Random(plan.seed + 12);
  for (let i = 0; i < plan.householdCount; i++) {
    // The head's family name; the father's line (children, grandchildren through a son) follows the
    // man of the couple; everyone else keeps a family name of their own.
    const start = plan.memberStart[i]!;
    const headName = familyName(names);
    let fathersName = headName;
    for (let k = 1; k < plan.memberCount[i]!; k++) {
      if (plan.memberRelation[start + k - 1] === SPOUSE && plan.memberSex[start - 1] === 0 && plan.memberSex[start + k - 1] === 1)
        fathersName = familyName(names);
    }
    let sonName = fathersName;
    for (let k = 0; k < plan.memberCount[i]!; k++) {
      const id = start + k;
      const female = plan.memberSex[id - 1] === 0;
      const relation = plan.memberRelation[id - 1]!;
      const born = plan.memberBirthYear[id - 1]!;
      let family: string;
      if (relation === HEAD) family = headName;
      else if (relation === SPOUSE) family = female ? familyName(names) : fathersName;
      else if (relation === CHILD) family = fathersName;
      else if (relation === PARENT) family = female ? familyName(names) : headName;
      else if (relation === GRANDCHILD) family = sonName;
      else family = familyName(names);
      // A married son's children carry his name (a married daughter's would carry her husband's;
      // the data set keeps the son's line).
      if (relation === CHILD && !female) sonName = family;
      m.id.push(id);
      m.hh.push(i + 1);
      m.name.push(`${family} ${givenNames(names, female, born)}`);
      m.year.push(born);
      m.sex.push(female ? 'female' : 'male');
      m.rel.push(RELATION_CODES[relation]!);
      // Generated 12-digit numbers: "001" (Hanoi) and the member id, unique by construction.
      m.nid.push(`001${String(id).padStart(9, '0')}`);
    }
  }
  await bulkInsert(
    db,
    'household_member',
    [
      { name: 'id', type: 'int8' },
      { name: 'household_id', type: 'int8' },
      { name: 'full_name', type: 'text' },
      { name: 'birth_year', type: 'int4' },
      { name: 'sex', type: 'text' },
      { name: 'relation', type: 'text' },
      { name: 'national_id', type: 'text' },
    ],
    [m.id, m.hh, m.name, m.year, m.sex, m.rel, m.nid],
    { emptied: true },
  );
  log(`registry: ${m.id.length} members`);

  const r = {
    hh: [] as number[],
    commune: [] as string[],
    year: [] as number[],
    kind: [] as string[],
    date: [] as string[],
    income: [] as number[],
    deps: [] as string[][],
    count: [] as number[],
    cls: [] as Classification[],
    tr: [] as Transition[],
  };
  const escaped = new Set(plan.escaped2025);
  // Health insurance agrees with social insurance: every member of a household on the list in
  // force (the review of the year before) holds a supported card, and middle-income farming
  // households may hold one, so their reviews never mark the health-insurance indicator...
  const insured = (i: number, year: number) => {
    const before = plan.bands[year - 1]?.[i];
    return before === POOR || before === NEAR_POOR || i + 1 >= plan.middleIncomeStart;
  };
  // ...except for a few planted on purpose (docs/data.md): near-poor households of the 2024
  // review that were near-poor in 2023 too, so insured, marked deprived on health insurance
  // (in place of another indicator, so that their classification stays as planned).
  const plantedIds = new Set<number>();
  for (let i = 0; i < plan.middleIncomeStart - 1 && plantedIds.size < plantedCount('insuredButDeprived', plan.scale); i += 7) {
    if (plan.bands[2024]![i] === NEAR_POOR && plan.bands[2023]![i] === NEAR_POOR) plantedIds.add(i + 1);
  }
  log(`registry: planted "deprived on health insurance while insured" (2024 review) on households ${[...plantedIds].join(', ')}`);
  const HI = 'health_insurance';
  for (let i = 0; i < plan.povertyPopulation; i++) {
    const commune = plan.communes[plan.householdCommune[i]!]!;
    let previous: Classification | undefined;
    const add = (year: number, kind: 'periodic' | 'regular', date: string, band: number) => {
      const line = commune.kind === 'ward' ? rules.urbanIncomeLine : rules.ruralIncomeLine;
      const middle = commune.kind === 'ward' ? rules.urbanMiddleIncomeLine : rules.ruralMiddleIncomeLine;
      const round = (n: number) => Math.round(n / 10_000) * 10_000;
      const income =
        band === POOR || band === NEAR_POOR
          ? round(line * (LISTED_INCOME_FLOOR_SHARE + random.next() * (1 - LISTED_INCOME_FLOOR_SHARE)))
          : band === MIDDLE
            ? round(line + 10_000 + random.next() * (middle - line - 20_000))
            : round(middle * (1.05 + random.next()));
      const depCount = band === POOR ? random.int(3, 6) : band === NEAR_POOR ? random.int(0, 2) : random.int(0, 3);
      const choices = insured(i, year) ? indicators.filter((c) => c !== HI) : indicators;
      const deprivations = [...choices].sort(() => random.next() - 0.5).slice(0, depCount);
      if (year === 2024 && kind === 'periodic' && plantedIds.has(i + 1)) deprivations.splice(0, 1, HI);
      deprivations.sort();
      const scored = score(rules, { communeKind: commune.kind, incomePerPersonMonthly: income, deprivations });
      r.hh.push(i + 1);
      r.commune.push(commune.code);
      r.year.push(year);
      r.kind.push(kind);
      r.date.push(date);
      r.income.push(income);
      r.deps.push(deprivations);
      r.count.push(scored.deprivationCount);
      r.cls.push(scored.classification);
      r.tr.push(transition(previous, scored.classification));
      previous = scored.classification;
    };
    for (const year of REVIEW_YEARS) {
      const band = plan.bands[year]![i]!;
      if (band === 255) continue;
      // The periodic review runs from 1 September to 14 December.
      const day = random.int(0, 104);
      const date = new Date(Date.UTC(year, 8, 1 + day)).toISOString().slice(0, 10);
      add(year, 'periodic', date, band);
    }
    if (escaped.has(i + 1)) {
      const date = new Date(Date.UTC(2025, random.int(0, 7), random.int(1, 28))).toISOString().slice(0, 10);
      add(2025, 'regular', date, random.chance(0.8) ? MIDDLE : ABOVE);
    }
  }
  await bulkInsert(
    db,
    'poverty_review',
    [
      { name: 'household_id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'year', type: 'int4' },
      { name: 'kind', type: 'text' },
      { name: 'review_date', type: 'date' },
      { name: 'income_per_person_monthly', type: 'int8' },
      { name: 'deprivations', type: 'text[]' },
      { name: 'deprivation_count', type: 'int4' },
      { name: 'classification', type: 'text' },
      { name: 'transition', type: 'text' },
      { name: 'standard_code', type: 'text' },
    ],
    [r.hh, r.commune, r.year, r.kind, r.date, r.income, r.deps.map((d) => `{${d.join(',')}}`), r.count, r.cls, r.tr, r.hh.map(() => standard.code)],
    { emptied: true },
  );
  log(`registry: ${r.hh.length} reviews`);
  await sql`SELECT setval(pg_get_serial_sequence('household', 'id'), (SELECT max(id) FROM household))`.execute(db);
  await sql`SELECT setval(pg_get_serial_sequence('household_member', 'id'), (SELECT max(id) FROM household_member))`.execute(db);
  for (const table of ['household', 'household_member', 'poverty_review']) await sql`ANALYZE ${sql.table(table)}`.execute(db);
  // The one rule (rollups.ts), run here on the reviews still in memory, in the generator's
  // worker, rather than reading them back on the database's thread (the first start's
  // bottleneck). The reviews were loaded in this order into an emptied table, so their ids grow
  // with the index. writeRollups also records the rules' version: the next start rebuilds nothing.
  await writeRollups(
    db,
    povertyRollups,
    derivePovertyRollups({
      reviews: {
        household: r.hh,
        commune: r.commune,
        year: r.year,
        kind: r.kind,
        reviewDate: r.date,
        income: r.income,
        deprivations: r.deps,
        classification: r.cls,
        transition: r.tr,
      },
      communeKinds: new Map<string, CommuneKind>(plan.communes.map((c) => [c.code, c.kind])),
      standards: await loadStandardRules(db),
    }),
  );
  log('registry: poverty rollups derived');
}
