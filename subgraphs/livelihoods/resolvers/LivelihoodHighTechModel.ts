import type { LivelihoodHighTechModel as ModelRow } from '../db/tables.js';

export const LivelihoodHighTechModel = {
  id: (m: ModelRow) => String(m.id),
  commune: (m: ModelRow) => ({ code: m.commune_code }),
  areaHectares: (m: ModelRow) => Number(m.area_hectares),
  householdsInvolved: (m: ModelRow) => m.households_involved,
  startYear: (m: ModelRow) => Number(m.started_on.slice(0, 4)),
  startDate: (m: ModelRow) => (m.start_precision === 'day' ? m.started_on : null),
};
