import { sql, type Kysely } from 'kysely';
import { COMMUNES } from '../../db/communes.js';
import { DEMO_SEED, demoPopulation } from '../../db/demo.js';
import { Random } from '../../db/random.js';
import type {
  FundDonorKind,
  HousingCaseKind,
  HousingCaseStatus,
  HousingDatabase,
  HousingFundingSource,
  NewFundContribution,
  NewHousingCase,
  NewHousingFundingLine,
} from './db/tables.js';

/** Approval years the demo covers: each needs the previous year's review (2022-2024 in the demo). */
const APPROVAL_YEARS = [2023, 2024, 2025] as const;
const CONTRIBUTION_YEARS = [2021, 2022, 2023, 2024, 2025] as const;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function dateIn(random: Random, year: number, lastMonth = 12): string {
  return `${year}-${String(random.int(1, lastMonth)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
}

function millions(random: Random, min: number, max: number): number {
  return random.int(min, max) * 1_000_000;
}

/** The demo plan, pure and deterministic (a fixed seed), so a test can compare the figures with it. */
export function demoHousing() {
  const random = new Random(DEMO_SEED + 3);
  const cases: Array<NewHousingCase & { id: number }> = [];
  const lines: NewHousingFundingLine[] = [];
  for (const h of demoPopulation()) {
    // Eligibility as in approveHousingCase: a case approved in year Y needs the household on
    // the poor or near-poor list of review year Y-1 (the lists in force during Y).
    const eligibleYears = APPROVAL_YEARS.filter((y) => {
      const c = h.reviews.find((r) => r.year === y - 1)?.classification;
      return c === 'poor' || c === 'near_poor';
    });
    if (eligibleYears.length === 0 || !random.chance(0.45)) continue;
    const year = random.pick(eligibleYears);
    const id = cases.length + 1;
    const kind: HousingCaseKind = random.chance(0.55) ? 'new_house' : 'renovation';
    const approval = dateIn(random, year, 10);
    const start = addDays(approval, random.int(10, 60));
    const completion = addDays(start, random.int(60, 150));
    const roll = random.next();
    // Older cases are mostly finished; 2025 approvals are still partly under way.
    let status: HousingCaseStatus;
    if (roll < 0.05) status = 'cancelled';
    else if (year === 2025 && roll < 0.2) status = 'approved';
    else if (year === 2025 && roll < 0.45) status = 'building';
    else status = 'completed';
    const started = status === 'building' || status === 'completed' || (status === 'cancelled' && random.chance(0.5));
    cases.push({
      id,
      household_id: h.id,
      commune_code: h.communeCode,
      kind,
      status,
      approval_date: approval,
      start_date: started ? start : null,
      completion_date: status === 'completed' ? completion : null,
      cancellation_date: status === 'cancelled' ? addDays(started ? start : approval, random.int(5, 30)) : null,
      cancellation_reason: status === 'cancelled' ? 'The household moved in with relatives' : null,
    });
    const scale = kind === 'new_house' ? 2 : 1;
    const line = (source: HousingFundingSource, amount: number, on: string) => lines.push({ case_id: id, source, amount, committed_on: on });
    line('city_budget', millions(random, 20, 30) * scale, approval);
    if (random.chance(0.7)) line('fund_for_the_poor', millions(random, 10, 25) * scale, approval);
    // A VBSP housing loan only where the bank lends one, as approveHousingCase requires: poor
    // on the list in force (the draw stays, so the rest of the plan is unchanged).
    const poorOnList = h.reviews.find((r) => r.year === year - 1)?.classification === 'poor';
    if (random.chance(0.3) && poorOnList) line('vbsp_housing_loan', millions(random, 20, 40), approval);
    // Community help often arrives once building starts.
    if (started && random.chance(0.4)) line('social_mobilisation', millions(random, 3, 15), start);
  }

  const donorKinds: FundDonorKind[] = ['enterprise', 'individual', 'organisation', 'public_servants'];
  const donorNames: Record<FundDonorKind, string[]> = {
    enterprise: ['Công ty CP Xây dựng Sông Hồng', 'Tổng công ty Điện lực Hà Nội', 'Ngân hàng TMCP Thủ Đô'],
    individual: ['Nguyễn Văn An', 'Trần Thị Bình'],
    organisation: ['Hội Doanh nhân trẻ Hà Nội', 'Hội Chữ thập đỏ'],
    public_servants: ['Cán bộ, công chức, viên chức thành phố (một ngày lương)'],
  };
  const contributions: NewFundContribution[] = [];
  for (const year of CONTRIBUTION_YEARS) {
    for (let i = 0; i < 16; i++) {
      const donorKind = random.pick(donorKinds);
      const amount =
        donorKind === 'enterprise'
          ? millions(random, 100, 2_000)
          : donorKind === 'individual'
            ? millions(random, 1, 50)
            : donorKind === 'organisation'
              ? millions(random, 20, 500)
              : millions(random, 50, 1_000);
      contributions.push({
        donor_kind: donorKind,
        donor_name: donorKind === 'individual' && random.chance(0.3) ? null : random.pick(donorNames[donorKind]),
        amount,
        contribution_date: dateIn(random, year),
        commune_code: random.chance(0.5) ? random.pick(COMMUNES).code : null,
      });
    }
  }
  return { cases, lines, contributions };
}

/**
 * Writes the demo housing cases, funding lines and Fund for the Poor contributions for the
 * demo households (ids 1..300, which the registry seeds first). Does nothing when any case or
 * contribution already exists, so a restart keeps what users wrote.
 */
export async function seedDemo(db: Kysely<HousingDatabase>): Promise<void> {
  const [existingCase, existingContribution] = await Promise.all([
    db.selectFrom('housing_case').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('fund_contribution').select('id').limit(1).executeTakeFirst(),
  ]);
  if (existingCase || existingContribution) return;
  const { cases, lines, contributions } = demoHousing();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('housing_case').values(cases).execute();
    await trx.insertInto('housing_funding_line').values(lines).execute();
    await trx.insertInto('fund_contribution').values(contributions).execute();
    // Explicit case ids were written: move the identity sequence past them.
    await sql`SELECT setval(pg_get_serial_sequence('housing_case', 'id'), (SELECT max(id) FROM housing_case))`.execute(trx);
  });
}
