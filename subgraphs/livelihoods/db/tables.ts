import type { Generated, Insertable, Selectable } from 'kysely';

export type LivelihoodActivity = 'agricultural_production' | 'small_scale_handicraft' | 'trade_and_services';
export type HighTechModelKind = 'crops' | 'livestock' | 'aquaculture' | 'combined';
/** How precisely a model's start is known: the day, or only the year. */
export type StartPrecision = 'day' | 'year';

export const ACTIVITIES: readonly LivelihoodActivity[] = ['agricultural_production', 'small_scale_handicraft', 'trade_and_services'];
export const MODEL_KINDS: readonly HighTechModelKind[] = ['crops', 'livestock', 'aquaculture', 'combined'];

export interface LivelihoodProjectTable {
  code: string;
  name: string;
  budget: number;
  funding_source: string;
  start_date: string;
  end_date: string;
  created_at: Generated<Date>;
}

export interface LivelihoodParticipantTable {
  id: Generated<number>;
  project_code: string;
  /** The registry's household id (checked against the registry when enrolled). */
  household_id: number;
  /** The registry's commune of the household when it was enrolled. */
  commune_code: string;
  activity: LivelihoodActivity;
  cash_support: number;
  start_date: string;
  created_at: Generated<Date>;
}

export interface LivelihoodSupportItemTable {
  id: Generated<number>;
  participant_id: number;
  position: number;
  item: string;
  quantity: number;
  value: number;
}

export interface LivelihoodHighTechModelTable {
  id: Generated<number>;
  commune_code: string;
  name: string;
  kind: HighTechModelKind;
  technology: string;
  /** numeric: read as an exact decimal string. */
  area_hectares: string;
  households_involved: number;
  /** The start day, or 1 January of the start year when only the year is known. */
  started_on: string;
  start_precision: StartPrecision;
  created_at: Generated<Date>;
}

export interface LivelihoodsDatabase {
  livelihood_project: LivelihoodProjectTable;
  livelihood_participant: LivelihoodParticipantTable;
  livelihood_support_item: LivelihoodSupportItemTable;
  livelihood_high_tech_model: LivelihoodHighTechModelTable;
}

export type LivelihoodProject = Selectable<LivelihoodProjectTable>;
export type NewLivelihoodProject = Insertable<LivelihoodProjectTable>;
export type LivelihoodParticipant = Selectable<LivelihoodParticipantTable>;
export type NewLivelihoodParticipant = Insertable<LivelihoodParticipantTable>;
export type LivelihoodSupportItem = Selectable<LivelihoodSupportItemTable>;
export type NewLivelihoodSupportItem = Insertable<LivelihoodSupportItemTable>;
export type LivelihoodHighTechModel = Selectable<LivelihoodHighTechModelTable>;
export type NewLivelihoodHighTechModel = Insertable<LivelihoodHighTechModelTable>;
