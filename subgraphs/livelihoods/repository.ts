import { sql, type Kysely } from 'kysely';
import type {
  HighTechModelKind,
  LivelihoodActivity,
  LivelihoodHighTechModel,
  LivelihoodParticipant,
  LivelihoodProject,
  LivelihoodsDatabase,
  LivelihoodSupportItem,
  NewLivelihoodHighTechModel,
  NewLivelihoodParticipant,
  NewLivelihoodProject,
  NewLivelihoodSupportItem,
} from './db/tables.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<LivelihoodsDatabase>;

/** A closed range of days, 'YYYY-MM-DD' both ends. */
export interface Period {
  from: string;
  to: string;
}

export function findProjects(db: DB): Promise<LivelihoodProject[]> {
  return db.selectFrom('livelihood_project').selectAll().orderBy('start_date').orderBy('code').execute();
}

export function findProjectsByCodes(db: DB, codes: readonly string[]): Promise<LivelihoodProject[]> {
  return db
    .selectFrom('livelihood_project')
    .selectAll()
    .where('code', '=', sql<string>`any(${[...codes]}::text[])`)
    .execute();
}

export function findProject(db: DB, code: string): Promise<LivelihoodProject | undefined> {
  return db.selectFrom('livelihood_project').selectAll().where('code', '=', code).executeTakeFirst();
}

/**
 * Locks the project row until the transaction ends, so that two enrolments at once are checked
 * against the budget one after the other (each sees the other's support).
 */
export function lockProject(db: DB, code: string): Promise<LivelihoodProject | undefined> {
  return db.selectFrom('livelihood_project').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
}

export function insertProject(db: DB, project: NewLivelihoodProject): Promise<LivelihoodProject> {
  return db.insertInto('livelihood_project').values(project).returningAll().executeTakeFirstOrThrow();
}

/** Each participant's in-kind value: the sum of its items (0 without items). */
const IN_KIND = sql<number>`(SELECT coalesce(sum(i.value), 0) FROM livelihood_support_item i WHERE i.participant_id = p.id)`;

export interface ProjectTotalsRow {
  project_code: string;
  participations: number;
  households: number;
  cash_support: number;
  in_kind_support: number;
}

/** Totals per project over all its participants; projects without any are absent. */
export async function projectTotals(db: DB, codes: readonly string[]): Promise<ProjectTotalsRow[]> {
  const { rows } = await sql<ProjectTotalsRow>`
    WITH p AS (
      SELECT p.project_code, p.household_id, p.cash_support, ${IN_KIND} AS in_kind
      FROM livelihood_participant p WHERE p.project_code = any(${[...codes]}::text[]))
    SELECT project_code,
      count(*)::int AS participations,
      count(DISTINCT household_id)::int AS households,
      sum(cash_support)::int8 AS cash_support,
      sum(in_kind)::int8 AS in_kind_support
    FROM p GROUP BY project_code`.execute(db);
  return rows;
}

/** Support (cash plus in kind) a project has given so far. */
export async function supportGiven(db: DB, projectCode: string): Promise<number> {
  const { rows } = await sql<{ given: number }>`
    SELECT coalesce(sum(p.cash_support + ${IN_KIND}), 0)::int8 AS given
    FROM livelihood_participant p WHERE p.project_code = ${projectCode}`.execute(db);
  return rows[0]?.given ?? 0;
}

export function findParticipantsByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<LivelihoodParticipant[]> {
  return db
    .selectFrom('livelihood_participant')
    .selectAll()
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    .orderBy('household_id')
    .orderBy('start_date')
    .orderBy('id')
    .execute();
}

export function findItemsByParticipantIds(db: DB, participantIds: readonly number[]): Promise<LivelihoodSupportItem[]> {
  return db
    .selectFrom('livelihood_support_item')
    .selectAll()
    .where('participant_id', '=', sql<number>`any(${[...participantIds]}::int8[])`)
    .orderBy('participant_id')
    .orderBy('position')
    .execute();
}

export function findModelsByCommunes(db: DB, communeCodes: readonly string[]): Promise<LivelihoodHighTechModel[]> {
  return db
    .selectFrom('livelihood_high_tech_model')
    .selectAll()
    .where('commune_code', '=', sql<string>`any(${[...communeCodes]}::text[])`)
    .orderBy('commune_code')
    .orderBy('started_on')
    .orderBy('id')
    .execute();
}

