import type { LabourStatistics as StatisticsRow } from '../db/tables.js';

export const LabourStatistics = {
  urbanUnemploymentRatePercent: (s: StatisticsRow) => Number(s.urban_unemployment_rate_percent),
  trainedWorkerSharePercent: (s: StatisticsRow) => Number(s.trained_worker_share_percent),
  recordedAt: (s: StatisticsRow) => s.recorded_at,
};
