// The parent each GraphQL type's resolvers receive, read by scripts/codegen.ts (see there).
import type { LivelihoodHighTechModel, LivelihoodParticipant, LivelihoodProject, LivelihoodSupportItem } from '../db/tables.js';

export type LivelihoodProjectParent = LivelihoodProject;
export type LivelihoodParticipationParent = LivelihoodParticipant;
export type LivelihoodSupportItemParent = LivelihoodSupportItem;
export type LivelihoodHighTechModelParent = LivelihoodHighTechModel;