export function insertParticipant(db: DB, participant: NewLivelihoodParticipant): Promise<LivelihoodParticipant> {
  return db.insertInto('livelihood_participant').values(participant).returningAll().executeTakeFirstOrThrow();
}

export function insertItems(db: DB, items: NewLivelihoodSupportItem[]): Promise<LivelihoodSupportItem[]> {
  return db.insertInto('livelihood_support_item').values(items).returningAll().execute();
}

export function insertModel(db: DB, model: NewLivelihoodHighTechModel): Promise<LivelihoodHighTechModel> {
  return db.insertInto('livelihood_high_tech_model').values(model).returningAll().executeTakeFirstOrThrow();
}

export interface ParticipationFiguresRow {
  /** null for the city. */
  commune_code: string | null;
  /** null on the row that covers every activity. */
  activity: LivelihoodActivity | null;
  participations: number;
  households: number;
  cash_support: number;
  in_kind_support: number;
}

/**
 * Participations starting in the period, per commune (`communeCodes` given: those communes) or
 * for the city (`null`), per activity and for all activities together. One statement: GROUPING
 * SETS give the all-activities rows, whose distinct household counts cannot be summed from the
 * per-activity rows (a household may take part in two activities).
 */
export async function participationFigures(db: DB, period: Period, communeCodes: readonly string[] | null): Promise<ParticipationFiguresRow[]> {
  const perCommune = communeCodes !== null;
  const { rows } = await sql<ParticipationFiguresRow>`
    WITH p AS (
      SELECT p.commune_code, p.activity, p.household_id, p.cash_support, ${IN_KIND} AS in_kind
      FROM livelihood_participant p
      WHERE p.start_date BETWEEN ${period.from}::date AND ${period.to}::date
        ${perCommune ? sql`AND p.commune_code = any(${[...communeCodes]}::text[])` : sql``})
    SELECT ${perCommune ? sql`commune_code` : sql`NULL::char(5) AS commune_code`},
      CASE WHEN grouping(activity) = 1 THEN NULL ELSE activity END AS activity,
      count(*)::int AS participations,
      count(DISTINCT household_id)::int AS households,
      coalesce(sum(cash_support), 0)::int8 AS cash_support,
      coalesce(sum(in_kind), 0)::int8 AS in_kind_support
    FROM p
    GROUP BY GROUPING SETS ${perCommune ? sql`((commune_code, activity), (commune_code))` : sql`((activity), ())`}`.execute(db);
  return rows;
}

export interface ModelFiguresRow {
  commune_code: string | null;
  /** null on the row that covers every kind. */
  kind: HighTechModelKind | null;
  models: number;
  /** numeric sum, exact decimal string. */
  area_hectares: string;
  households_involved: number;
}

/** High-tech models started in the period, per commune or for the city, per kind and in all. */
export async function modelFigures(db: DB, period: Period, communeCodes: readonly string[] | null): Promise<ModelFiguresRow[]> {
  const perCommune = communeCodes !== null;
  const { rows } = await sql<ModelFiguresRow>`
    SELECT ${perCommune ? sql`commune_code` : sql`NULL::char(5) AS commune_code`},
      CASE WHEN grouping(kind) = 1 THEN NULL ELSE kind END AS kind,
      count(*)::int AS models,
      coalesce(sum(area_hectares), 0)::text AS area_hectares,
      coalesce(sum(households_involved), 0)::int8 AS households_involved
    FROM livelihood_high_tech_model
    WHERE started_on BETWEEN ${period.from}::date AND ${period.to}::date
      ${perCommune ? sql`AND commune_code = any(${[...communeCodes]}::text[])` : sql``}
    GROUP BY GROUPING SETS ${perCommune ? sql`((commune_code, kind), (commune_code))` : sql`((kind), ())`}`.execute(db);
  return rows;
}

/** Participations started from `from` to `to` in these communes (null: every commune), for the consistency checks. One statement. */
export function findParticipantsStartedBetween(db: DB, communes: readonly string[] | null, from: string, to: string) {
  let q = db
    .selectFrom('livelihood_participant')
    .select(['id', 'household_id', 'commune_code', 'project_code', 'start_date'])
    .where('start_date', '>=', from)
    .where('start_date', '<=', to)
    .orderBy('id');
  if (communes) q = q.where('commune_code', 'in', communes.length ? [...communes] : ['-']);
  return q.execute();
}
