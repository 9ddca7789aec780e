import { COMMUNES, type CommuneRef } from '../communes.js';
import { Random } from '../random.js';

/**
 * The city plan: who lives where and who was on the poor and near-poor lists each year, at a
 * given scale. Every subgraph's city-scale generator reads this one plan, so household and
 * person identities agree across subgraphs (same household, same commune) while each
 * generator writes only its own schema.
 *
 * Distributions (written down here, where they are decided), with their sources:
 * - Rate denominators: every commune's total households per year, drawn log-normally (median
 *   17,000 households, sigma 0.45, clipped to 6,000-48,000: the merged communes and wards of
 *   July 2025 have some 20,000 to 150,000 inhabitants, at Hanoi's 3.3 people a household), then
 *   scaled to the city totals below (exact, by largest remainder).
 * - Where poverty lives: by the former district of each commune (before July 2025), a weight
 *   that stands for remoteness and farming: the mountain and hill communes of former Ba Vì
 *   (Ba Vì, Yên Bài, Suối Hai, Bất Bạt, Minh Châu) weigh most, then the rest of Ba Vì, Mỹ Đức,
 *   Ứng Hòa, Phú Xuyên, Chương Mỹ, Sóc Sơn; peri-urban Đông Anh, Gia Lâm, Hoài Đức, Thanh Trì
 *   least among rural communes, and Bát Tràng (a prosperous pottery village) least of all.
 *   This follows the city's reports that the remaining near-poor households are concentrated in
 *   the former districts of Ba Vì, Mỹ Đức, Ứng Hòa, Chương Mỹ and Phú Xuyên (Hanoi People's
 *   Committee reports on the 2021-2025 sustainable poverty-reduction programme; the weights
 *   themselves are ours). Outer wards (Sơn Tây, Tùng Thiện, Chương Mỹ) weigh like peri-urban
 *   communes, other non-central wards a fifth of that.
 * - The 43 most central wards (the first 43 wards in official order) have a few poor and
 *   near-poor households in the 2021-2023 reviews (a tenth of a peri-urban weight), all of
 *   whom leave the lists at the 2024 review, so that from then on they are the published "43
 *   communes with neither poor nor near-poor households". Every other commune keeps at least
 *   one near-poor household on the 2024 list (as far as the scale leaves households to place).
 * - Year to year, of last year's poor households about 55% stay poor, 30% become near-poor and
 *   the rest escape; of the near-poor about 1% fall into poverty and 72% stay; the lists are
 *   then filled to the year's published total with newly reviewed households.
 * - Households: the poverty population first (ids 1..P), then the rest of the programme
 *   population (borrowers, workers, pupils...): 720,000 households at scale 1, so that the
 *   458,575 VBSP borrowers of 2021-2024 are about 64% of the programme population (the city
 *   has about 2.3 million households; the registry holds the ones the programmes touch).
 * - Household sizes: 1 to 8 members, 11 / 21 / 22 / 25 / 12 / 6 / 2 / 1 % (mean 3.37): the
 *   shape of the 2019 Population and Housing Census distribution of household sizes (General
 *   Statistics Office, Completed Results, 2020), fitted to Hanoi's mean of 3.3 people a
 *   household in that census. Reviewed (poor and near-poor) households are drawn from the same
 *   distribution.
 * - Families (relations as the registry records them, ages as of 2024): the head is 26-84
 *   (born 1940-1998). Alone: a woman 60% of the time. With others: a spouse of the other sex
 *   (husband 0-6 years older than his wife) in 75% of two-person and 88% of larger households,
 *   the husband the head 80% of the time; a head under 60 lives with 1-2 of their parents (each
 *   20-38 years older, born no earlier than 1922) in 30% of households of four or more; a head
 *   of 58 or more in a household of five or more lives with a married child, the child's spouse
 *   (OTHER) and grandchildren; everyone else is a child, born when the mother was 19-42 (no
 *   birth after 2025). Names are the registry's (subgraphs/registry/generate.ts).
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
 * Calibrated to the city's published figures (tests/figures/published-figures.json): 2,134
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
  programmeHouseholds: 720_000,
  // Sized so that poor, near-poor and middle-income people with supported health insurance
  // over 2022-2024 exceed the published 179,000 (with census-sized households the poor and
  // near-poor lists hold about 78,000 people over those years: 26,000 farming households gave
  // 157,000 in all).
  middleIncomeAgricultural: 36_000,
};

export const REVIEW_YEARS = [2021, 2022, 2023, 2024] as const;

/**
 * The 2022-2025 income lines (Decree 07/2021, VND per person per month; the registry's standard
 * holds the same) and the lowest income the registry's generator records for a poor or near-poor
 * household (this share of its line). Other departments' generators keep their records
 * consistent with the reviews through these (employment: wages of a household on the list).
 */
