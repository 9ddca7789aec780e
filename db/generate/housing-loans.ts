import { Random } from '../random.js';
import { workingDayIn } from './calendar.js';
import { apportion, POOR, type CityPlan } from './plan.js';

/** One VBSP housing loan to a poor household (the HOUSING_POOR programme). */
export interface PlannedHousingLoan {
  household: number;
  /** Disbursement date (a working day, March to December). */
  date: string;
  /** Whole đồng: 25-40 million in whole millions (the programme's limit is 40 million). */
  principal: number;
}

/**
 * The VBSP housing loans of 2022-2024, decided once for two departments: the credit subgraph
 * lends them and the housing subgraph records each as the VBSP_HOUSING_LOAN funding line of the
 * same household's house-building case (approved 10-45 days before the disbursement, for the
 * same amount), so that the bank and the construction department agree. 300 loans at scale 1
 * (200 / 80 / 20 over 2022-2024, tapering with the poor lists), each to a household POOR in the
 * review of the year before (the lists in force: the programme's eligibility), one per household.
 */
export function planHousingLoans(plan: CityPlan): PlannedHousingLoan[] {
  const random = new Random(plan.seed + 7007);
  const counts = apportion(Math.round(300 * plan.scale), [200, 80, 20]);
  const taken = new Set<number>();
  const loans: PlannedHousingLoan[] = [];
  [2022, 2023, 2024].forEach((year, i) => {
    const eligible: number[] = [];
    for (let h = 1; h <= plan.povertyPopulation; h++) if (plan.bands[year - 1]![h - 1] === POOR && !taken.has(h)) eligible.push(h);
    for (let k = eligible.length - 1; k > 0; k--) {
      const j = Math.floor(random.next() * (k + 1));
      [eligible[k], eligible[j]] = [eligible[j]!, eligible[k]!];
    }
    for (const household of eligible.slice(0, counts[i])) {
      taken.add(household);
      const millions = Math.round(25 + ((random.next() + random.next()) / 2) * 15);
      loans.push({ household, date: workingDayIn(random, year, 3, 12), principal: millions * 1_000_000 });
    }
  });
  return loans;
}
