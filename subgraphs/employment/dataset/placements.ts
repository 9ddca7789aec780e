import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { plantedCount, INCOME_LINES_2022_2025, NEAR_POOR, POOR } from '../../../db/generate/plan.js';
import type { EmploymentDatabase, HouseholdClassification, PlacementChannel } from '../db/tables.js';
import { dayInYear, dayOf, EMPLOYMENT_TARGETS, iso, pickWeighted, scaled, shuffle, takeBiased, YEARS, type World } from './common.js';
import type { FairColumns } from './fairs.js';

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

/** Placements by month: the Tết dip in February, peaks in March and October-November. */
const PLACEMENT_MONTHS = [6, 4, 11, 9, 9, 8, 8, 8, 9, 10, 10, 8];

/**
 * The job placements of every year: budget-funded support, the fairs' hires recorded one by
 * one, loan-created jobs and the service centres, some placed twice, and the planted cases.
 */
export async function generatePlacements(db: Kysely<EmploymentDatabase>, world: World, fair: FairColumns, log: (m: string) => void) {
  const { plan, random, scale, memberHousehold, communeOfHousehold, communeCode, classificationIn, wageAllowance, poolsOf, ageOf } = world;
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
  return { ...p, placedOn };
}
