import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { LivelihoodHighTechModel, LivelihoodParticipant, LivelihoodProject, LivelihoodsDatabase, LivelihoodSupportItem } from './db/tables.js';
import { toLivelihoodFigures, type LivelihoodFigures } from './figures.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { parsePeriodKey, periodKey } from '../../platform/period.js';
import { cityScope, communeOfKey, type KeptRequest } from '../../platform/kept.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

/** Period keys are "from|to"; commune figure keys "code|from|to". */
export { periodKey };
const parsePeriod = parsePeriodKey;

/**
 * One set per request, built in the context factory. Only the figure loaders' answers outlive the
 * request, kept while their communes' versions hold (platform/kept.ts).
 */
export function createLoaders(db: Kysely<LivelihoodsDatabase>, kept: KeptRequest) {
  return {
    projectByCode: new DataLoader<string, LivelihoodProject | undefined>(async (codes) =>
      byKey(codes, await repo.findProjectsByCodes(db, codes), (p) => p.code),
    ),
    projectTotals: new DataLoader<string, repo.ProjectTotalsRow | undefined>(async (codes) =>
      byKey(codes, await repo.projectTotals(db, codes), (t) => t.project_code),
    ),
    participantsByHousehold: new DataLoader<number, LivelihoodParticipant[]>(async (ids) =>
      groupBy(ids, await repo.findParticipantsByHouseholdIds(db, ids), (p) => p.household_id),
    ),
    itemsByParticipant: new DataLoader<number, LivelihoodSupportItem[]>(async (ids) =>
      groupBy(ids, await repo.findItemsByParticipantIds(db, ids), (i) => i.participant_id),
    ),
    modelsByCommune: new DataLoader<string, LivelihoodHighTechModel[]>(async (codes) =>
      groupBy(codes, await repo.findModelsByCommunes(db, codes), (m) => m.commune_code),
    ),
    /**
     * Key "code|from|to". Two statements per distinct period in the batch (participations and
     * models, each grouped by commune), however many communes ask.
     */
    communeFigures: kept.loader<string, LivelihoodFigures>('communeFigures', communeOfKey, async (keys) => {
      const parsed = keys.map((k) => {
        const [code, from, to] = k.split('|');
        return { code: code!, period: `${from}|${to}` };
      });
      const codesByPeriod = new Map<string, Set<string>>();
      for (const { code, period } of parsed) {
        const codes = codesByPeriod.get(period) ?? new Set<string>();
        codes.add(code);
        codesByPeriod.set(period, codes);
      }
      // Rows of each period, grouped by commune: key "code|from|to".
      const participationRows = new Map<string, repo.ParticipationFiguresRow[]>();
      const modelRows = new Map<string, repo.ModelFiguresRow[]>();
      const push = <T>(map: Map<string, T[]>, key: string, row: T) => map.set(key, [...(map.get(key) ?? []), row]);
      for (const [key, codes] of codesByPeriod) {
        const period = parsePeriod(key);
        const [participations, models] = await Promise.all([
          repo.participationFigures(db, period, [...codes]),
          repo.modelFigures(db, period, [...codes]),
        ]);
        for (const row of participations) push(participationRows, `${row.commune_code}|${key}`, row);
        for (const row of models) push(modelRows, `${row.commune_code}|${key}`, row);
      }
      return parsed.map(({ code, period }) =>
        toLivelihoodFigures(parsePeriod(period), participationRows.get(`${code}|${period}`) ?? [], modelRows.get(`${code}|${period}`) ?? []),
      );
    }),
    /** Key "from|to": two statements per period. */
    cityFigures: kept.loader<string, LivelihoodFigures>('cityFigures', cityScope, async (keys) =>
      Promise.all(
        keys.map(async (key) => {
          const period = parsePeriod(key);
          const [participations, models] = await Promise.all([
            repo.participationFigures(db, period, null),
            repo.modelFigures(db, period, null),
          ]);
          return toLivelihoodFigures(period, participations, models);
        }),
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from kept figures, entity keys and arguments. A commune's livelihood totals (the kept communeFigures); not its models.
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Commune.code',
    'Commune.livelihoodFigures',
    'LivelihoodFigures.from',
    'LivelihoodFigures.to',
    'LivelihoodFigures.householdsSupported',
    'LivelihoodFigures.participations',
    'LivelihoodFigures.cashSupport',
    'LivelihoodFigures.inKindSupport',
    'LivelihoodFigures.supportValue',
  ],
  entities: ['Commune'],
};
