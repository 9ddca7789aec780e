import { ACTIVITIES, MODEL_KINDS, type HighTechModelKind, type LivelihoodActivity } from './db/tables.js';
import type { ModelFiguresRow, ParticipationFiguresRow, Period } from './repository.js';

/** LivelihoodFigures as GraphQL shows them: the one mapping place from rows to fields. */
export interface LivelihoodFigures {
  from: string;
  to: string;
  householdsSupported: number;
  participations: number;
  cashSupport: number;
  inKindSupport: number;
  supportValue: number;
  byActivity: Array<{ activity: LivelihoodActivity; participations: number; households: number; supportValue: number }>;
  highTechModels: {
    count: number;
    areaHectares: number;
    householdsInvolved: number;
    byKind: Array<{ kind: HighTechModelKind; count: number; areaHectares: number; householdsInvolved: number }>;
  };
}

/**
 * Builds one area's figures from its rows (the all-activities / all-kinds row and one row per
 * activity / kind present); missing rows are zeros, so every activity and kind is listed.
 */
export function toLivelihoodFigures(period: Period, participations: ParticipationFiguresRow[], models: ModelFiguresRow[]): LivelihoodFigures {
  const all = participations.find((r) => r.activity === null);
  const modelsAll = models.find((r) => r.kind === null);
  const cash = all?.cash_support ?? 0;
  const inKind = all?.in_kind_support ?? 0;
  return {
    from: period.from,
    to: period.to,
    householdsSupported: all?.households ?? 0,
    participations: all?.participations ?? 0,
    cashSupport: cash,
    inKindSupport: inKind,
    supportValue: cash + inKind,
    byActivity: ACTIVITIES.map((activity) => {
      const row = participations.find((r) => r.activity === activity);
      return {
        activity,
        participations: row?.participations ?? 0,
        households: row?.households ?? 0,
        supportValue: (row?.cash_support ?? 0) + (row?.in_kind_support ?? 0),
      };
    }),
    highTechModels: {
      count: modelsAll?.models ?? 0,
      areaHectares: Number(modelsAll?.area_hectares ?? 0),
      householdsInvolved: modelsAll?.households_involved ?? 0,
      byKind: MODEL_KINDS.map((kind) => {
        const row = models.find((r) => r.kind === kind);
        return {
          kind,
          count: row?.models ?? 0,
          areaHectares: Number(row?.area_hectares ?? 0),
          householdsInvolved: row?.households_involved ?? 0,
        };
      }),
    },
  };
}