export const INCOME_LINES_2022_2025 = { urban: 2_000_000, rural: 1_500_000 } as const;
export const LISTED_INCOME_FLOOR_SHARE = 0.55;

/**
 * Deliberate disagreements between departments, planted so that the graph's consistency checks
 * have something real to find (docs/data.md lists them): how many at scale 1, proportionally
 * fewer at smaller scales, at least one.
 */
export const PLANTED = { insuredButDeprived: 6, wagesAboveReviewedIncome: 5, housingLineWithoutLoan: 4 } as const;
export function plantedCount(kind: keyof typeof PLANTED, scale: number): number {
  return Math.max(1, Math.round(PLANTED[kind] * Math.min(1, scale)));
}

/** Relation codes of plan.memberRelation, as the registry stores them. */
export const RELATION_CODES = ['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other'] as const;
export const HEAD = 0,
  SPOUSE = 1,
  CHILD = 2,
  PARENT = 3,
  GRANDCHILD = 4,
  OTHER = 6;

/** Household sizes 1..8 (per cent), see above. */
export const HOUSEHOLD_SIZE_PERCENT = [11, 21, 22, 25, 12, 6, 2, 1] as const;

/**
 * Poverty weight of a commune's former district (see above). Keys are commune names; communes
 * not listed weigh by kind (rural 3, outer ward 1.5, other non-central ward 0.3).
 */
