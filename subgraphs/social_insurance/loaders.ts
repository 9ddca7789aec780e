import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type {
  ElectricitySubsidy,
  EmergencyRelief,
  HealthInsuranceSupport,
  SocialAllowance,
  SocialInsuranceDatabase,
  SupportGroup,
  TuitionSupport,
  VoluntaryInsuranceSupport,
} from './db/tables.js';
import * as repo from './repository.js';
import { groupBy } from '../common/batch.js';
import { parsePeriodKey, periodKey as commonPeriodKey } from '../common/period.js';

/** Social figures of one area and period, before GraphQL naming. */
export interface Figures {
  from: string;
  to: string;
  healthInsurance: { people: number; budget: number; byGroup: Array<{ group: SupportGroup; people: number; budget: number }> };
  voluntaryInsurance: { people: number; months: number; amount: number };
  tuition: { pupils: number; amount: number };
  electricity: { households: number; amount: number };
  allowances: { recipients: number; amount: number };
  emergencyRelief: { events: number; households: number; cash: number; inKindValue: number };
}

const GROUPS: SupportGroup[] = ['poor', 'near_poor', 'middle_income_agriculture'];

/** Period keys are "from|to". */
export function periodKey(from: string, to: string): string {
  return commonPeriodKey({ from, to });
}

const parsePeriod = parsePeriodKey;

/**
 * Runs the six figure statements of one period (per commune or for the city) and assembles
 * the figures of each area code ('' for the city). Areas without records get zeros.
 */
async function figuresOfPeriod(db: Kysely<SocialInsuranceDatabase>, period: repo.Period, byCommune: boolean) {
  const [hi, vol, tuition, electricity, allowances, relief] = await Promise.all([
    repo.healthInsuranceFigures(db, period, byCommune),
    repo.voluntaryFigures(db, period, byCommune),
    repo.tuitionFigures(db, period, byCommune),
    repo.electricityFigures(db, period, byCommune),
    repo.allowanceFigures(db, period, byCommune),
    repo.reliefFigures(db, period, byCommune),
  ]);
  const areas = new Map<string, Figures>();
  const area = (code: string | null) => {
    const key = code ?? '';
    let f = areas.get(key);
    if (!f) {
      f = emptyFigures(period);
      areas.set(key, f);
    }
    return f;
  };
  for (const r of hi) {
    const f = area(r.commune_code);
    if (r.support_group == null) {
      f.healthInsurance.people = r.people;
      f.healthInsurance.budget = r.budget;
    } else {
      const g = f.healthInsurance.byGroup.find((x) => x.group === r.support_group)!;
      g.people = r.people;
      g.budget = r.budget;
    }
  }
  for (const r of vol) area(r.commune_code).voluntaryInsurance = { people: r.people, months: r.months, amount: r.amount };
  for (const r of tuition) area(r.commune_code).tuition = { pupils: r.pupils, amount: r.amount };
  for (const r of electricity) area(r.commune_code).electricity = { households: r.households, amount: r.amount };
  for (const r of allowances) area(r.commune_code).allowances = { recipients: r.recipients, amount: r.amount };
  for (const r of relief) {
    area(r.commune_code).emergencyRelief = { events: r.events, households: r.households, cash: r.cash, inKindValue: r.in_kind_value };
  }
  return areas;
}

export function emptyFigures(period: repo.Period): Figures {
  return {
    from: period.from,
    to: period.to,
    healthInsurance: { people: 0, budget: 0, byGroup: GROUPS.map((group) => ({ group, people: 0, budget: 0 })) },
    voluntaryInsurance: { people: 0, months: 0, amount: 0 },
    tuition: { pupils: 0, amount: 0 },
    electricity: { households: 0, amount: 0 },
    allowances: { recipients: 0, amount: 0 },
    emergencyRelief: { events: 0, households: 0, cash: 0, inKindValue: 0 },
  };
}

/** One set of loaders per request: each batched lookup is one SQL statement per tick. */
export function createLoaders(db: Kysely<SocialInsuranceDatabase>) {
  // Every commune's figures for a period come from six statements (GROUP BY commune_code); the
  // loader caches them per period, so 126 communes cost what 2 do.
  const communeFiguresByPeriod = new DataLoader<string, Map<string, Figures>>(async (keys) =>
    Promise.all(keys.map((key) => figuresOfPeriod(db, parsePeriod(key), true))),
  );

  return {
    healthInsuranceByHousehold: new DataLoader<number, HealthInsuranceSupport[]>(async (ids) =>
      groupBy(ids, await repo.findHealthInsuranceByHouseholds(db, ids), (r) => r.household_id),
    ),
    voluntaryByHousehold: new DataLoader<number, VoluntaryInsuranceSupport[]>(async (ids) =>
      groupBy(ids, await repo.findVoluntaryByHouseholds(db, ids), (r) => r.household_id),
    ),
    tuitionByHousehold: new DataLoader<number, TuitionSupport[]>(async (ids) =>
      groupBy(ids, await repo.findTuitionByHouseholds(db, ids), (r) => r.household_id),
    ),
    electricityByHousehold: new DataLoader<number, ElectricitySubsidy[]>(async (ids) =>
      groupBy(ids, await repo.findElectricityByHouseholds(db, ids), (r) => r.household_id),
    ),
    allowancesByHousehold: new DataLoader<number, SocialAllowance[]>(async (ids) =>
      groupBy(ids, await repo.findAllowancesByHouseholds(db, ids), (r) => r.household_id),
    ),
    reliefByHousehold: new DataLoader<number, EmergencyRelief[]>(async (ids) =>
      groupBy(ids, await repo.findReliefByHouseholds(db, ids), (r) => r.household_id),
    ),
    /** Key "code|from|to". */
    communeFigures: new DataLoader<string, Figures>(async (keys) => {
      const parsed = keys.map((k) => {
        const i = k.indexOf('|');
        return { code: k.slice(0, i), period: k.slice(i + 1) };
      });
      const periods = [...new Set(parsed.map((p) => p.period))];
      const maps = await communeFiguresByPeriod.loadMany(periods);
      const byPeriod = new Map<string, Map<string, Figures>>();
      periods.forEach((p, i) => {
        const m = maps[i];
        if (m instanceof Error) throw m;
        byPeriod.set(p, m!);
      });
      return parsed.map(({ code, period }) => byPeriod.get(period)!.get(code) ?? emptyFigures(parsePeriod(period)));
    }),
    /** Key "from|to": the whole city, people counted once across communes. */
    cityFigures: new DataLoader<string, Figures>(async (keys) =>
      Promise.all(
        keys.map(async (key) => {
          const period = parsePeriod(key);
          return (await figuresOfPeriod(db, period, false)).get('') ?? emptyFigures(period);
        }),
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
