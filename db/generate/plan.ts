import { COMMUNES, type CommuneRef } from '../communes.js';
import { Random } from '../random.js';

/**
 * The city plan: who lives where and who was on the poor and near-poor lists each year, at a
 * given scale. Every subgraph's city-scale generator reads this one plan, so household and
 * person identities agree across subgraphs (same household, same commune) while each
 * generator writes only its own schema.
 *
 * Distributions (written down here, where they are decided):
 * - Rate denominators: every commune's total households per year, wards 17,000-25,000 and
 *   rural communes 13,000-20,000 before scaling to the city totals below (exact, by largest
 *   remainder).
 * - Poverty lives in rural and peri-urban communes: the 43 most central wards (the first 43
 *   wards in official order) never had a poor or near-poor household in these years, which is
 *   the published "43 communes with neither poor nor near-poor households". Among the other 83,
 *   rural communes weigh 3-8 and wards 1-2 (a stand-in for remoteness the commune list lacks).
 * - Year to year, of last year's poor households about 55% stay poor, 30% become near-poor and
 *   the rest escape; of the near-poor about 1% fall into poverty and 72% stay; the lists are
 *   then filled to the year's published total with newly reviewed households.
 * - Households: the poverty population first (ids 1..P), then the rest of the programme
 *   population (borrowers, workers...); 2 to 6 members in the reviewed population, 1 to 3 elsewhere
 */

export interface CityTargets {
  /** Total households of the city by year (the denominators). */
  households: Record<number, number>;
  /** Poor households by periodic review year. */
  poor: Record<number, number>;
  /** Near-poor households by periodic review year. */
  nearPoor: Record<number, number>;
  /** Near-poor households that left the list in regular reviews between the 2024 review and September 2025. */
  nearPoorEscaped2025: number;
  /** Communes and wards that never have a poor or near-poor household. */
  communesWithoutPoverty: number;
  /** Households that appear as registry records (the programme population). */
  programmeHouseholds: number;
  /**
   * Middle-income households in farming, forestry or fishery, reviewed each year: the third
   * group whose health insurance the budget supports.
   */
  middleIncomeAgricultural: number;
}

/**
 * Calibrated to the city's published figures (../shared/data/published-figures.json): 2,134
 * poor households (0.095%) after the 2022 review, 690 (0.03%) after 2023, none after 2024;
 * 9,928 near-poor (0.43%) after 2024; more than 3,600 poor at the start of 2022. The
 * denominators are the ones those rates imply (2022: 2,134 / 0.095% is about 2.246 million; 2024:
 * 9,928 / 0.43% about 2.31 million). Years the city did not publish are plausible in-betweens.
 */
export const CITY_TARGETS: CityTargets = {
  households: { 2021: 2_229_000, 2022: 2_246_300, 2023: 2_279_000, 2024: 2_309_000, 2025: 2_330_000 },
  poor: { 2021: 3_612, 2022: 2_134, 2023: 690, 2024: 0 },
  nearPoor: { 2021: 15_800, 2022: 13_900, 2023: 11_700, 2024: 9_928 },
  nearPoorEscaped2025: 103,
  communesWithoutPoverty: 43,
  programmeHouseholds: 480_000,
  // Sized so that poor, near-poor and middle-income people with supported health insurance
  // over 2022-2024 exceed the published 179,000.
  middleIncomeAgricultural: 26_000,
};

export const REVIEW_YEARS = [2021, 2022, 2023, 2024] as const;

/** 0 above middle income, 1 middle income, 2 near-poor, 3 poor. */
export type Band = 0 | 1 | 2 | 3;
export const ABOVE = 0, MIDDLE = 1, NEAR_POOR = 2, POOR = 3;

export interface PlannedCommune extends CommuneRef {
  index: number;
  households: Record<number, number>;
  /** False for the communes that never have a poor or near-poor household. */
  hasPoverty: boolean;
}

