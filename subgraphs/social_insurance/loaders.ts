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
import { groupBy } from '../../platform/batch.js';
import { periodKey, type Period } from '../../platform/period.js';
import { communeAskKey, type CommuneAsk } from '../../platform/figure-loaders.js';
import { cityScope, type KeptRequest } from '../../platform/kept.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

/** Each kind of social figures of one area and period, before GraphQL naming. */
interface KindFigures {
  healthInsurance: { people: number; budget: number; byGroup: Array<{ group: SupportGroup; people: number; budget: number }> };
  voluntaryInsurance: { people: number; months: number; amount: number };
  tuition: { pupils: number; amount: number };
  electricity: { households: number; amount: number };
  allowances: { recipients: number; amount: number };
  emergencyRelief: { events: number; households: number; cash: number; inKindValue: number };
}
type Kind = keyof KindFigures;

/**
 * Social figures of one area and period as GraphQL reads them: each kind is a function that
 * GraphQL's default resolver calls only when the query selects that kind, so a dashboard that
 * asks for health insurance alone runs the health-insurance statement alone.
 */
export type Figures = { from: string; to: string } & { [K in Kind]: () => Promise<KindFigures[K]> };

const GROUPS: SupportGroup[] = ['poor', 'near_poor', 'middle_income_agriculture'];

const EMPTY: { [K in Kind]: () => KindFigures[K] } = {
  healthInsurance: () => ({ people: 0, budget: 0, byGroup: GROUPS.map((group) => ({ group, people: 0, budget: 0 })) }),
  voluntaryInsurance: () => ({ people: 0, months: 0, amount: 0 }),
  tuition: () => ({ pupils: 0, amount: 0 }),
  electricity: () => ({ households: 0, amount: 0 }),
  allowances: () => ({ recipients: 0, amount: 0 }),
  emergencyRelief: () => ({ events: 0, households: 0, cash: 0, inKindValue: 0 }),
};

/** One statement per kind: the figures of every area of a period, by area code ('' for the city). */
const FETCH: { [K in Kind]: (db: Kysely<SocialInsuranceDatabase>, period: repo.Period, byCommune: boolean) => Promise<Map<string, KindFigures[K]>> } = {
  healthInsurance: async (db, period, byCommune) => {
    const areas = new Map<string, KindFigures['healthInsurance']>();
    for (const r of await repo.healthInsuranceFigures(db, period, byCommune)) {
      const key = r.commune_code ?? '';
      let f = areas.get(key);
      if (!f) areas.set(key, (f = EMPTY.healthInsurance()));
      if (r.support_group == null) {
        f.people = r.people;
        f.budget = r.budget;
      } else {
        const g = f.byGroup.find((x) => x.group === r.support_group)!;
        g.people = r.people;
        g.budget = r.budget;
      }
    }
    return areas;
  },
  voluntaryInsurance: async (db, period, byCommune) =>
    new Map((await repo.voluntaryFigures(db, period, byCommune)).map((r) => [r.commune_code ?? '', { people: r.people, months: r.months, amount: r.amount }])),
  tuition: async (db, period, byCommune) =>
    new Map((await repo.tuitionFigures(db, period, byCommune)).map((r) => [r.commune_code ?? '', { pupils: r.pupils, amount: r.amount }])),
  electricity: async (db, period, byCommune) =>
    new Map((await repo.electricityFigures(db, period, byCommune)).map((r) => [r.commune_code ?? '', { households: r.households, amount: r.amount }])),
  allowances: async (db, period, byCommune) =>
    new Map((await repo.allowanceFigures(db, period, byCommune)).map((r) => [r.commune_code ?? '', { recipients: r.recipients, amount: r.amount }])),
  emergencyRelief: async (db, period, byCommune) =>
    new Map(
      (await repo.reliefFigures(db, period, byCommune)).map((r) => [
        r.commune_code ?? '',
        { events: r.events, households: r.households, cash: r.cash, inKindValue: r.in_kind_value },
      ]),
    ),
};

const KINDS = Object.keys(EMPTY) as Kind[];

