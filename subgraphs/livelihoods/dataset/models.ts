import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { apportion, type CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';
import type { HighTechModelKind, LivelihoodsDatabase } from '../db/tables.js';
import { NAMED_MODEL_AREAS } from '../seed.js';
import { dayIn, weightedPick } from './draw.js';

/**
 * The high-tech agriculture models (generate.ts runs it after the participants, on the same random stream).
 *
 * - High-tech agriculture models: 224 at scale 1 (published: "more than 200"), round(224 x
 *   scale) otherwise. 72% in the six communes the city named (Mê Linh, Gia Lâm, Thường Tín,
 *   Đông Anh, Thanh Oai, Đan Phượng: all six are communes of the July 2025 list, weights
 *   1.3/1.1/1.0/1.2/0.9/0.9), the rest spread over the other rural communes. Kinds: crops 45%,
 *   livestock 20%, aquaculture 15%, combined 20% (every kind at least once when there are four
 *   models or more). Started 2021-2025, evenly; 60% with a known day, the rest known by year
 *   only. Area in hectares (2 decimals) by kind: crops 0.5-25, livestock 0.3-5, aquaculture
 *   1-20, combined 2-40; households involved 3-60, growing with the area.
 */

const MODELS_AT_SCALE_1 = 224;

const MODELS: Record<HighTechModelKind, Array<{ name: string; technology: string }>> = {
  crops: [
    { name: 'VietGAP greenhouse melons', technology: 'greenhouse, automatic drip irrigation' },
    { name: 'Safe vegetables in net houses', technology: 'net house, sprinkler irrigation, VietGAP' },
    { name: 'Hydroponic lettuce', technology: 'hydroponics (NFT)' },
    { name: 'Cut roses and chrysanthemums', technology: 'net house, drip fertigation, tissue-culture seedlings' },
    { name: 'Organic vegetables', technology: 'organic certification, drip irrigation, traceability QR codes' },
    { name: 'Grapefruit orchard', technology: 'drip irrigation, sensor-controlled fertigation, VietGAP' },
  ],
  livestock: [
    { name: 'Closed-barn pig farm', technology: 'cooled closed barn, automatic feeding' },
    { name: 'Biosecure laying hens', technology: 'cage system, biological bedding' },
    { name: 'High-yield dairy cows', technology: 'automatic milking, mixed-ration feeding' },
  ],
  aquaculture: [
    { name: 'Intensive fish ponds', technology: 'in-pond raceway, aeration' },
    { name: 'Recirculating tanks', technology: 'recirculating aquaculture system' },
    { name: 'Freshwater prawns', technology: 'lined ponds, automatic aeration and feeding' },
  ],
  combined: [
    { name: 'Garden-pond-barn (VAC) farm', technology: 'integrated crop-fish-livestock with biogas' },
    { name: 'Rice-fish rotation', technology: 'organic rice with fish, drone spraying' },
    { name: 'Fruit orchard with free-range chickens', technology: 'drip irrigation, biological bedding, VietGAP' },
  ],
};

const KIND_WEIGHTS: Record<HighTechModelKind, number> = { crops: 45, livestock: 20, aquaculture: 15, combined: 20 };
const AREA: Record<HighTechModelKind, [number, number]> = { crops: [0.5, 25], livestock: [0.3, 5], aquaculture: [1, 20], combined: [2, 40] };
/** Weights of the named areas, in the order of NAMED_MODEL_AREAS. */
const NAMED_WEIGHTS = [1.3, 1.1, 1.0, 1.2, 0.9, 0.9];
const NAMED_SHARE = 0.72;

export async function generateModels(db: Kysely<LivelihoodsDatabase>, plan: CityPlan, random: Random, log: (m: string) => void): Promise<void> {
  const named = NAMED_MODEL_AREAS.map((name) => {
    const commune = plan.communes.find((c) => c.name === name);
    if (!commune) throw new Error(`livelihoods: no commune named ${name}`);
    return commune.code;
  });
  const otherRural = plan.communes.filter((c) => c.kind === 'rural' && !named.includes(c.code)).map((c) => c.code);
  const kinds = Object.keys(KIND_WEIGHTS) as HighTechModelKind[];
  const modelCount = Math.round(MODELS_AT_SCALE_1 * plan.scale);
  // Kinds by largest remainder, so every kind is present (from four models on) and the shares hold exactly.
  const kindList = apportion(
    modelCount,
    kinds.map((k) => KIND_WEIGHTS[k]),
  ).flatMap((n, k) => Array.from({ length: n }, () => kinds[k]!));
  const m = {
    commune: [] as string[],
    name: [] as string[],
    kind: [] as string[],
    tech: [] as string[],
    area: [] as string[],
    hh: [] as number[],
    on: [] as string[],
    precision: [] as string[],
  };
  for (const kind of kindList) {
    const template = random.pick(MODELS[kind]);
    const commune = random.chance(NAMED_SHARE) ? weightedPick(random, named, NAMED_WEIGHTS) : random.pick(otherRural);
    const [lo, hi] = AREA[kind];
    // Skewed towards small models: the square of a uniform draw.
    const u = random.next();
    const area = Math.round((lo + (hi - lo) * u * u) * 100) / 100;
    const year = random.int(2021, 2025);
    const knowsDay = random.chance(0.6);
    m.commune.push(commune);
    m.name.push(template.name);
    m.kind.push(kind);
    m.tech.push(template.technology);
    m.area.push(area.toFixed(2));
    m.hh.push(Math.min(60, 3 + Math.round(u * u * 45) + random.int(0, 12)));
    m.on.push(knowsDay ? dayIn(random, year, `${year}-01-01`, `${year}-12-31`) : `${year}-01-01`);
    m.precision.push(knowsDay ? 'day' : 'year');
  }
  await bulkInsert(
    db,
    'livelihood_high_tech_model',
    [
      { name: 'commune_code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'technology', type: 'text' },
      { name: 'area_hectares', type: 'numeric' },
      { name: 'households_involved', type: 'int4' },
      { name: 'started_on', type: 'date' },
      { name: 'start_precision', type: 'text' },
    ],
    [m.commune, m.name, m.kind, m.tech, m.area, m.hh, m.on, m.precision],
    { emptied: true },
  );
  const inNamed = m.commune.filter((c) => named.includes(c)).length;
  log(`livelihoods: ${m.kind.length} high-tech models (${inNamed} in the six named communes)`);
}
