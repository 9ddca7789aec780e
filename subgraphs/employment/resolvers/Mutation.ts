import { notInFuture, optionalText, requiredText } from '../../../platform/inputs.js';
import { auditedWrite } from '../../../platform/audit.js';
import { badInput } from '../../../platform/errors.js';
import type { RegistryMember } from '../../../platform/registry-client.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import type { EmploymentContext } from '../context.js';
import type { HouseholdClassification } from '../db/tables.js';
import * as repo from '../repository.js';
import { parseId, requireId } from '../../../platform/ids.js';
import type { MutationResolvers } from './types.generated.js';

// Every mutation: validate the input, then ask the registry, then write in one transaction
// together with its audit record (auditedWrite), naming the households it touched.
// The registry is asked BEFORE the transaction opens: on the embedded database an open
// transaction holds the one shared session the registry needs to answer.

/** The registry's person for `id`, or a refusal naming `field`. */
async function registryMember(ctx: EmploymentContext, field: string, id: string): Promise<RegistryMember> {
  const member = parseId(id) === undefined ? undefined : (await ctx.registry.members([id])).get(id);
  const missing = () => badInput(field, `unknown person "${id}": the registry has no such household member`);
  if (!member) throw missing();
  // A commune-scoped writer records only people of its communes; anyone else reads as missing.
  ctx.auth.requireCommune(member.communeCode, missing);
  return member;
}

/**
 * The classification of the poor / near-poor lists in force on `date` for a household.
 * Rule: the lists in force during calendar year Y are those drawn by the periodic review at the
 * end of Y-1, so a record dated in Y takes the household's latest review of review year Y-1
 * (null when the household was not reviewed that year).
 */
async function classificationInForce(ctx: EmploymentContext, householdId: string, date: string): Promise<HouseholdClassification | null> {
  const reviewYear = Number(date.slice(0, 4)) - 1;
  const household = (await ctx.registry.households([householdId], [reviewYear])).get(householdId);
  const c = household?.classificationByYear[reviewYear];
  return c ? (c.toLowerCase() as HouseholdClassification) : null;
}