export interface CityPlan {
  scale: number;
  seed: number;
  communes: PlannedCommune[];
  /** Households 1..householdCount; arrays are indexed by household id - 1. */
  householdCount: number;
  /** Commune index of each household. */
  householdCommune: Uint8Array;
  /** First member id of each household; its members are memberStart .. memberStart + memberCount - 1. */
  memberStart: Int32Array;
  memberCount: Uint8Array;
  memberTotal: number;
  /** Per member (indexed by member id - 1): birth year and sex (0 female, 1 male). Member 0 of a household is its head. */
  memberBirthYear: Uint16Array;
  memberSex: Uint8Array;
  /**
   * Households reviewed: ids 1..povertyPopulation (the poor and near-poor of any year, those
   * who escaped, and, last, the middle-income agricultural households).
   */
  povertyPopulation: number;
  /** First id of the middle-income agricultural households (they run to povertyPopulation). */
  middleIncomeStart: number;
  /** Band of each poverty-population household in each review year (255 = not reviewed that year). */
  bands: Record<number, Uint8Array>;
  /** Household ids (near-poor after the 2024 review) that escaped in a 2025 regular review. */
  escaped2025: Int32Array;
}

function scaled(n: number, scale: number): number {
  return Math.round(n * scale);
}

/** Splits `total` over weights so that the parts are whole numbers adding up exactly. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const parts = raw.map(Math.floor);
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]![1]]! += 1;
  return parts;
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function buildCityPlan(scale = 1, seed = 2025, targets: CityTargets = CITY_TARGETS): CityPlan {
  if (!(scale > 0 && scale <= 10)) throw new RangeError(`scale must be in (0, 10], got ${scale}`);
  const random = new Random(seed);

  // Communes and their denominators.
  let wardsSeen = 0;
  const communes: PlannedCommune[] = COMMUNES.map((c, index) => {
    const central = c.kind === 'ward' && wardsSeen++ < targets.communesWithoutPoverty;
    return { ...c, index, households: {}, hasPoverty: !central };
  });
  const sizeWeights = communes.map((c) => (c.kind === 'ward' ? random.int(17_000, 25_000) : random.int(13_000, 20_000)));
  for (const [year, total] of Object.entries(targets.households)) {
    apportion(scaled(total, scale), sizeWeights).forEach((n, i) => (communes[i]!.households[Number(year)] = n));
  }
  const povertyWeights = communes.map((c) => (!c.hasPoverty ? 0 : c.kind === 'rural' ? random.int(3, 8) : random.int(1, 2)));
  const povertyCommunes = communes.filter((c) => c.hasPoverty);

  // Yearly lists: each household of the poverty population has a band per review year.
  const bandsByHousehold: number[][] = []; // index = household id - 1, value = band per REVIEW_YEARS index (or -1)
  const communeOf: number[] = [];
  const newHousehold = (): number => {
    // Drawn by poverty weight, so poverty concentrates where the weights say.
    const pick = random.next() * povertyWeights.reduce((a, b) => a + b, 0);
    let acc = 0;
    let chosen = povertyCommunes[0]!.index;
    for (const c of povertyCommunes) {
      acc += povertyWeights[c.index]!;
      if (pick < acc) {
        chosen = c.index;
        break;
      }
    }
    communeOf.push(chosen);
    bandsByHousehold.push(REVIEW_YEARS.map(() => -1));
    return bandsByHousehold.length; // id
  };

  let poorIds: number[] = [];
  let nearIds: number[] = [];
  REVIEW_YEARS.forEach((year, y) => {
    const targetPoor = scaled(targets.poor[year] ?? 0, scale);
    const targetNear = scaled(targets.nearPoor[year] ?? 0, scale);
    const prevPoor = shuffle(random, [...poorIds]);
    const prevNear = shuffle(random, [...nearIds]);
    const poorStay = Math.min(targetPoor, Math.round(prevPoor.length * 0.55));
    const poorToNear = Math.min(targetNear, Math.round(prevPoor.length * 0.3));
    const nearToPoor = Math.min(targetPoor - poorStay, Math.round(prevNear.length * 0.01));
    const nearStay = Math.min(targetNear - poorToNear, Math.round(prevNear.length * 0.72));
    const nextPoor = [...prevPoor.slice(0, poorStay), ...prevNear.slice(0, nearToPoor)];
    const nextNear = [...prevPoor.slice(poorStay, poorStay + poorToNear), ...prevNear.slice(nearToPoor, nearToPoor + nearStay)];
    while (nextPoor.length < targetPoor) nextPoor.push(newHousehold());
    while (nextNear.length < targetNear) nextNear.push(newHousehold());
    for (const id of nextPoor) bandsByHousehold[id - 1]![y] = POOR;
    for (const id of nextNear) bandsByHousehold[id - 1]![y] = NEAR_POOR;
    // Last year's poor and near-poor who are on neither list were reviewed and escaped.
    for (const id of [...prevPoor, ...prevNear]) {
      if (bandsByHousehold[id - 1]![y] === -1) bandsByHousehold[id - 1]![y] = random.chance(0.8) ? MIDDLE : ABOVE;
    }
    poorIds = nextPoor;
    nearIds = nextNear;
  });
  // Regular reviews in 2025: near-poor households leave the list, never the last one of a commune.
  const perCommune = new Map<number, number[]>();
  for (const id of nearIds) {
    const list = perCommune.get(communeOf[id - 1]!) ?? [];
    list.push(id);
    perCommune.set(communeOf[id - 1]!, list);
  }
  const candidates = shuffle(random, [...perCommune.values()].flatMap((ids) => ids.slice(1)));
  const escaped2025 = Int32Array.from(candidates.slice(0, scaled(targets.nearPoorEscaped2025, scale)).sort((a, b) => a - b));

  // The middle-income agricultural households: reviewed every year, always middle income.
  for (let k = 0; k < scaled(targets.middleIncomeAgricultural, scale); k++) {
    const id = newHousehold();
    bandsByHousehold[id - 1] = REVIEW_YEARS.map(() => MIDDLE);
  }

  const povertyPopulation = bandsByHousehold.length;
  const householdCount = Math.max(povertyPopulation, scaled(targets.programmeHouseholds, scale));
  const householdCommune = new Uint8Array(householdCount);
  communeOf.forEach((c, i) => (householdCommune[i] = c));
  // The rest of the programme population lives anywhere, in proportion to commune size.
  const sizeTotal = sizeWeights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  sizeWeights.reduce((acc, w, i) => (cumulative[i] = acc + w / sizeTotal), 0);
  for (let i = povertyPopulation; i < householdCount; i++) {
    const r = random.next();
    let k = cumulative.findIndex((c) => r < c);
    if (k < 0) k = communes.length - 1;
    householdCommune[i] = k;
  }

  const bands: Record<number, Uint8Array> = {};
  REVIEW_YEARS.forEach((year, y) => {
    const a = new Uint8Array(povertyPopulation).fill(255);
    bandsByHousehold.forEach((b, i) => {
      if (b[y]! >= 0) a[i] = b[y]!;
    });
    bands[year] = a;
  });

  // Members: 1 to 6 per household (poor households a little larger), head first.
  const memberStart = new Int32Array(householdCount);
  const memberCount = new Uint8Array(householdCount);
  let next = 1;
  for (let i = 0; i < householdCount; i++) {
    const n = i < povertyPopulation ? random.int(2, 6) : random.int(1, 3);
    memberStart[i] = next;
    memberCount[i] = n;
    next += n;
  }
  const memberTotal = next - 1;
  const memberBirthYear = new Uint16Array(memberTotal);
  const memberSex = new Uint8Array(memberTotal);
  for (let i = 0; i < householdCount; i++) {
    const start = memberStart[i]! - 1;
    const headYear = random.int(1945, 1998);
    for (let m = 0; m < memberCount[i]!; m++) {
      memberBirthYear[start + m] = m === 0 ? headYear : m === 1 ? headYear + random.int(-5, 5) : Math.min(2023, headYear + random.int(18, 35));
      memberSex[start + m] = random.chance(0.5) ? 1 : 0;
    }
  }

  return {
    scale,
    seed,
    communes,
    householdCount,
    householdCommune,
    memberStart,
    memberCount,
    memberTotal,
    memberBirthYear,
    memberSex,
    povertyPopulation,
    middleIncomeStart: povertyPopulation - scaled(targets.middleIncomeAgricultural, scale) + 1,
    bands,
    escaped2025,
  };
}
