import type { LabourStatisticsResolvers } from './types.generated.js';

export const LabourStatistics: LabourStatisticsResolvers = {
  urbanUnemploymentRatePercent: (s) => Number(s.urban_unemployment_rate_percent),
  trainedWorkerSharePercent: (s) => Number(s.trained_worker_share_percent),
  recordedAt: (s) => s.recorded_at,
};
