import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import type { CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';
import type { FundDonorKind, HousingDatabase } from '../db/tables.js';
import { DAY, dayIn, HORIZON_DAY, scaledBy, shuffle, TARGETS, toDate, toDay } from './common.js';

/**
 * The contributions to the Fund for the Poor (generate.ts runs it last, on the same random stream).
 *
 * Fund contributions, per year 2021-2025 (2025 up to 30 September): about 700 from individuals
 * (0.2-30 million, 40% anonymous), 380 from enterprises (5-200 million), 200 from organisations
 * (5-150 million), all log-uniform, and one "day's wage" collection of public servants per
 * commune plus one at city level (20-80 million per commune, 1.5-3 billion for the city). About
 * half the money comes in the peak month for the poor (17 October - 18 November), some around Tết
 * (January-February), the rest through the year. Three in four contributions are received by
 * a commune's Fund committee (communes weighted by size), the rest at city level. The amounts
 * of 2021-2024 are then scaled to the exact target, rounded (100,000 VND for individuals, whole
 * millions otherwise), and the rounding remainder spread over many contributions one million
 * (or 100,000) at a time.
 */

const ENTERPRISES = [
  'Công ty CP Xây dựng Sông Hồng',
  'Tổng công ty Điện lực Hà Nội',
  'Ngân hàng TMCP Thủ Đô',
  'Công ty TNHH Thương mại Hà Thành',
  'Tập đoàn Dệt may Thăng Long',
  'Công ty CP Vật liệu xây dựng Tây Đô',
  'Công ty CP Thực phẩm Hồ Tây',
  'Công ty TNHH Cơ khí Đông Anh',
  'Tổng công ty Vận tải Hà Nội',
  'Công ty CP Bất động sản Long Biên',
  'Ngân hàng TMCP Kinh Bắc',
  'Công ty TNHH Gốm Bát Tràng',
];
const ORGANISATIONS = [
  'Hội Doanh nhân trẻ Hà Nội',
  'Hội Chữ thập đỏ',
  'Hội Liên hiệp Phụ nữ',
  'Hội Cựu chiến binh',
  'Đoàn Thanh niên',
  'Hội Nông dân',
  'Liên đoàn Lao động',
  'Hội Người cao tuổi',
  'Câu lạc bộ Doanh nhân Thăng Long',
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const GIVEN = ['Văn An', 'Thị Bình', 'Minh Châu', 'Đức Thắng', 'Thu Trang', 'Quốc Việt', 'Thị Nga', 'Hữu Phúc'];

export async function generateContributions(db: Kysely<HousingDatabase>, plan: CityPlan, random: Random, log: (m: string) => void): Promise<void> {
  const scaled = scaledBy(plan);
  const sizeWeights = plan.communes.map((c) => c.households[2024] ?? 0);
  const sizeTotal = sizeWeights.reduce((a, b) => a + b, 0);
  const pickCommune = (): string => {
    let r = random.next() * sizeTotal;
    for (let i = 0; i < sizeWeights.length; i++) {
      r -= sizeWeights[i]!;
      if (r < 0) return plan.communes[i]!.code;
    }
    return plan.communes[plan.communes.length - 1]!.code;
  };
  const communeName = new Map(plan.communes.map((c) => [c.code, c.name]));
  const contributionDay = (year: number): number => {
    const r = random.next();
    let day: number;
    if (r < 0.45)
      day = Date.UTC(year, 9, 17) / DAY + random.int(0, 32); // the peak month, 17 Oct - 18 Nov
    else if (r < 0.6)
      day = dayIn(year, random.int(0, 1), random); // around Tết
    else day = dayIn(year, random.int(0, 11), random);
    return day;
  };
  const logUniform = (min: number, max: number) => Math.exp(Math.log(min) + random.next() * (Math.log(max) - Math.log(min)));

  const k = { kind: [] as FundDonorKind[], name: [] as (string | null)[], amount: [] as number[], day: [] as number[], commune: [] as (string | null)[] };
  const add = (kind: FundDonorKind, name: string | null, amount: number, day: number, commune: string | null) => {
    k.kind.push(kind);
    k.name.push(name);
    k.amount.push(amount);
    k.day.push(day);
    k.commune.push(commune);
  };
  for (const year of [2021, 2022, 2023, 2024, 2025]) {
    // 2025 runs to the horizon: a date past it is drawn again from January to September.
    const inYear = (day: number) => (day > HORIZON_DAY ? dayIn(2025, random.int(0, 8), random) : day);
    for (let i = 0; i < scaled(TARGETS.contributionsPerYear.individual!); i++) {
      const name = random.chance(0.4) ? null : `${random.pick(FAMILY)} ${random.pick(GIVEN)}`;
      add('individual', name, logUniform(0.2e6, 30e6), inYear(contributionDay(year)), random.chance(0.85) ? pickCommune() : null);
    }
    for (let i = 0; i < scaled(TARGETS.contributionsPerYear.enterprise!); i++) {
      add('enterprise', random.pick(ENTERPRISES), logUniform(5e6, 200e6), inYear(contributionDay(year)), random.chance(0.5) ? pickCommune() : null);
    }
    for (let i = 0; i < scaled(TARGETS.contributionsPerYear.organisation!); i++) {
      add('organisation', random.pick(ORGANISATIONS), logUniform(5e6, 150e6), inYear(contributionDay(year)), random.chance(0.8) ? pickCommune() : null);
    }
    // A day's wage: one collection at city level (its amount scaled below scale 1, as it stands
    // for the whole city's staff) and one per commune (a scaled share of the communes).
    add(
      'public_servants',
      'Cán bộ, công chức, viên chức, người lao động thành phố (một ngày lương)',
      (1.5e9 + random.next() * 1.5e9) * Math.min(1, plan.scale),
      inYear(Date.UTC(year, 9, 17) / DAY + random.int(0, 20)),
      null,
    );
    const communes = shuffle(
      random,
      plan.communes.map((c) => c.code),
    ).slice(0, scaled(plan.communes.length) - 1);
    for (const code of communes.sort()) {
      add(
        'public_servants',
        `Cán bộ, công chức, viên chức, người lao động ${communeName.get(code)} (một ngày lương)`,
        20e6 + random.next() * 60e6,
        inYear(Date.UTC(year, 9, 17) / DAY + random.int(0, 32)),
        code,
      );
    }
  }
  // Scale the 2021-2024 amounts to the exact target, round, spread the remainder.
  const lastDay = toDay('2024-12-31');
  const inPeriod = k.day.map((d) => d <= lastDay);
  const target = Math.round((TARGETS.fundMobilised2021to2024 * plan.scale) / 1e5) * 1e5;
  const drawn = k.amount.reduce((sum, a, i) => sum + (inPeriod[i] ? a : 0), 0);
  const factor = target / drawn;
  const unit = (i: number) => (k.kind[i] === 'individual' ? 100_000 : 1_000_000);
  k.amount = k.amount.map((a, i) => Math.max(unit(i), Math.round((inPeriod[i] ? a * factor : a) / unit(i)) * unit(i)));
  let rest = target - k.amount.reduce((sum, a, i) => sum + (inPeriod[i] ? a : 0), 0);
  const periodIdx = k.amount.map((_, i) => i).filter((i) => inPeriod[i]);
  const millionIdx = shuffle(
    random,
    periodIdx.filter((i) => unit(i) === 1_000_000 && k.amount[i]! > 5_000_000),
  );
  const smallIdx = shuffle(
    random,
    periodIdx.filter((i) => unit(i) === 100_000 && k.amount[i]! > 1_000_000),
  );
  let adjusted = 0;
  for (let n = 0; Math.abs(rest) >= 1_000_000 && millionIdx.length; n = (n + 1) % millionIdx.length) {
    const step = Math.sign(rest) * 1_000_000;
    k.amount[millionIdx[n]!]! += step;
    rest -= step;
    adjusted++;
  }
  for (let n = 0; rest !== 0 && smallIdx.length; n = (n + 1) % smallIdx.length) {
    const step = Math.sign(rest) * 100_000;
    k.amount[smallIdx[n]!]! += step;
    rest -= step;
    adjusted++;
  }
  if (rest !== 0) throw new Error(`housing: Fund contributions miss the target by ${rest}`);

  const order = k.day.map((_, i) => i).sort((a, b) => k.day[a]! - k.day[b]! || a - b);
  await bulkInsert(
    db,
    'fund_contribution',
    [
      { name: 'id', type: 'int8' },
      { name: 'donor_kind', type: 'text' },
      { name: 'donor_name', type: 'text' },
      { name: 'amount', type: 'int8' },
      { name: 'contribution_date', type: 'date' },
      { name: 'commune_code', type: 'text' },
    ],
    [
      order.map((_, n) => n + 1),
      order.map((i) => k.kind[i]!),
      order.map((i) => k.name[i] ?? null),
      order.map((i) => k.amount[i]!),
      order.map((i) => toDate(k.day[i]!)),
      order.map((i) => k.commune[i] ?? null),
    ],
    { emptied: true },
  );
  log(`housing: ${order.length} Fund contributions (2021-2024 scaled by ${factor.toFixed(3)}, ${adjusted} nudged for the exact sum)`);
}
