import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyError, startTestStack, type TestStack } from '../../../tests/support/stack.js';

// These tests are about this department's answers, so callers without a token may send any
// document; the gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const INDICATORS = [
  'employment',
  'dependants',
  'nutrition',
  'health_insurance',
  'adult_education',
  'school_attendance',
  'housing_quality',
  'floor_area',
  'water_source',
  'latrine',
  'telecommunication',
  'information_access',
];

function answers(deprived: string[]) {
  return INDICATORS.map((code) => ({ code, deprived: deprived.includes(code) }));
}

const REGISTER = `mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { household { id commune { code } address members { fullName relation nationalId } } }
}`;
const REVIEW = `mutation($input: RecordPovertyReviewInput!) {
  recordPovertyReview(input: $input) { review { id year classification transition deprivationCount standard { code } commune { code } } }
}`;

async function counts() {
  const r = await stack.query(`{ households(first: 1) { totalCount } city { povertyFigures(year: 2024) { reviewedHouseholds } } }`);
  return { households: r.data.households.totalCount, reviewed: r.data.city.povertyFigures.reviewedHouseholds };
}

async function register(communeCode: string, nationalId?: string) {
  const r = await stack.query(REGISTER, {
    input: {
      communeCode,
      address: '12 Thôn Thượng',
      members: [{ fullName: 'Nguyễn Thị Test', birthYear: 1980, sex: 'FEMALE', relation: 'HEAD', ...(nationalId ? { nationalId } : {}) }],
    },
  });
  expect(r.errors).toBeUndefined();
  return r.data.registerHousehold.household.id as string;
}

describe('communes through the gateway', () => {
  it('lists the 126 communes and wards with their poverty counts', async () => {
    const r = await stack.query(
      `{ communes { code name kind householdCount(year: 2024) povertyFigures(year: 2022) { poor nearPoor households poorRatePercent } } }`,
    );
    expect(r.errors).toBeUndefined();
    const communes = r.data.communes;
    expect(communes).toHaveLength(126);
    expect(communes.filter((c: any) => c.kind === 'WARD')).toHaveLength(51);
    expect(communes.filter((c: any) => c.kind === 'RURAL_COMMUNE')).toHaveLength(75);
    expect(communes[0]).toMatchObject({ code: '00070', name: 'Hoàn Kiếm', kind: 'WARD' });
    for (const c of communes) {
      expect(c.householdCount).toBeGreaterThan(0);
      expect(c.povertyFigures.households).toBe(communes.find((x: any) => x.code === c.code).povertyFigures.households);
    }
    const city = await stack.query(`{ city { communeCount wardCount ruralCommuneCount povertyFigures(year: 2022) { poor nearPoor households } } }`);
    const sumPoor = communes.reduce((s: number, c: any) => s + c.povertyFigures.poor, 0);
    const sumNear = communes.reduce((s: number, c: any) => s + c.povertyFigures.nearPoor, 0);
    expect(city.data.city).toMatchObject({ communeCount: 126, wardCount: 51, ruralCommuneCount: 75 });
    expect(city.data.city.povertyFigures.poor).toBe(sumPoor);
    expect(city.data.city.povertyFigures.nearPoor).toBe(sumNear);
    expect(sumPoor).toBeGreaterThan(0);
    const poorRate = communes.find((c: any) => c.povertyFigures.poor > 0).povertyFigures;
    expect(poorRate.poorRatePercent).toBeCloseTo((poorRate.poor / poorRate.households) * 100, 10);
  });

  it('filters communes by kind and name', async () => {
    const r = await stack.query(`{ wards: communes(filter: { kind: WARD, nameContains: "KIẾM" }) { code name } }`);
    expect(r.data.wards).toEqual([{ code: '00070', name: 'Hoàn Kiếm' }]);
    const one = await stack.query(`{ commune(code: "00070") { name } missing: commune(code: "99999") { name } }`);
    expect(one.data).toEqual({ commune: { name: 'Hoàn Kiếm' }, missing: null });
  });
});

