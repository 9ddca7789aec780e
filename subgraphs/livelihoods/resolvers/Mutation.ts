import { requiredText } from '../../../platform/inputs.js';
import { requireId } from '../../../platform/ids.js';
import { auditedWrite } from '../../../platform/audit.js';
import { badInput, violatesUnique } from '../../../platform/errors.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import * as repo from '../repository.js';
import type { EnrolLivelihoodParticipantInput, MutationResolvers } from './types.generated.js';

const PROJECT_CODE = /^[A-Z0-9][A-Z0-9_-]{1,39}$/;
const MAX_ITEMS = 50;
/** An area beyond this is a typing error, not a model (Hanoi is about 335,000 ha). */
const MAX_AREA_HECTARES = 100_000;
const FIRST_MODEL_YEAR = 1990;

/** The registry's classifications that may take part (see `eligibleYear`). */
export const ELIGIBLE = new Set(['POOR', 'NEAR_POOR']);

function householdIdOf(input: { householdId: string }): number {
  return requireId('householdId', input.householdId, 'household');
}

/** Checks that need no database or registry; returns the cleaned items and the support total. */
function validateEnrolment(input: EnrolLivelihoodParticipantInput, today: string) {
  if (input.cashSupport < 0) throw badInput('cashSupport', 'cashSupport must be zero or more');
  const items = input.inKindSupport ?? [];
  if (items.length > MAX_ITEMS) throw badInput('inKindSupport', `at most ${MAX_ITEMS} items in kind`);
  const cleaned = items.map((line, i) => {
    const item = requiredText(`inKindSupport[${i}].item`, line.item);
    const quantity = line.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1) throw badInput(`inKindSupport[${i}].quantity`, 'quantity must be at least 1');
    if (line.value < 0) throw badInput(`inKindSupport[${i}].value`, 'value must be zero or more');
    return { item, quantity, value: line.value };
  });
  const total = cleaned.reduce((sum, line) => sum + line.value, input.cashSupport);
  if (!Number.isSafeInteger(total)) throw badInput('cashSupport', 'the support adds up to more than can be recorded');
  if (input.startDate > today) throw badInput('startDate', `startDate ${input.startDate} is in the future`);
  return { items: cleaned, total };
}

