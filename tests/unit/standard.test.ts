import { describe, expect, it } from 'vitest';
import { score, transition, type StandardRules } from '../../subgraphs/registry/standard.js';

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

const std2022: StandardRules = {
  code: '2022-2025',
  ruralIncomeLine: 1_500_000,
  urbanIncomeLine: 2_000_000,
  ruralMiddleIncomeLine: 2_250_000,
  urbanMiddleIncomeLine: 3_000_000,
  poorMinDeprivations: 3,
  indicatorCodes: INDICATORS,
};

const std2027: StandardRules = {
  ...std2022,
  code: '2027-2030',
  ruralIncomeLine: 2_200_000,
  urbanIncomeLine: 2_800_000,
  ruralMiddleIncomeLine: 3_300_000,
  urbanMiddleIncomeLine: 4_200_000,
};

const three = ['employment', 'nutrition', 'latrine'];
const two = ['employment', 'nutrition'];

describe('poverty standard 2022-2025', () => {
  it('is poor exactly at the rural line with 3 deprivations, near-poor with 2', () => {
    expect(score(std2022, { communeKind: 'rural', incomePerPersonMonthly: 1_500_000, deprivations: three }).classification).toBe('poor');
    expect(score(std2022, { communeKind: 'rural', incomePerPersonMonthly: 1_500_000, deprivations: two }).classification).toBe('near_poor');
  });

  it('is neither poor nor near-poor one đồng above the line', () => {
    const result = score(std2022, { communeKind: 'rural', incomePerPersonMonthly: 1_500_001, deprivations: three });
    expect(result.classification).toBe('middle_income');
  });

  it('uses the urban line in wards', () => {
    expect(score(std2022, { communeKind: 'ward', incomePerPersonMonthly: 2_000_000, deprivations: three }).classification).toBe('poor');
    expect(score(std2022, { communeKind: 'ward', incomePerPersonMonthly: 1_800_000, deprivations: [] }).classification).toBe('near_poor');
    // 1.8M is above the rural line: the same household in a rural commune is middle income.
    expect(score(std2022, { communeKind: 'rural', incomePerPersonMonthly: 1_800_000, deprivations: [] }).classification).toBe('middle_income');
  });

  it('ends the middle-income band at its line', () => {
    expect(score(std2022, { communeKind: 'rural', incomePerPersonMonthly: 2_250_000, deprivations: [] }).classification).toBe('middle_income');
    expect(score(std2022, { communeKind: 'rural', incomePerPersonMonthly: 2_250_001, deprivations: [] }).classification).toBe('above_middle_income');
  });

  it("counts only the standard's own indicators, each once", () => {
    const result = score(std2022, {
      communeKind: 'rural',
      incomePerPersonMonthly: 1_000_000,
      deprivations: ['employment', 'employment', 'unknown', 'latrine'],
    });
    expect(result).toEqual({ classification: 'near_poor', deprivationCount: 2 });
  });
});

describe('poverty standard 2027-2030', () => {
  it('moves the lines: 2.2M rural and 2.8M urban', () => {
    expect(score(std2027, { communeKind: 'rural', incomePerPersonMonthly: 2_200_000, deprivations: three }).classification).toBe('poor');
    expect(score(std2027, { communeKind: 'rural', incomePerPersonMonthly: 2_200_001, deprivations: three }).classification).toBe('middle_income');
    expect(score(std2027, { communeKind: 'ward', incomePerPersonMonthly: 2_800_000, deprivations: two }).classification).toBe('near_poor');
    // Not poor in 2022-2025 (above 1.5M), poor under 2027-2030.
    expect(score(std2022, { communeKind: 'rural', incomePerPersonMonthly: 2_000_000, deprivations: three }).classification).toBe('middle_income');
    expect(score(std2027, { communeKind: 'rural', incomePerPersonMonthly: 2_000_000, deprivations: three }).classification).toBe('poor');
  });
});

describe('transitions', () => {
  it('names each change since the previous review', () => {
    expect(transition(undefined, 'poor')).toBe('newly_poor');
    expect(transition(undefined, 'near_poor')).toBe('newly_near_poor');
    expect(transition(undefined, 'middle_income')).toBe('unchanged');
    expect(transition('near_poor', 'poor')).toBe('newly_poor');
    expect(transition('poor', 'poor')).toBe('unchanged');
    expect(transition('poor', 'near_poor')).toBe('escaped_poverty');
    expect(transition('poor', 'above_middle_income')).toBe('escaped_poverty');
    expect(transition('middle_income', 'near_poor')).toBe('newly_near_poor');
    expect(transition('near_poor', 'near_poor')).toBe('unchanged');
    expect(transition('near_poor', 'middle_income')).toBe('escaped_near_poverty');
    expect(transition('middle_income', 'above_middle_income')).toBe('unchanged');
  });
});