describe('households', () => {
  it('pages through a filtered list with cursors', async () => {
    const q = `query($after: String) { households(first: 40, after: $after, filter: { year: 2022, classification: POOR }) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id latestReview(year: 2022) { classification } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page++) {
      const r: any = await stack.query(q, { after });
      expect(r.errors).toBeUndefined();
      total = r.data.households.totalCount;
      for (const e of r.data.households.edges) {
        expect(e.node.latestReview.classification).toBe('POOR');
        seen.push(e.node.id);
      }
      if (!r.data.households.pageInfo.hasNextPage) break;
      after = r.data.households.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(40);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('refuses a page larger than 100 and a classification without a year', async () => {
    const big = onlyError(await stack.query(`{ households(first: 101) { totalCount } }`));
    expect(big.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const noYear = onlyError(await stack.query(`{ households(filter: { classification: POOR }) { totalCount } }`));
    expect(noYear.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.year' });
  });
});

describe('registering households and recording reviews', () => {
  it('registers a household and scores its reviews by the standard, with transitions', async () => {
    const id = await register('00070');
    const first = await stack.query(REVIEW, {
      input: {
        householdId: id,
        year: 2023,
        reviewDate: '2023-10-01',
        incomePerPersonMonthly: '2000000',
        indicators: answers(['employment', 'latrine', 'nutrition']),
      },
    });
    expect(first.errors).toBeUndefined();
    // A ward: the urban line (2,000,000) applies; exactly at the line with 3 deprivations is poor.
    expect(first.data.recordPovertyReview.review).toMatchObject({
      year: 2023,
      classification: 'POOR',
      transition: 'NEWLY_POOR',
      deprivationCount: 3,
      standard: { code: '2022-2025' },
      commune: { code: '00070' },
    });
    const second = await stack.query(REVIEW, {
      input: { householdId: id, year: 2024, reviewDate: '2024-10-01', incomePerPersonMonthly: 1900000, indicators: answers(['employment']) },
    });
    expect(second.data.recordPovertyReview.review).toMatchObject({ classification: 'NEAR_POOR', transition: 'ESCAPED_POVERTY' });
    const third = await stack.query(REVIEW, {
      input: { householdId: id, year: 2024, kind: 'REGULAR', reviewDate: '2024-12-20', incomePerPersonMonthly: '2600000', indicators: answers([]) },
    });
    expect(third.data.recordPovertyReview.review).toMatchObject({ classification: 'MIDDLE_INCOME', transition: 'ESCAPED_NEAR_POVERTY' });
    const h = await stack.query(`{ household(id: "${id}") { reviews { year } latestReview(year: 2024) { classification } } }`);
    expect(h.data.household.reviews.map((r: any) => r.year)).toEqual([2023, 2024, 2024]);
    expect(h.data.household.latestReview.classification).toBe('MIDDLE_INCOME');
  });

  it('refuses bad registrations naming the field, writing nothing', async () => {
    const before = await counts();
    const head = { fullName: 'Trần Văn A', birthYear: 1970, sex: 'MALE', relation: 'HEAD' };
    const cases: Array<[any, string]> = [
      [{ communeCode: '99999', address: 'x', members: [head] }, 'communeCode'],
      [{ communeCode: '00070', address: '  ', members: [head] }, 'address'],
      [{ communeCode: '00070', address: 'x', members: [] }, 'members'],
      [{ communeCode: '00070', address: 'x', members: [{ ...head, relation: 'CHILD' }] }, 'members'],
      [{ communeCode: '00070', address: 'x', members: [head, { ...head, relation: 'CHILD', birthYear: 1800 }] }, 'members[1].birthYear'],
      [{ communeCode: '00070', address: 'x', members: [{ ...head, nationalId: '123' }] }, 'members[0].nationalId'],
    ];
    for (const [input, field] of cases) {
      const error = onlyError(await stack.query(REGISTER, { input }));
      expect(error.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a national ID that is already registered', async () => {
    await register('00004', '001234567890');
    const before = await counts();
    const error = onlyError(
      await stack.query(REGISTER, {
        input: { communeCode: '00004', address: 'y', members: [{ fullName: 'B', birthYear: 1990, sex: 'MALE', relation: 'HEAD', nationalId: '001234567890' }] },
      }),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'members[0].nationalId' });
    expect(await counts()).toEqual(before);
  });

  it('scores the review of year Y under the standard in force on 1 January of Y + 1 (the lists it draws)', async () => {
    const standards = await stack.query(`{ povertyStandards { code firstReviewYear lastReviewYear } }`);
    expect(standards.data.povertyStandards).toEqual(
      expect.arrayContaining([
        { code: '2022-2025', firstReviewYear: 2021, lastReviewYear: 2025 },
        { code: '2027-2030', firstReviewYear: 2026, lastReviewYear: 2029 },
      ]),
    );
    const id = await register('00070');
    const end2021 = await stack.query(REVIEW, {
      input: { householdId: id, year: 2021, reviewDate: '2021-11-02', incomePerPersonMonthly: '2100000', indicators: answers([]) },
    });
    expect(end2021.data.recordPovertyReview.review).toMatchObject({ standard: { code: '2022-2025' }, classification: 'MIDDLE_INCOME' });
    const end2025 = await stack.query(REVIEW, {
      input: { householdId: id, year: 2025, reviewDate: '2025-11-03', incomePerPersonMonthly: '2100000', indicators: answers([]) },
    });
    expect(end2025.data.recordPovertyReview.review).toMatchObject({ standard: { code: '2022-2025' }, classification: 'MIDDLE_INCOME' });
    // The end-2026 review draws the 2027 lists: the 2027-2030 urban line (2,800,000) applies.
    const end2026 = await stack.query(REVIEW, {
      input: { householdId: id, year: 2026, reviewDate: '2026-10-01', incomePerPersonMonthly: '2100000', indicators: answers([]) },
    });
    expect(end2026.errors).toBeUndefined();
    expect(end2026.data.recordPovertyReview.review).toMatchObject({ standard: { code: '2027-2030' }, classification: 'NEAR_POOR' });
  });

  it('refuses bad reviews naming the field, writing nothing', async () => {
    const id = await register('00008');
    const ok = { householdId: id, year: 2024, reviewDate: '2024-10-02', incomePerPersonMonthly: '1000000', indicators: answers([]) };
    const before = await counts();
    const cases: Array<[any, string]> = [
      [{ ...ok, householdId: '987654321' }, 'householdId'],
      [{ ...ok, incomePerPersonMonthly: '-1' }, 'incomePerPersonMonthly'],
      [{ ...ok, year: 2019, reviewDate: '2019-10-02' }, 'year'],
      [{ ...ok, standard: '2027-2030' }, 'year'],
      [{ ...ok, standard: 'nope' }, 'standard'],
      [{ ...ok, indicators: answers([]).slice(1) }, 'indicators'],
      [{ ...ok, indicators: [...answers([]), { code: 'employment', deprived: true }] }, 'indicators[12].code'],
      [{ ...ok, indicators: [...answers([]).slice(1), { code: 'shoes', deprived: true }] }, 'indicators[11].code'],
      [{ ...ok, reviewDate: '2023-10-02' }, 'reviewDate'],
      [{ ...ok, year: 2099, reviewDate: '2099-10-02' }, 'reviewDate'],
      // A periodic review runs 1 September to 14 December.
      [{ ...ok, reviewDate: '2024-03-01' }, 'reviewDate'],
      [{ ...ok, reviewDate: '2024-12-15' }, 'reviewDate'],
      [{ ...ok, kind: 'PERIODIC', reviewDate: '2024-08-31' }, 'reviewDate'],
    ];
    for (const [input, field] of cases) {
      const error = onlyError(await stack.query(REVIEW, { input }));
      expect(error.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await counts()).toEqual(before);
    const h = await stack.query(`{ household(id: "${id}") { reviews { id } } }`);
    expect(h.data.household.reviews).toEqual([]);
  });

  it('refuses a second periodic review in the same year', async () => {
    const id = await register('00008');
    const input = { householdId: id, year: 2024, reviewDate: '2024-10-02', incomePerPersonMonthly: '1000000', indicators: answers([]) };
    expect((await stack.query(REVIEW, { input })).errors).toBeUndefined();
    const error = onlyError(await stack.query(REVIEW, { input: { ...input, reviewDate: '2024-11-02' } }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
  });

  it('scores concurrent reviews of one household one after the other', async () => {
    const id = await register('00025');
    const results = await Promise.all(
      [2022, 2023, 2024].map((year) =>
        stack.query(REVIEW, {
          input: {
            householdId: id,
            year,
            kind: 'REGULAR',
            reviewDate: `${year}-12-01`,
            incomePerPersonMonthly: '100000',
            indicators: answers(['employment', 'latrine', 'nutrition']),
          },
        }),
      ),
    );
    // Whatever order they land in, exactly one is "newly poor" unless a later date came first.
    const ok = results.filter((r) => !r.errors);
    const transitions = ok.map((r) => r.data.recordPovertyReview.review.transition);
    expect(transitions.filter((t) => t === 'NEWLY_POOR')).toHaveLength(1);
    const h = await stack.query(`{ household(id: "${id}") { reviews { transition } } }`);
    expect(h.data.household.reviews.map((r: any) => r.transition)).toEqual(['NEWLY_POOR', ...Array(ok.length - 1).fill('UNCHANGED')]);
  });
});

describe('what-if scoring', () => {
  it('re-scores under the 2027-2030 lines and agrees with the reviews under their own standard', async () => {
    const q = `query($s: ID!) { povertyWhatIf(year: 2024, standard: $s) {
      city { reviewedHouseholds currentPoor currentNearPoor poor nearPoor }
      communes { commune { code } counts { currentPoor currentNearPoor poor nearPoor } } } }`;
    const same = await stack.query(q, { s: '2022-2025' });
    expect(same.errors).toBeUndefined();
    // Re-scoring under the standard the reviews were scored with must give their own answer.
    expect(same.data.povertyWhatIf.city.poor).toBe(same.data.povertyWhatIf.city.currentPoor);
    expect(same.data.povertyWhatIf.city.nearPoor).toBe(same.data.povertyWhatIf.city.currentNearPoor);
    for (const c of same.data.povertyWhatIf.communes) {
      expect(c.counts.poor).toBe(c.counts.currentPoor);
      expect(c.counts.nearPoor).toBe(c.counts.currentNearPoor);
    }
    const higher = await stack.query(q, { s: '2027-2030' });
    const city = higher.data.povertyWhatIf.city;
    expect(higher.data.povertyWhatIf.communes).toHaveLength(126);
    // Higher lines can only bring more households under them.
    expect(city.poor + city.nearPoor).toBeGreaterThan(city.currentPoor + city.currentNearPoor);
    const figures = await stack.query(`{ city { povertyFigures(year: 2024) { poor nearPoor reviewedHouseholds } } }`);
    expect(city.currentPoor).toBe(figures.data.city.povertyFigures.poor);
    expect(city.currentNearPoor).toBe(figures.data.city.povertyFigures.nearPoor);
    const unknown = onlyError(await stack.query(q, { s: '1999' }));
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'standard' });
  });
});

describe('demo data', () => {
  it('scores every demo review as the shared demo plan says (programme seeds rely on it)', async () => {
    const { demoPopulation } = await import('../../../db/demo.js');
    const plan = demoPopulation();
    const r = await stack.query(`{ households(first: 100, filter: { year: 2023 }) { edges { node { id reviews { year classification } } } } }`);
    const byId = new Map(plan.map((h) => [String(h.id), h]));
    expect(r.data.households.edges.length).toBe(100);
    for (const { node } of r.data.households.edges) {
      const planned = byId.get(node.id)!;
      expect(node.reviews.slice(0, 3).map((x: any) => x.classification.toLowerCase())).toEqual(planned.reviews.map((x) => x.classification));
    }
  });
});

describe('poverty status on a date', () => {
  it('counts each household by its latest review on or before the date, regular reviews included', async () => {
    const q = `query($d: Date!) { city { povertyStatus(asOf: $d) { poor nearPoor communesWithNoPoor communesWithNoPoorOrNearPoor } }
      communes { code povertyStatus(asOf: $d) { poor nearPoor } } }`;
    const endOf2022 = await stack.query(q, { d: '2022-12-31' });
    expect(endOf2022.errors).toBeUndefined();
    const year2022 = await stack.query(`{ city { povertyFigures(year: 2022) { poor nearPoor } } }`);
    // Before any household's 2023 review, the status is the 2022 review's result for the demo households.
    const status = endOf2022.data.city.povertyStatus;
    expect(status.poor).toBeGreaterThanOrEqual(year2022.data.city.povertyFigures.poor);
    const communes = endOf2022.data.communes;
    expect(status.poor).toBe(communes.reduce((s: number, c: any) => s + c.povertyStatus.poor, 0));
    expect(status.communesWithNoPoor).toBe(communes.filter((c: any) => c.povertyStatus.poor === 0).length);
    expect(status.communesWithNoPoorOrNearPoor).toBe(communes.filter((c: any) => c.povertyStatus.poor === 0 && c.povertyStatus.nearPoor === 0).length);
    expect(status.communesWithNoPoor).toBeLessThan(126);
    const before = await stack.query(q, { d: '2020-01-01' });
    expect(before.data.city.povertyStatus).toEqual({ poor: 0, nearPoor: 0, communesWithNoPoor: 126, communesWithNoPoorOrNearPoor: 126 });
  });
});
