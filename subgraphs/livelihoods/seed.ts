import type { Kysely } from 'kysely';
import { COMMUNES } from '../../db/communes.js';
import { DEMO_SEED, demoPopulation } from '../../db/demo.js';
import { Random } from '../../db/random.js';
import type { HighTechModelKind, LivelihoodActivity, LivelihoodsDatabase } from './db/tables.js';

/** The project the demo participants join; migration 2026_11_28_1010 writes it. */
export const DEMO_PROJECT_CODE = 'LIVELIHOOD_DIVERSIFICATION';

/** The six areas the city named for its high-tech agriculture models (communes since July 2025). */
export const NAMED_MODEL_AREAS = ['Mê Linh', 'Gia Lâm', 'Thường Tín', 'Đông Anh', 'Thanh Oai', 'Đan Phượng'] as const;

export interface DemoParticipant {
  householdId: number;
  communeCode: string;
  activity: LivelihoodActivity;
  cashSupport: number;
  startDate: string;
  items: Array<{ item: string; quantity: number; value: number }>;
}

export interface DemoModel {
  communeCode: string;
  name: string;
  kind: HighTechModelKind;
  technology: string;
  areaHectares: string;
  householdsInvolved: number;
  startedOn: string;
  precision: 'day' | 'year';
}

const ITEMS: Record<LivelihoodActivity, Array<{ item: string; unit: [number, number]; quantity: [number, number] }>> = {
  agricultural_production: [
    { item: 'breeding cow', unit: [15_000_000, 22_000_000], quantity: [1, 1] },
    { item: 'piglets', unit: [1_200_000, 1_800_000], quantity: [3, 10] },
    { item: 'laying hens', unit: [80_000, 120_000], quantity: [50, 200] },
    { item: 'seedlings', unit: [2_000_000, 6_000_000], quantity: [1, 1] },
  ],
  small_scale_handicraft: [
    { item: 'sewing machine', unit: [5_000_000, 9_000_000], quantity: [1, 2] },
    { item: 'bamboo-weaving tools', unit: [1_500_000, 3_000_000], quantity: [1, 1] },
  ],
  trade_and_services: [
    { item: 'motorcycle', unit: [20_000_000, 30_000_000], quantity: [1, 1] },
    { item: 'sugarcane press', unit: [8_000_000, 14_000_000], quantity: [1, 1] },
  ],
};

const MODELS: Record<HighTechModelKind, Array<{ name: string; technology: string }>> = {
  crops: [
    { name: 'VietGAP greenhouse melons', technology: 'greenhouse, automatic drip irrigation' },
    { name: 'Safe vegetables in net houses', technology: 'net house, sprinkler irrigation, VietGAP' },
    { name: 'Hydroponic lettuce', technology: 'hydroponics (NFT)' },
  ],
  livestock: [
    { name: 'Closed-barn pig farm', technology: 'cooled closed barn, automatic feeding' },
    { name: 'Biosecure laying hens', technology: 'cage system, biological bedding' },
  ],
  aquaculture: [
    { name: 'Intensive fish ponds', technology: 'in-pond raceway, aeration' },
    { name: 'Recirculating tanks', technology: 'recirculating aquaculture system' },
  ],
  combined: [
    { name: 'Garden-pond-barn (VAC) farm', technology: 'integrated crop-fish-livestock with biogas' },
    { name: 'Rice-fish rotation', technology: 'organic rice with fish, drone spraying' },
  ],
};

const round = (n: number, step: number) => Math.round(n / step) * step;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The deterministic demo plan: participants of the Livelihood Diversification Project, chosen
 * among the demo households that were on the poor or near-poor list in force when they start
 * (review year Y-1 for a start in year Y), and high-tech models, most in the six named areas.
 * Exported so that tests can check figures against it.
 */
