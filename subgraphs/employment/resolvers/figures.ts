import { CHANNELS, LEVELS, type EmploymentCounts } from '../loaders.js';

/** EmploymentFigures as GraphQL shows them: the one mapping place from counts to fields. */
export function toEmploymentFigures(c: EmploymentCounts) {
  return {
    year: c.year,
    placements: c.placements,
    workersPlaced: c.workers,
    placementsByChannel: CHANNELS.map((channel) => ({ channel, placements: c.byChannel[channel] })),
    budgetFundedPlacements: c.byChannel.budget_funded_support,
    overseasPlacements: c.overseas,
    domesticPlacements: c.placements - c.overseas,
    placementsFromPoorOrNearPoorHouseholds: c.poorOrNearPoorPlacements,
    jobFairs: c.fairs,
    jobFairEmployers: c.fairEmployers,
    jobFairParticipants: c.fairParticipants,
    jobFairHires: c.fairHires,
    jobFairHiresAbroad: c.fairHiresAbroad,
    trainingEnrolments: c.enrolments,
    trainingEnrolmentsByLevel: LEVELS.map((level) => ({ level, enrolments: c.byLevel[level] })),
    trainingEnrolmentsFromPoorOrNearPoorHouseholds: c.poorOrNearPoorEnrolments,
    trainingCompletions: c.completions,
  };
}