export const Mutation: MutationResolvers = {
  createLivelihoodProject: async (_, { input }, ctx) => {
    if (!PROJECT_CODE.test(input.code)) {
      throw badInput('code', 'code must be 2 to 40 capital letters, digits, "_" or "-", starting with a letter or digit');
    }
    const name = requiredText('name', input.name);
    if (input.budget < 0) throw badInput('budget', 'budget must be zero or more');
    const fundingSource = requiredText('fundingSource', input.fundingSource);
    if (input.endDate < input.startDate) throw badInput('endDate', `endDate ${input.endDate} is before startDate ${input.startDate}`);
    // A project may be created before its period starts (a plan), so no future-date refusal here.
    ctx.auth.requireCityWide('a livelihood project');
    try {
      // One insert, in a transaction with its audit record (a project is no household's record).
      const project = await auditedWrite(ctx.db, ctx.auth, 'createLivelihoodProject', (trx) =>
        repo.insertProject(trx, {
          code: input.code,
          name,
          budget: input.budget,
          funding_source: fundingSource,
          start_date: input.startDate,
          end_date: input.endDate,
        }),
      );
      return { project };
    } catch (error) {
      if (violatesUnique(error, 'livelihood_project_pkey')) throw badInput('code', `a project with code "${input.code}" already exists`);
      throw error;
    }
  },

  enrolLivelihoodParticipant: async (_, { input }, ctx) => {
    const householdId = householdIdOf(input);
    const { items, total } = validateEnrolment(input, todayInHanoi());
    const project = await repo.findProject(ctx.db, input.projectCode);
    if (!project) throw badInput('projectCode', `unknown livelihood project "${input.projectCode}"`);
    if (input.startDate < project.start_date || input.startDate > project.end_date) {
      throw badInput('startDate', `startDate ${input.startDate} is outside the project's period (${project.start_date} to ${project.end_date})`);
    }

    // Eligibility: the poor / near-poor lists in force during calendar year Y are those of the
    // registry's review year Y-1 (the periodic review at the end of Y-1 draws the lists for Y).
    // So a household starting on 2024-03-01 must have been classified POOR or NEAR_POOR by its
    // latest review of 2023.
    const listYear = Number(input.startDate.slice(0, 4)) - 1;
    // Asked before the transaction opens: on the embedded database the registry needs the
    // shared session that an open transaction would hold.
    const household = (await ctx.registry.households([String(householdId)], [listYear])).get(String(householdId));
    const missing = () => badInput('householdId', `unknown household "${input.householdId}"`);
    if (!household) throw missing();
    // No role that writes is commune-scoped today, but roles are data: a commune-scoped writer
    // must not enrol another commune's household (it reads as a missing one, before its
    // eligibility could say anything about it).
    ctx.auth.requireCommune(household.communeCode, missing);
    const classification = household.classificationByYear[listYear];
    if (!classification || !ELIGIBLE.has(classification)) {
      throw badInput(
        'householdId',
        `household ${householdId} is not on the poor or near-poor list in force on ${input.startDate} ` +
          `(review ${listYear}: ${classification ?? 'not reviewed'})`,
      );
    }

    try {
      // One transaction: the participant, all its items and the audit record, or nothing. Only
      // `trx` inside.
      const participant = await auditedWrite(ctx.db, ctx.auth, 'enrolLivelihoodParticipant', async (trx, audit) => {
        audit.household(householdId);
        const locked = await repo.lockProject(trx, project.code);
        if (!locked) throw badInput('projectCode', `unknown livelihood project "${input.projectCode}"`);
        const given = await repo.supportGiven(trx, locked.code);
        if (given + total > locked.budget) {
          // Name the amount that was typed: the cash when there is some, else the items.
          throw badInput(
            input.cashSupport > 0 || items.length === 0 ? 'cashSupport' : 'inKindSupport',
            `support of ${total} đồng is beyond the project's remaining budget of ${locked.budget - given} đồng`,
          );
        }
        const created = await repo.insertParticipant(trx, {
          project_code: locked.code,
          household_id: householdId,
          commune_code: household.communeCode,
          activity: input.activity,
          cash_support: input.cashSupport,
          start_date: input.startDate,
        });
        if (items.length) {
          await repo.insertItems(
            trx,
            items.map((line, position) => ({ participant_id: created.id, position, ...line })),
          );
        }
        return created;
      });
      return { participation: participant };
    } catch (error) {
      if (violatesUnique(error, 'livelihood_participant_project_household_key')) {
        throw badInput('householdId', `household ${householdId} already takes part in project ${project.code}`);
      }
      throw error;
    }
  },

  recordHighTechModel: async (_, { input }, ctx) => {
    if (!/^\d{5}$/.test(input.communeCode)) throw badInput('communeCode', `unknown commune code "${input.communeCode}"`);
    const name = requiredText('name', input.name);
    const technology = requiredText('technology', input.technology);
    if (!Number.isFinite(input.areaHectares) || input.areaHectares < 0) throw badInput('areaHectares', 'areaHectares must be zero or more');
    if (input.areaHectares > MAX_AREA_HECTARES) throw badInput('areaHectares', `areaHectares must be at most ${MAX_AREA_HECTARES}`);
    if (input.householdsInvolved < 0) throw badInput('householdsInvolved', 'householdsInvolved must be zero or more');
    const today = todayInHanoi();
    let startedOn: string;
    let precision: 'day' | 'year';
    if (input.startDate != null) {
      if (input.startDate > today) throw badInput('startDate', `startDate ${input.startDate} is in the future`);
      if (input.startYear != null && input.startYear !== Number(input.startDate.slice(0, 4))) {
        throw badInput('startYear', `startYear ${input.startYear} does not agree with startDate ${input.startDate}`);
      }
      startedOn = input.startDate;
      precision = 'day';
    } else if (input.startYear != null) {
      if (input.startYear > Number(today.slice(0, 4))) throw badInput('startYear', `startYear ${input.startYear} is in the future`);
      if (input.startYear < FIRST_MODEL_YEAR) throw badInput('startYear', `startYear must be ${FIRST_MODEL_YEAR} or later`);
      startedOn = `${input.startYear}-01-01`;
      precision = 'year';
    } else {
      throw badInput('startDate', 'give startDate or, when the day is not known, startYear');
    }

    // The registry decides which communes exist; asked before anything is written. A
    // commune-scoped writer records its own communes' models (another reads as unknown).
    const missing = () => badInput('communeCode', `unknown commune code "${input.communeCode}"`);
    ctx.auth.requireCommune(input.communeCode, missing);
    const communes = await ctx.registry.communes([input.communeCode]);
    if (!communes.has(input.communeCode)) throw missing();

    // One insert, in a transaction with its audit record (a model is a commune's, no household's).
    const model = await auditedWrite(ctx.db, ctx.auth, 'recordHighTechModel', (trx) =>
      repo.insertModel(trx, {
        commune_code: input.communeCode,
        name,
        kind: input.kind,
        technology,
        area_hectares: String(input.areaHectares),
        households_involved: input.householdsInvolved,
        started_on: startedOn,
        start_precision: precision,
      }),
    );
    return { model };
  },
};