const POVERTY_WEIGHT: Record<string, number> = {
  // Former Ba Vì: mountain and hill communes, then the rest.
  'Ba Vì': 12,
  'Yên Bài': 12,
  'Suối Hai': 11,
  'Bất Bạt': 10,
  'Minh Châu': 10,
  'Quảng Oai': 8,
  'Vật Lại': 8,
  'Cổ Đô': 8,
  // Former Mỹ Đức and Ứng Hòa.
  'Mỹ Đức': 9,
  'Hồng Sơn': 9,
  'Phúc Sơn': 9,
  'Hương Sơn': 9,
  'Vân Đình': 7,
  'Ứng Thiên': 8,
  'Hòa Xá': 8,
  'Ứng Hòa': 8,
  // Former Phú Xuyên, Chương Mỹ, Sóc Sơn, Thạch Thất (Yên Xuân: hills), Quốc Oai, Phúc Thọ, Thanh Oai.
  'Phú Xuyên': 6,
  'Phượng Dực': 6,
  'Chuyên Mỹ': 6,
  'Đại Xuyên': 6,
  'Phú Nghĩa': 5,
  'Xuân Mai': 5,
  'Trần Phú': 6,
  'Hòa Phú': 6,
  'Quảng Bị': 6,
  'Sóc Sơn': 5,
  'Đa Phúc': 5,
  'Nội Bài': 4,
  'Trung Giã': 5,
  'Kim Anh': 5,
  'Yên Xuân': 7,
  'Thạch Thất': 4,
  'Hạ Bằng': 4,
  'Tây Phương': 4,
  'Hòa Lạc': 4,
  'Quốc Oai': 4,
  'Hưng Đạo': 4,
  'Kiều Phú': 4,
  'Phú Cát': 5,
  'Phúc Thọ': 4,
  'Phúc Lộc': 4,
  'Hát Môn': 4,
  'Thanh Oai': 4,
  'Bình Minh': 4,
  'Tam Hưng': 4,
  'Dân Hòa': 4,
  // Peri-urban: former Thường Tín, Mê Linh, Đan Phượng, Sơn Tây, then Đông Anh, Gia Lâm, Hoài Đức, Thanh Trì.
  'Thượng Phúc': 3,
  'Thường Tín': 3,
  'Chương Dương': 3,
  'Hồng Vân': 3,
  'Mê Linh': 3,
  'Yên Lãng': 3,
  'Tiến Thắng': 3,
  'Quang Minh': 2,
  'Đan Phượng': 2,
  'Ô Diên': 2,
  'Liên Minh': 2,
  'Đoài Phương': 2.5,
  'Thư Lâm': 1.5,
  'Đông Anh': 1.5,
  'Phúc Thịnh': 1.5,
  'Thiên Lộc': 1.5,
  'Vĩnh Thanh': 1.5,
  'Gia Lâm': 1.5,
  'Thuận An': 1.5,
  'Phù Đổng': 1.5,
  'Bát Tràng': 0.3,
  'Hoài Đức': 1.5,
  'Dương Hòa': 1.5,
  'Sơn Đồng': 1.5,
  'An Khánh': 1.5,
  'Thanh Trì': 1.5,
  'Đại Thanh': 1.5,
  'Nam Phù': 1.5,
  'Ngọc Hồi': 1.5,
  // Outer wards.
  'Sơn Tây': 1.5,
  'Tùng Thiện': 1.5,
  'Chương Mỹ': 1.5,
};
/** Central wards: a few poor and near-poor households before the 2024 review, none after. */
const CENTRAL_WEIGHT = 0.15;

export function povertyWeight(c: CommuneRef, central: boolean): number {
  if (central) return CENTRAL_WEIGHT;
  return POVERTY_WEIGHT[c.name] ?? (c.kind === 'rural' ? 3 : 0.3);
}

/** 0 above middle income, 1 middle income, 2 near-poor, 3 poor. */
export type Band = 0 | 1 | 2 | 3;
export const ABOVE = 0,
  MIDDLE = 1,
  NEAR_POOR = 2,
  POOR = 3;

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
  /** Per member: relation to the head (RELATION_CODES index: head, spouse, child, parent, grandchild, sibling, other). */
  memberRelation: Uint8Array;
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

interface PlannedMember {
  born: number;
  /** 0 female, 1 male. */
  sex: number;
  relation: number;
}

/** The last birth year of the data set (its horizon is 2025). */
const LAST_BIRTH = 2025;