export function demoLivelihoodPlan(): { participants: DemoParticipant[]; models: DemoModel[] } {
  const random = new Random(DEMO_SEED + 6);
  const participants: DemoParticipant[] = [];
  for (const household of demoPopulation()) {
    // Lists in force in year Y are those of review year Y-1.
    const years = [2023, 2024, 2025].filter((y) => {
      const review = household.reviews.find((r) => r.year === y - 1);
      return review && (review.classification === 'poor' || review.classification === 'near_poor');
    });
    if (!years.length || !random.chance(0.3)) continue;
    const year = random.pick(years);
    const roll = random.next();
    const activity: LivelihoodActivity = roll < 0.6 ? 'agricultural_production' : roll < 0.8 ? 'small_scale_handicraft' : 'trade_and_services';
    const catalogue = ITEMS[activity];
    const lines = random.int(0, 2);
    const items = Array.from({ length: lines }, () => {
      const pick = random.pick(catalogue);
      const quantity = random.int(pick.quantity[0], pick.quantity[1]);
      return { item: pick.item, quantity, value: quantity * round(random.int(pick.unit[0], pick.unit[1]), 10_000) };
    });
    participants.push({
      householdId: household.id,
      communeCode: household.communeCode,
      activity,
      cashSupport: lines === 0 ? round(random.int(3_000_000, 10_000_000), 100_000) : round(random.int(0, 3_000_000), 100_000),
      startDate: `${year}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`,
      items,
    });
  }

  const named = NAMED_MODEL_AREAS.map((name) => COMMUNES.find((c) => c.name === name)!.code);
  const rural = COMMUNES.filter((c) => c.kind === 'rural').map((c) => c.code);
  const kinds = Object.keys(MODELS) as HighTechModelKind[];
  const models: DemoModel[] = Array.from({ length: 40 }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const template = random.pick(MODELS[kind]);
    const year = random.int(2022, 2025);
    const knowsDay = random.chance(0.6);
    return {
      communeCode: random.chance(0.7) ? random.pick(named) : random.pick(rural),
      name: template.name,
      kind,
      technology: template.technology,
      areaHectares: (random.int(50, 2000) / 100).toFixed(2),
      householdsInvolved: random.int(3, 40),
      startedOn: knowsDay ? `${year}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}` : `${year}-01-01`,
      precision: knowsDay ? 'day' : 'year',
    };
  });
  return { participants, models };
}

/**
 * Writes the demo participants (with their items) and models, in one transaction. Does nothing
 * when any participant or model exists, so a restart keeps what users wrote. Only this
 * subgraph's schema is written; the demo households are the registry's (same plan, db/demo.ts).
 */
export async function seedDemo(db: Kysely<LivelihoodsDatabase>): Promise<void> {
  const [participant, model] = await Promise.all([
    db.selectFrom('livelihood_participant').select('id').limit(1).executeTakeFirst(),
    db.selectFrom('livelihood_high_tech_model').select('id').limit(1).executeTakeFirst(),
  ]);
  if (participant || model) return;
  const plan = demoLivelihoodPlan();
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('livelihood_participant')
      .values(
        plan.participants.map((p) => ({
          project_code: DEMO_PROJECT_CODE,
          household_id: p.householdId,
          commune_code: p.communeCode,
          activity: p.activity,
          cash_support: p.cashSupport,
          start_date: p.startDate,
        })),
      )
      .returning(['id', 'household_id'])
      .execute();
    const idOf = new Map(inserted.map((r) => [r.household_id, r.id]));
    const items = plan.participants.flatMap((p) => p.items.map((line, position) => ({ participant_id: idOf.get(p.householdId)!, position, ...line })));
    if (items.length) await trx.insertInto('livelihood_support_item').values(items).execute();
    await trx
      .insertInto('livelihood_high_tech_model')
      .values(
        plan.models.map((m) => ({
          commune_code: m.communeCode,
          name: m.name,
          kind: m.kind,
          technology: m.technology,
          area_hectares: m.areaHectares,
          households_involved: m.householdsInvolved,
          started_on: m.startedOn,
          start_precision: m.precision,
        })),
      )
      .execute();
  });
}
