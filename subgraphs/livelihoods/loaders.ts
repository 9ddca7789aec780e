import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { LivelihoodHighTechModel, LivelihoodParticipant, LivelihoodProject, LivelihoodsDatabase, LivelihoodSupportItem } from './db/tables.js';
import { toLivelihoodFigures, type LivelihoodFigures } from './figures.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { periodKey, type Period } from '../../platform/period.js';
import { cityScope, type KeptRequest } from '../../platform/kept.js';
import { communeFigureLoader } from '../../platform/figure-loaders.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

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
     * A commune's figures of a period: two statements per distinct period in the batch
     * (participations and models, each grouped by commune), however many communes ask.
     */
    communeFigures: communeFigureLoader<Period, LivelihoodFigures>(
      kept,
      'communeFigures',
      periodKey,
      async (period, communes) => {
        const [participations, models] = await Promise.all([
          repo.participationFigures(db, period, [...communes]),
          repo.modelFigures(db, period, [...communes]),
        ]);
        const participationsOf = groupBy(communes, participations, (r) => r.commune_code);
        const modelsOf = groupBy(communes, models, (r) => r.commune_code);
        return new Map(communes.map((code, i) => [code, toLivelihoodFigures(period, participationsOf[i]!, modelsOf[i]!)]));
      },
      (period) => toLivelihoodFigures(period, [], []),
    ),
    /** The city's figures of a period: two statements per period. */
    cityFigures: kept.loader<Period, LivelihoodFigures>(
      'cityFigures',
      cityScope,
      async (periods) =>
        Promise.all(
          periods.map(async (period) => {
            const [participations, models] = await Promise.all([repo.participationFigures(db, period, null), repo.modelFigures(db, period, null)]);
            return toLivelihoodFigures(period, participations, models);
          }),
        ),
      { cacheKeyFn: periodKey },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from tables that move the versions (the migrations *_keep_livelihood_figures and
 * *_keep_livelihood_project_figures), entity keys and arguments. Each reads:
 *
 * - livelihood figures of a commune or the city, for the period given (Commune/City.livelihoodFigures):
 *   livelihood_participant and livelihood_support_item (byActivity and the totals),
 *   livelihood_high_tech_model (highTechModels);
 * - the projects (Query.livelihoodProjects, Query.livelihoodProject and their fields):
 *   livelihood_project; their totals: livelihood_participant and livelihood_support_item.
 *
 * Not kept: participations, support items (household-level) and the models as records
 * (Commune.livelihoodHighTechModels).
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Query.livelihoodProjects',
    'Query.livelihoodProject',
    'Commune.code',
    'Commune.livelihoodFigures',
    'City.code',
    'City.livelihoodFigures',
    'LivelihoodFigures.from',
    'LivelihoodFigures.to',
    'LivelihoodFigures.householdsSupported',
    'LivelihoodFigures.participations',
    'LivelihoodFigures.cashSupport',
    'LivelihoodFigures.inKindSupport',
    'LivelihoodFigures.supportValue',
    'LivelihoodFigures.byActivity',
    'LivelihoodFigures.highTechModels',
    'LivelihoodActivityFigures.activity',
    'LivelihoodActivityFigures.participations',
    'LivelihoodActivityFigures.households',
    'LivelihoodActivityFigures.supportValue',
    'LivelihoodHighTechModelFigures.count',
    'LivelihoodHighTechModelFigures.areaHectares',
    'LivelihoodHighTechModelFigures.householdsInvolved',
    'LivelihoodHighTechModelFigures.byKind',
    'LivelihoodHighTechKindFigures.kind',
    'LivelihoodHighTechKindFigures.count',
    'LivelihoodHighTechKindFigures.areaHectares',
    'LivelihoodHighTechKindFigures.householdsInvolved',
    'LivelihoodProject.code',
    'LivelihoodProject.name',
    'LivelihoodProject.budget',
    'LivelihoodProject.fundingSource',
    'LivelihoodProject.startDate',
    'LivelihoodProject.endDate',
    'LivelihoodProject.totals',
    'LivelihoodProjectTotals.participations',
    'LivelihoodProjectTotals.households',
    'LivelihoodProjectTotals.cashSupport',
    'LivelihoodProjectTotals.inKindSupport',
    'LivelihoodProjectTotals.supportValue',
    'LivelihoodProjectTotals.remainingBudget',
  ],
  // Both resolve from their key alone.
  entities: ['Commune', 'City'],
};
