import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantedCount } from '../db/generate/plan.js';
import { measure, type Measures } from './plausibility/invariants.js';
import { startTestStack, type TestStack } from './support/stack.js';

// Would a Hanoi statistician accept the generated city? Invariants over every department's
// records (issue 17), at scale 0.01 by default (CI) and at any scale on demand with
// PLAUSIBILITY_SCALE=1 (not FULL_SCALE: CI's server run sets that for the published figures, and
// a second scale-1 city would cost CI ten minutes). Every bound
// failed on the generator before issue 17 (docs/data.md has the values before and after).
const scale = Number(process.env.PLAUSIBILITY_SCALE || 0.01);

let stack: TestStack;
let m: Measures;
beforeAll(async () => {
  stack = await startTestStack({ data: 'city', scale });
  m = await measure(stack.databases.kysely<any>('registry'));
  console.log(`plausibility at scale ${scale}: ${JSON.stringify(m)}`);
}, 1_800_000);
afterAll(async () => {
  await stack?.close();
});

describe(`the generated city is plausible (scale ${scale})`, () => {
  it('families: parents older than the head, mixed-sex couples, wives keeping their own family names', () => {
    expect(m.parents).toBeGreaterThan(0);
    expect(m.parentsNotOlderThanHead).toBe(0);
    expect(m.mixedSexCoupleShare).toBeGreaterThanOrEqual(0.99);
    // Two family names drawn independently agree about 18% of the time (Nguyễn alone 38%).
    expect(m.wivesWithHusbandsFamilyNameShare).toBeLessThan(0.3);
  });

  it('names: many distinct full names, Nguyễn about 38% as in Vietnam', () => {
    expect(m.distinctFullNames).toBeGreaterThanOrEqual(Math.min(0.3 * m.members!, 20_000));
    expect(m.nguyenShare).toBeGreaterThan(0.3);
    expect(m.nguyenShare).toBeLessThan(0.45);
  });

  it("household sizes follow Hanoi's census: mean 3.0-3.6, up to 8 members, few living alone", () => {
    expect(m.meanHouseholdSize).toBeGreaterThanOrEqual(3.0);
    expect(m.meanHouseholdSize).toBeLessThanOrEqual(3.6);
    expect(m.largestHousehold).toBeGreaterThanOrEqual(7);
    expect(m.householdsOfFourOrMoreShare).toBeGreaterThan(0.3);
    expect(m.singlePersonShare).toBeLessThan(0.2);
  });

  it('capital is entrusted in each year 2021-2024', () => {
    for (const year of [2021, 2022, 2023, 2024]) expect(m[`capitalEntrusted${year}`], String(year)).toBeGreaterThan(0);
  });

  it('loans are disbursed on working days only (no weekend, 1 January, Tết, 30 April, 1 May, 2 September)', () => {
    expect(m.loans).toBeGreaterThan(0);
    expect(m.loansOnNonWorkingDays).toBe(0);
  });

  it('borrowing from VBSP is common in the programme population, not universal', () => {
    expect(m.borrowingShare).toBeGreaterThan(0.1);
    expect(m.borrowingShare).toBeLessThanOrEqual(0.7);
  });

  it('a realistic share of working-age people on the lists is placed in a job in a year', () => {
    expect(m.listedWorkingAgePlacedShare2024).toBeGreaterThan(0.02);
    expect(m.listedWorkingAgePlacedShare2024).toBeLessThan(0.3);
  });

  it('near-poverty is concentrated in the rural communes of former Ba Vì, Mỹ Đức and Ứng Hòa, few in wards, Bát Tràng not the top', () => {
    expect(m.nearPoor2024).toBeGreaterThan(0);
    // These 16 of 126 communes hold over a third of the near-poor (a quarter if spread over
    // rural communes alike).
    expect(m.nearPoorInRemoteCommunesShare).toBeGreaterThan(0.35);
    expect(m.nearPoorInWardsShare).toBeLessThan(0.12);
    expect(m.batTrangIsTopNearPoor).toBe(0);
    expect(m.topNearPoorCommuneIsRemote).toBe(1);
  });

  it('the 43 central wards had a few reviewed households before the 2024 review and none on its lists', () => {
    expect(m.centralWardsEverReviewed).toBeGreaterThan(0);
    expect(m.centralWardsListedIn2024).toBe(0);
  });

  it('communes differ in size as the merged communes and wards do', () => {
    expect(m.communeHouseholdsMaxOverMin).toBeGreaterThan(3);
  });

  it('periodic reviews fall between 1 September and 14 December', () => {
    expect(m.periodicReviewsOutsideWindow).toBe(0);
  });

  it('departments agree except for the few disagreements planted on purpose (docs/data.md)', () => {
    expect(m.reviewsMarkingHealthInsurance).toBeGreaterThan(0);
    expect(m.insuredButDeprived).toBe(plantedCount('insuredButDeprived', scale));
    expect(m.wagesFarAboveReviewedIncome).toBe(plantedCount('wagesAboveReviewedIncome', scale));
    expect(m.vbspHousingLines).toBeGreaterThan(m.vbspHousingLinesWithoutLoan!);
    expect(m.vbspHousingLinesWithoutLoan).toBe(plantedCount('housingLineWithoutLoan', scale));
  });

  it('no review reads as null, not zero: 2025 (regular reviews only) has no lists; a commune nobody was reviewed in has no figures', async () => {
    const r = await stack.query(`{
      city { y2025: povertyFigures(year: 2025) { reviewedHouseholds poor nearPoor nearPoorRatePercent escapedNearPoverty }
             y2024: povertyFigures(year: 2024) { reviewedHouseholds poor nearPoor nearPoorRatePercent }
             y2020: povertyFigures(year: 2020) { reviewedHouseholds poor nearPoor poorRatePercent escapedPoverty }
             status: povertyStatus(asOf: "2025-09-30") { nearPoor } }
      communes { code povertyFigures(year: 2022) { reviewedHouseholds poor nearPoor nearPoorRatePercent newlyPoor } } }`);
    expect(r.errors).toBeUndefined();
    const { y2025, y2024, y2020, status } = r.data.city;
    expect(y2020).toEqual({ reviewedHouseholds: 0, poor: null, nearPoor: null, poorRatePercent: null, escapedPoverty: null });
    expect(y2025.reviewedHouseholds).toBeGreaterThan(0);
    expect(y2025).toMatchObject({ poor: null, nearPoor: null, nearPoorRatePercent: null, escapedNearPoverty: y2025.reviewedHouseholds });
    expect(y2024.nearPoor).toBeGreaterThan(0);
    expect(y2024.poor).toBe(0); // a list was drawn, with nobody poor on it: a real zero
    expect(status.nearPoor).toBe(y2024.nearPoor - y2025.reviewedHouseholds);
    // At small scales many communes have nobody reviewed in 2022; at scale 1 perhaps none.
    const unreviewed = r.data.communes.filter((c: any) => c.povertyFigures.reviewedHouseholds === 0);
    for (const c of unreviewed) expect(c.povertyFigures, c.code).toMatchObject({ poor: null, nearPoor: null, nearPoorRatePercent: null, newlyPoor: null });
  });

  it('health-insurance coverage never counts a member not yet born on the date', async () => {
    const registry = stack.databases.kysely<any>('registry');
    const households = await registry
      .selectFrom('household_member')
      .select('household_id')
      .where('birth_year', '>=', 2023)
      .orderBy('household_id')
      .limit(50)
      .execute();
    expect(households.length).toBeGreaterThan(0);
    const ids = households.map((h) => String(h.household_id));
    const r = await stack.query(
      `query($ids: [ID!]!) { healthInsuranceCoverage(householdIds: $ids, date: "2022-07-01") { memberCount coveredMembers { birthYear } uncoveredMembers { birthYear } } }`,
      { ids },
    );
    expect(r.errors).toBeUndefined();
    const listed = r.data.healthInsuranceCoverage.flatMap((c: any) => [...c.coveredMembers, ...c.uncoveredMembers]);
    expect(listed.filter((member: any) => member.birthYear > 2022)).toEqual([]);
    for (const c of r.data.healthInsuranceCoverage) expect(c.coveredMembers.length + c.uncoveredMembers.length).toBe(c.memberCount);
  });
});