/** One household of `n` members, head first (see "Families" above). */
function family(random: Random, n: number): PlannedMember[] {
  const headBorn = random.int(1940, 1998);
  const headAge = 2024 - headBorn;
  if (n === 1) return [{ born: headBorn, sex: random.chance(0.6) ? 0 : 1, relation: HEAD }];
  const couple = random.chance(n === 2 ? 0.75 : 0.88);
  const headSex = couple ? (random.chance(0.8) ? 1 : 0) : random.chance(0.3) ? 1 : 0;
  const members: PlannedMember[] = [{ born: headBorn, sex: headSex, relation: HEAD }];
  let motherBorn = headBorn;
  if (couple) {
    // The husband 0-6 years older than his wife.
    const gap = random.int(0, 6);
    const spouseBorn = Math.min(2000, headSex === 1 ? headBorn + gap : headBorn - gap);
    members.push({ born: spouseBorn, sex: 1 - headSex, relation: SPOUSE });
    motherBorn = headSex === 1 ? spouseBorn : headBorn;
  }
  let slots = n - members.length;
  if (slots >= 2 && n >= 4 && headAge < 60 && random.chance(0.3)) {
    const parents = slots >= 3 && random.chance(0.5) ? 2 : 1;
    const fatherBorn = Math.max(1922, headBorn - random.int(22, 38));
    const parentSexes = parents === 2 ? [1, 0] : [random.chance(0.35) ? 1 : 0];
    for (const sex of parentSexes) {
      members.push({ born: sex === 1 ? fatherBorn : Math.max(1922, Math.min(headBorn - 20, fatherBorn + random.int(0, 6))), sex, relation: PARENT });
    }
    slots -= parents;
  }
  // Born when the mother was 19-42, and by the data set's last birth year.
  const bornTo = (mother: number) => mother + random.int(19, Math.max(19, Math.min(42, LAST_BIRTH - mother)));
  const child = () => bornTo(motherBorn);
  if (slots >= 3 && n >= 5 && headAge >= 58) {
    // A married child with their spouse and children.
    const childBorn = Math.min(2000, child());
    const childSex = random.chance(0.75) ? 1 : 0;
    members.push({ born: childBorn, sex: childSex, relation: CHILD });
    members.push({ born: Math.min(2000, childSex === 1 ? childBorn + random.int(0, 5) : childBorn - random.int(0, 5)), sex: 1 - childSex, relation: OTHER });
    slots -= 2;
    const grandMother = childSex === 1 ? childBorn + 2 : childBorn;
    while (slots > 0) {
      members.push({ born: Math.min(LAST_BIRTH, bornTo(grandMother)), sex: random.chance(0.51) ? 1 : 0, relation: GRANDCHILD });
      slots--;
    }
  }
  while (slots > 0) {
    members.push({ born: child(), sex: random.chance(0.51) ? 1 : 0, relation: CHILD });
    slots--;
  }
  return members;
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
  // Log-normal sizes (Box-Muller), median 17,000, clipped to 6,000-48,000.
  const sizeWeights = communes.map(() => {
    const z = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    return Math.round(Math.min(48_000, Math.max(6_000, 17_000 * Math.exp(0.45 * z))));
  });
  for (const [year, total] of Object.entries(targets.households)) {
    apportion(scaled(total, scale), sizeWeights).forEach((n, i) => (communes[i]!.households[Number(year)] = n));
  }
  // Each commune's weight, jittered by +-20% so that communes of one district differ.
  const povertyWeights = communes.map((c) => povertyWeight(c, !c.hasPoverty) * (0.8 + 0.4 * random.next()));
  // The central wards take part only in reviews before 2024 (see above).
  const LAST_CENTRAL_YEAR = 2023;

  // Yearly lists: each household of the poverty population has a band per review year.
  const bandsByHousehold: number[][] = []; // index = household id - 1, value = band per REVIEW_YEARS index (or -1)
  const communeOf: number[] = [];
  const addHousehold = (commune: number): number => {
    communeOf.push(commune);
    bandsByHousehold.push(REVIEW_YEARS.map(() => -1));
    return bandsByHousehold.length; // id
  };
  const newHousehold = (year: number): number => {
    // Drawn by poverty weight, so poverty concentrates where the weights say.
    const open = communes.filter((c) => c.hasPoverty || year <= LAST_CENTRAL_YEAR);
    const pick = random.next() * open.reduce((a, c) => a + povertyWeights[c.index]!, 0);
    let acc = 0;
    let chosen = open[open.length - 1]!.index;
    for (const c of open) {
      acc += povertyWeights[c.index]!;
      if (pick < acc) {
        chosen = c.index;
        break;
      }
    }
    return addHousehold(chosen);
  };
  const central = (id: number) => !communes[communeOf[id - 1]!]!.hasPoverty;

  let poorIds: number[] = [];
  let nearIds: number[] = [];
  REVIEW_YEARS.forEach((year, y) => {
    const targetPoor = scaled(targets.poor[year] ?? 0, scale);
    const targetNear = scaled(targets.nearPoor[year] ?? 0, scale);
    // From 2024 on the central wards' households all leave the lists (they stay last in line).
    const closing = year > LAST_CENTRAL_YEAR;
    const last = (ids: number[]) => (closing ? [...ids.filter((id) => !central(id)), ...ids.filter(central)] : ids);
    const prevPoor = last(shuffle(random, [...poorIds]));
    const prevNear = last(shuffle(random, [...nearIds]));
    const poorStay = Math.min(targetPoor, Math.round(prevPoor.length * 0.55));
    const poorToNear = Math.min(targetNear, Math.round(prevPoor.length * 0.3));
    const nearToPoor = Math.min(targetPoor - poorStay, Math.round(prevNear.length * 0.01));
    const nearStay = Math.min(targetNear - poorToNear, Math.round(prevNear.length * 0.72));
    const keep = (ids: number[]) => (closing ? ids.filter((id) => !central(id)) : ids);
    const nextPoor = keep([...prevPoor.slice(0, poorStay), ...prevNear.slice(0, nearToPoor)]);
    const nextNear = keep([...prevPoor.slice(poorStay, poorStay + poorToNear), ...prevNear.slice(nearToPoor, nearToPoor + nearStay)]);
    if (year === REVIEW_YEARS[REVIEW_YEARS.length - 1]) {
      // Every commune outside the central wards keeps a near-poor household on the last list,
      // as far as the households still to place allow.
      const listed = new Set(nextNear.map((id) => communeOf[id - 1]!));
      for (const c of communes) {
        if (c.hasPoverty && !listed.has(c.index) && nextNear.length < targetNear) nextNear.push(addHousehold(c.index));
      }
    }
    while (nextPoor.length < targetPoor) nextPoor.push(newHousehold(year));
    while (nextNear.length < targetNear) nextNear.push(newHousehold(year));
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
  const candidates = shuffle(
    random,
    [...perCommune.values()].flatMap((ids) => ids.slice(1)),
  );
  const escaped2025 = Int32Array.from(candidates.slice(0, scaled(targets.nearPoorEscaped2025, scale)).sort((a, b) => a - b));

  // The middle-income agricultural households: reviewed every year, always middle income.
  for (let k = 0; k < scaled(targets.middleIncomeAgricultural, scale); k++) {
    const id = newHousehold(2024);
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

  // Members: sizes from the census distribution, families as described above, head first.
  const memberStart = new Int32Array(householdCount);
  const memberCount = new Uint8Array(householdCount);
  const sizeCumulative: number[] = [];
  HOUSEHOLD_SIZE_PERCENT.reduce((acc, p, i) => (sizeCumulative[i] = acc + p), 0);
  let next = 1;
  for (let i = 0; i < householdCount; i++) {
    const r = random.next() * 100;
    const n = sizeCumulative.findIndex((c) => r < c) + 1 || HOUSEHOLD_SIZE_PERCENT.length;
    memberStart[i] = next;
    memberCount[i] = n;
    next += n;
  }
  const memberTotal = next - 1;
  const memberBirthYear = new Uint16Array(memberTotal);
  const memberSex = new Uint8Array(memberTotal);
  const memberRelation = new Uint8Array(memberTotal);
  for (let i = 0; i < householdCount; i++) {
    const start = memberStart[i]! - 1;
    family(random, memberCount[i]!).forEach((m, k) => {
      memberBirthYear[start + k] = m.born;
      memberSex[start + k] = m.sex;
      memberRelation[start + k] = m.relation;
    });
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
    memberRelation,
    povertyPopulation,
    middleIncomeStart: povertyPopulation - scaled(targets.middleIncomeAgricultural, scale) + 1,
    bands,
    escaped2025,
  };
}
