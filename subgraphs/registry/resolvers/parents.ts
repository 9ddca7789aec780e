// The parent each GraphQL type's resolvers receive, read by scripts/codegen.ts (see there).
import type { DepartmentFinding, RuleCount } from '../../../platform/consistency.js';
import type { Commune, Household, HouseholdMember, PovertyIndicator, PovertyReview, PovertyStandard } from '../db/tables.js';
import type { CityRef, CommuneRef } from './Consistency.js';
import type { toPovertyFigures } from './figures.js';

export type CommuneParent = Commune;
export type HouseholdParent = Household;
export type HouseholdMemberParent = HouseholdMember;
export type PovertyReviewParent = PovertyReview;
export type PovertyStandardParent = PovertyStandard;
export type PovertyIndicatorParent = PovertyIndicator;
/** Figures with their counts, which the rates' withholding reads (figures.ts). */
export type PovertyFiguresParent = ReturnType<typeof toPovertyFigures>;

/** The entity with the departments' findings (or counts) the gateway brought for its `@requires`. */
export type CommuneConsistencyParent = CommuneRef;
export type CityConsistencyParent = CityRef;
export type ConsistencyFindingParent = DepartmentFinding;
export type ConsistencyRuleCountParent = RuleCount;