/** Per kind, a loader keyed by period whose value is every area's figures of that kind. */
function kindLoaders(db: Kysely<SocialInsuranceDatabase>, kept: KeptRequest, byCommune: boolean) {
  return Object.fromEntries(
    KINDS.map((kind) => [
      kind,
      // Every commune's figures at once: kept under the city's version.
      kept.loader<Period, Map<string, unknown>>(
        `${byCommune ? 'commune' : 'city'}.${kind}`,
        cityScope,
        async (periods) => Promise.all(periods.map((period) => FETCH[kind](db, period, byCommune))),
        { cacheKeyFn: periodKey },
      ),
    ]),
  ) as { [K in Kind]: DataLoader<Period, Map<string, KindFigures[K]>, string> };
}

/** The figures of one area ('' for the city) of a period, each kind loaded when asked. */
function areaFigures(loaders: ReturnType<typeof kindLoaders>, period: Period, area: string): Figures {
  const { from, to } = period;
  const lazy =
    <K extends Kind>(kind: K) =>
    async () =>
      (await loaders[kind].load(period)).get(area) ?? EMPTY[kind]();
  return {
    from,
    to,
    healthInsurance: lazy('healthInsurance'),
    voluntaryInsurance: lazy('voluntaryInsurance'),
    tuition: lazy('tuition'),
    electricity: lazy('electricity'),
    allowances: lazy('allowances'),
    emergencyRelief: lazy('emergencyRelief'),
  };
}

/** One set of loaders per request: each batched lookup is one SQL statement per tick. */
export function createLoaders(db: Kysely<SocialInsuranceDatabase>, kept: KeptRequest) {
  // Every commune's figures of one kind for a period are one statement (GROUP BY commune_code);
  // the loaders cache them per period, so 126 communes cost what 2 do.
  const communeKinds = kindLoaders(db, kept, true);
  const cityKinds = kindLoaders(db, kept, false);

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
    /** A commune's figures of a period. */
    communeFigures: new DataLoader<CommuneAsk<Period>, Figures, string>(async (asks) => asks.map((ask) => areaFigures(communeKinds, ask.args, ask.commune)), {
      cacheKeyFn: communeAskKey(periodKey),
    }),
    /** The whole city's figures of a period, people counted once across communes. */
    cityFigures: new DataLoader<Period, Figures, string>(async (periods) => periods.map((period) => areaFigures(cityKinds, period, '')), {
      cacheKeyFn: periodKey,
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from tables that move the versions (the migration 2026_12_04_2010_keep_social_figures),
 * entity keys and arguments. Each kind of SocialFigures of a commune or the city, for the period
 * given (required arguments), reads:
 *
 * - healthInsurance (with byGroup): health_insurance_rollup and health_insurance_gap;
 * - voluntaryInsurance: voluntary_insurance_support; tuition: tuition_support;
 * - electricity: electricity_subsidy; allowances: social_allowance;
 * - emergencyRelief: emergency_relief.
 *
 * Not kept: the household-level records, and City.socialReportedStatistics (reported_statistic
 * moves no version).
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Commune.code',
    'Commune.socialFigures',
    'City.code',
    'City.socialFigures',
    'SocialFigures.from',
    'SocialFigures.to',
    'SocialFigures.healthInsurance',
    'SocialFigures.voluntaryInsurance',
    'SocialFigures.tuition',
    'SocialFigures.electricity',
    'SocialFigures.allowances',
    'SocialFigures.emergencyRelief',
    'HealthInsuranceFigures.people',
    'HealthInsuranceFigures.budget',
    'HealthInsuranceFigures.byGroup',
    'HealthInsuranceGroupFigures.group',
    'HealthInsuranceGroupFigures.people',
    'HealthInsuranceGroupFigures.budget',
    'VoluntaryInsuranceFigures.people',
    'VoluntaryInsuranceFigures.months',
    'VoluntaryInsuranceFigures.amount',
    'TuitionSupportFigures.pupils',
    'TuitionSupportFigures.amount',
    'ElectricitySubsidyFigures.households',
    'ElectricitySubsidyFigures.amount',
    'SocialAllowanceFigures.recipients',
    'SocialAllowanceFigures.amount',
    'EmergencyReliefFigures.events',
    'EmergencyReliefFigures.households',
    'EmergencyReliefFigures.cash',
    'EmergencyReliefFigures.inKindValue',
  ],
  // Both resolve from their key alone.
  entities: ['Commune', 'City'],
};
