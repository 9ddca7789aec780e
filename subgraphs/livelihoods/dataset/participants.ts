import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { apportion, NEAR_POOR, POOR, type CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';
import type { LivelihoodActivity, LivelihoodProject, LivelihoodsDatabase } from '../db/tables.js';
import { dayIn, roundTo, weightedPick } from './draw.js';

/**
 * The project's participants and their support lines (generate.ts runs it first, on the tables it emptied).
 *
 * - Participants: 528 households at scale 1 (published: "more than 510"), round(528 x scale)
 *   otherwise, each taking part once. Start years 2022, 2023, 2024, 2025 split 2:3:3:2 (clipped
 *   to the project's period as the database holds it). A household starting in year Y is drawn
 *   from the plan's poor and near-poor households of review year Y-1 (the list in force in Y),
 *   without replacement, weighted: poor 3, near-poor 1, times 1.5 in rural communes (so poor
 *   households and rural communes are over-represented, on top of the plan's own concentration
 *   of poverty). The commune is the plan household's commune. Start days: any day of the year,
 *   January and February (Tết) at half weight.
 * - Activity: rural communes 65% agricultural production, 15% small-scale handicraft, 20% trade
 *   and services; wards 25% / 30% / 45%.
 * - Support: 3 or 4 distinct in-kind lines from the activity's catalogue below (market unit
 *   prices, quantities as drawn), plus working capital in cash of 15-40 million. The total
 *   support is then made exactly 98% of the project's budget at scale 1 (48,412,000,000 of
 *   49,400,000,000; about 92 million per household, in line with the published budget over
 *   "more than 510" households), and at other scales 98% of the budget x participants / 528,
 *   never above 98% of the budget: every unit price and cash amount is multiplied by one common
 *   factor close to 1, then the rounding rest is spread over the cash of many participants in
 *   10,000-đồng steps. So no enrolment, in any order, takes the project beyond its budget.
 */

const PARTICIPANTS_AT_SCALE_1 = 528;
/** Share of the budget the participants' support uses at scale 1. */
const BUDGET_USED = 0.98;
const STEP = 10_000; // đồng: every amount is a multiple

type Line = { item: string; unit: [number, number]; quantity: [number, number] };

const ITEMS: Record<LivelihoodActivity, Line[]> = {
  agricultural_production: [
    { item: 'breeding cow', unit: [16_000_000, 24_000_000], quantity: [2, 4] },
    { item: 'piglets', unit: [1_200_000, 1_800_000], quantity: [5, 15] },
    { item: 'laying hens', unit: [80_000, 120_000], quantity: [200, 500] },
    { item: 'seedlings and fertiliser', unit: [4_000_000, 12_000_000], quantity: [1, 1] },
    { item: 'fish fingerlings', unit: [5_000_000, 15_000_000], quantity: [1, 1] },
    { item: 'barn materials', unit: [12_000_000, 28_000_000], quantity: [1, 1] },
    { item: 'irrigation pump', unit: [4_000_000, 8_000_000], quantity: [1, 1] },
  ],
  small_scale_handicraft: [
    { item: 'sewing machine', unit: [7_000_000, 14_000_000], quantity: [2, 4] },
    { item: 'overlock machine', unit: [8_000_000, 12_000_000], quantity: [1, 1] },
    { item: 'bamboo-weaving tools', unit: [2_000_000, 4_000_000], quantity: [1, 2] },
    { item: 'embroidery frames', unit: [1_500_000, 3_000_000], quantity: [1, 4] },
    { item: 'raw materials', unit: [10_000_000, 30_000_000], quantity: [1, 1] },
    { item: 'workshop fit-out', unit: [15_000_000, 30_000_000], quantity: [1, 1] },
  ],
  trade_and_services: [
    { item: 'motorcycle', unit: [22_000_000, 35_000_000], quantity: [1, 1] },
    { item: 'sugarcane press', unit: [9_000_000, 16_000_000], quantity: [1, 1] },
    { item: 'food stall and equipment', unit: [8_000_000, 18_000_000], quantity: [1, 1] },
    { item: 'display freezer', unit: [7_000_000, 14_000_000], quantity: [1, 1] },
    { item: 'stock of goods', unit: [15_000_000, 40_000_000], quantity: [1, 1] },
    { item: 'hair salon equipment', unit: [10_000_000, 20_000_000], quantity: [1, 1] },
  ],
};

export async function generateParticipants(
  db: Kysely<LivelihoodsDatabase>,
  plan: CityPlan,
  random: Random,
  project: LivelihoodProject,
  log: (m: string) => void,
): Promise<void> {
  const budget = Number(project.budget);
  const periodFrom = String(project.start_date).slice(0, 10);
  const periodTo = String(project.end_date).slice(0, 10);

  const years = [2022, 2023, 2024, 2025].filter((y) => `${y}-12-31` >= periodFrom && `${y}-01-01` <= periodTo);
  const yearWeights: Record<number, number> = { 2022: 2, 2023: 3, 2024: 3, 2025: 2 };
  const count = Math.round(PARTICIPANTS_AT_SCALE_1 * plan.scale);
  const perYear = apportion(
    count,
    years.map((y) => yearWeights[y]!),
  );
  const taken = new Uint8Array(plan.povertyPopulation);
  const chosen: Array<{ household: number; year: number }> = [];
  years.forEach((year, k) => {
    const bands = plan.bands[year - 1];
    if (!bands) return;
    // Weighted sampling without replacement (Efraimidis-Spirakis): the largest r^(1/w) win.
    const pool: Array<[key: number, household: number]> = [];
    for (let i = 0; i < plan.povertyPopulation; i++) {
      const band = bands[i]!;
      if ((band !== POOR && band !== NEAR_POOR) || taken[i]) continue;
      const rural = plan.communes[plan.householdCommune[i]!]!.kind === 'rural';
      const weight = (band === POOR ? 3 : 1) * (rural ? 1.5 : 1);
      pool.push([Math.pow(random.next(), 1 / weight), i + 1]);
    }
    pool.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const want = perYear[k]!;
    if (pool.length < want) throw new Error(`livelihoods: only ${pool.length} eligible households for ${year}, ${want} wanted`);
    for (const [, household] of pool.slice(0, want)) {
      taken[household - 1] = 1;
      chosen.push({ household, year });
    }
  });
  chosen.sort((a, b) => a.year - b.year || a.household - b.household);

  interface Drawn {
    household: number;
    commune: string;
    activity: LivelihoodActivity;
    start: string;
    cash: number;
    lines: Array<{ item: string; quantity: number; unit: number }>;
  }
  const drawn: Drawn[] = chosen.map(({ household, year }) => {
    const commune = plan.communes[plan.householdCommune[household - 1]!]!;
    const activity = weightedPick<LivelihoodActivity>(
      random,
      ['agricultural_production', 'small_scale_handicraft', 'trade_and_services'],
      commune.kind === 'rural' ? [65, 15, 20] : [25, 30, 45],
    );
    const catalogue = [...ITEMS[activity]];
    const lines: Drawn['lines'] = [];
    for (let n = random.int(3, 4); n > 0 && catalogue.length; n--) {
      const line = catalogue.splice(random.int(0, catalogue.length - 1), 1)[0]!;
      lines.push({ item: line.item, quantity: random.int(line.quantity[0], line.quantity[1]), unit: random.int(line.unit[0], line.unit[1]) });
    }
    return { household, commune: commune.code, activity, start: dayIn(random, year, periodFrom, periodTo), cash: random.int(15_000_000, 40_000_000), lines };
  });

  // The total support: 98% of the budget at scale 1, in proportion to the participants otherwise.
  const cap = roundTo(budget * BUDGET_USED, STEP);
  const target = Math.min(cap, roundTo((budget * BUDGET_USED * count) / PARTICIPANTS_AT_SCALE_1, STEP));
  const rawTotal = drawn.reduce((s, d) => s + d.cash + d.lines.reduce((t, l) => t + l.quantity * l.unit, 0), 0);
  const factor = rawTotal > 0 ? target / rawTotal : 1;
  for (const d of drawn) {
    d.cash = roundTo(d.cash * factor, 100_000);
    for (const l of d.lines) l.unit = Math.max(STEP, roundTo(l.unit * factor, STEP));
  }
  const totalOf = () => drawn.reduce((s, d) => s + d.cash + d.lines.reduce((t, l) => t + l.quantity * l.unit, 0), 0);
  let rest = (target - totalOf()) / STEP; // whole 10,000-đồng steps
  if (drawn.length && rest !== 0) {
    // Spread over every participant's cash, in proportion to its cash; a cut never takes cash below 0.
    const sign = Math.sign(rest);
    const parts = apportion(
      Math.abs(rest),
      drawn.map((d) => d.cash),
    );
    drawn.forEach((d, i) => {
      const delta = sign * Math.min(parts[i]!, sign < 0 ? d.cash / STEP : Infinity);
      d.cash += delta * STEP;
      rest -= delta;
    });
    if (rest !== 0) throw new Error(`livelihoods: could not spread ${rest * STEP} đồng of support`);
  }
  const total = totalOf();
  if (total !== target || total > budget) throw new Error(`livelihoods: support ${total} is not the target ${target} within ${budget}`);

  const p = {
    id: [] as number[],
    project: [] as string[],
    hh: [] as number[],
    commune: [] as string[],
    activity: [] as string[],
    cash: [] as number[],
    start: [] as string[],
  };
  const it = { participant: [] as number[], position: [] as number[], item: [] as string[], quantity: [] as number[], value: [] as number[] };
  drawn.forEach((d, i) => {
    const id = i + 1;
    p.id.push(id);
    p.project.push(project.code);
    p.hh.push(d.household);
    p.commune.push(d.commune);
    p.activity.push(d.activity);
    p.cash.push(d.cash);
    p.start.push(d.start);
    d.lines.forEach((l, position) => {
      it.participant.push(id);
      it.position.push(position);
      it.item.push(l.item);
      it.quantity.push(l.quantity);
      it.value.push(l.quantity * l.unit);
    });
  });
  await bulkInsert(
    db,
    'livelihood_participant',
    [
      { name: 'id', type: 'int8' },
      { name: 'project_code', type: 'text' },
      { name: 'household_id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'activity', type: 'text' },
      { name: 'cash_support', type: 'int8' },
      { name: 'start_date', type: 'date' },
    ],
    [p.id, p.project, p.hh, p.commune, p.activity, p.cash, p.start],
    { emptied: true },
  );
  await bulkInsert(
    db,
    'livelihood_support_item',
    [
      { name: 'participant_id', type: 'int8' },
      { name: 'position', type: 'int4' },
      { name: 'item', type: 'text' },
      { name: 'quantity', type: 'int4' },
      { name: 'value', type: 'int8' },
    ],
    [it.participant, it.position, it.item, it.quantity, it.value],
    { emptied: true },
  );
  log(`livelihoods: ${p.id.length} participants, ${it.item.length} support items, support ${total} of budget ${budget} (price factor ${factor.toFixed(3)})`);
}
