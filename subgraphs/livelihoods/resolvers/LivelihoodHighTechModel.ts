import type { LivelihoodHighTechModelResolvers } from './types.generated.js';

export const LivelihoodHighTechModel: LivelihoodHighTechModelResolvers = {
  id: (m) => String(m.id),
  commune: (m) => ({ code: m.commune_code }),
  areaHectares: (m) => Number(m.area_hectares),
  householdsInvolved: (m) => m.households_involved,
  startYear: (m) => Number(m.started_on.slice(0, 4)),
  startDate: (m) => (m.start_precision === 'day' ? m.started_on : null),
};