export const Mutation: MutationResolvers = {
  recordJobPlacement: async (_, { input }, ctx) => {
    const today = todayInHanoi();
    const employer = requiredText('employer', input.employer);
    const sector = requiredText('sector', input.sector);
    if (input.monthlyWage < 0) throw badInput('monthlyWage', 'monthlyWage must be zero or more');
    const destination = optionalText(input.destinationCountry);
    if (input.contract === 'overseas' && !destination) {
      throw badInput('destinationCountry', 'an overseas contract needs its destinationCountry');
    }
    if (input.contract === 'domestic' && destination) {
      throw badInput('destinationCountry', 'destinationCountry is only for an overseas contract');
    }
    notInFuture('placedOn', input.placedOn, today);
    let jobFairId: number | null = null;
    if (input.jobFairId != null) {
      if (input.channel !== 'job_fair') throw badInput('jobFairId', 'jobFairId is only for a placement through channel JOB_FAIR');
      const n = requireId('jobFairId', input.jobFairId, 'job fair');
      jobFairId = n;
    }

    const member = await registryMember(ctx, 'workerId', input.workerId);
    if (input.householdId != null && input.householdId !== member.householdId) {
      throw badInput('householdId', `worker ${input.workerId} is not a member of household "${input.householdId}" in the registry`);
    }
    const classification = await classificationInForce(ctx, member.householdId, input.placedOn);

    const placement = await auditedWrite(ctx.db, ctx.auth, 'recordJobPlacement', async (trx, audit) => {
      audit.household(member.householdId);
      if (jobFairId !== null) {
        const fair = await repo.findJobFairForShare(trx, jobFairId);
        if (!fair) throw badInput('jobFairId', `unknown job fair "${input.jobFairId}"`);
        if (input.placedOn < fair.held_on) throw badInput('placedOn', `placedOn is before the job fair it came from (${fair.held_on})`);
      }
      return repo.insertPlacement(trx, {
        member_id: Number(member.id),
        household_id: Number(member.householdId),
        commune_code: member.communeCode,
        household_classification: classification,
        employer,
        sector,
        channel: input.channel,
        contract: input.contract,
        destination_country: destination,
        placed_on: input.placedOn,
        monthly_wage: input.monthlyWage,
        job_fair_id: jobFairId,
      });
    });
    return { placement };
  },

  recordJobFair: async (_, { input }, ctx) => {
    for (const field of ['employers', 'participants', 'hires', 'hiresAbroad'] as const) {
      if (input[field] < 0) throw badInput(field, `${field} must be zero or more`);
    }
    if (input.hires > input.participants) throw badInput('hires', `hires (${input.hires}) exceed participants (${input.participants})`);
    if (input.hiresAbroad > input.hires) throw badInput('hiresAbroad', `hiresAbroad (${input.hiresAbroad}) exceed hires (${input.hires})`);
    notInFuture('heldOn', input.heldOn);

    const missing = () => badInput('communeCode', `unknown commune code "${input.communeCode}"`);
    ctx.auth.requireCommune(input.communeCode, missing);
    const communes = await ctx.registry.communes([input.communeCode]);
    if (!communes.has(input.communeCode)) throw missing();

    // A fair is commune-level: it names no household. Its audit record is written in the same
    // transaction as the fair, so neither exists without the other.
    const jobFair = await auditedWrite(ctx.db, ctx.auth, 'recordJobFair', (trx) =>
      repo.insertJobFair(trx, {
        commune_code: input.communeCode,
        held_on: input.heldOn,
        name: optionalText(input.name),
        employers: input.employers,
        participants: input.participants,
        hires: input.hires,
        hires_abroad: input.hiresAbroad,
      }),
    );
    return { jobFair };
  },

  enrolInTraining: async (_, { input }, ctx) => {
    const today = todayInHanoi();
    const course = requiredText('course', input.course);
    notInFuture('startedOn', input.startedOn, today);
    const certificate = optionalText(input.certificate);
    if (input.completedOn != null) {
      if (input.completedOn < input.startedOn) throw badInput('completedOn', `completedOn is before startedOn (${input.startedOn})`);
      notInFuture('completedOn', input.completedOn, today);
    } else if (certificate) {
      throw badInput('certificate', 'a certificate needs completedOn');
    }

    const member = await registryMember(ctx, 'personId', input.personId);
    const classification = await classificationInForce(ctx, member.householdId, input.startedOn);

    const enrolment = await auditedWrite(ctx.db, ctx.auth, 'enrolInTraining', (trx, audit) => {
      audit.household(member.householdId);
      return repo.insertEnrolment(trx, {
        member_id: Number(member.id),
        household_id: Number(member.householdId),
        commune_code: member.communeCode,
        household_classification: classification,
        course,
        level: input.level,
        started_on: input.startedOn,
        completed_on: input.completedOn ?? null,
        certificate,
      });
    });
    return { enrolment };
  },

  completeTraining: async (_, { input }, ctx) => {
    notInFuture('completedOn', input.completedOn);
    const id = requireId('enrolmentId', input.enrolmentId, 'enrolment');
    const enrolment = await auditedWrite(ctx.db, ctx.auth, 'completeTraining', async (trx, audit) => {
      const found = await repo.lockEnrolment(trx, id);
      const missing = () => badInput('enrolmentId', `unknown enrolment "${input.enrolmentId}"`);
      if (!found) throw missing();
      ctx.auth.requireCommune(found.commune_code, missing);
      audit.household(found.household_id);
      if (found.completed_on !== null) throw badInput('enrolmentId', `enrolment ${id} was already completed on ${found.completed_on}`);
      if (input.completedOn < found.started_on) throw badInput('completedOn', `completedOn is before the start of the course (${found.started_on})`);
      return repo.completeEnrolment(trx, id, input.completedOn, optionalText(input.certificate));
    });
    return { enrolment };
  },

  recordLabourStatistics: async (_, { input }, ctx) => {
    const thisYear = Number(todayInHanoi().slice(0, 4));
    if (input.year < 1990 || input.year > thisYear) throw badInput('year', `year must be between 1990 and ${thisYear}, got ${input.year}`);
    for (const field of ['urbanUnemploymentRatePercent', 'trainedWorkerSharePercent'] as const) {
      const v = input[field];
      if (!Number.isFinite(v) || v < 0 || v > 100) throw badInput(field, `${field} must be a percentage from 0 to 100, got ${v}`);
    }
    const source = requiredText('source', input.source);
    ctx.auth.requireCityWide('labour statistics');
    // City-wide figures: no household is touched, but the write is audited like every other.
    const labourStatistics = await auditedWrite(ctx.db, ctx.auth, 'recordLabourStatistics', (trx) =>
      repo.insertLabourStatistics(trx, {
        year: input.year,
        urban_unemployment_rate_percent: String(input.urbanUnemploymentRatePercent),
        trained_worker_share_percent: String(input.trainedWorkerSharePercent),
        basis: input.basis ?? 'reported',
        source,
      }),
    );
    return { labourStatistics };
  },
};
