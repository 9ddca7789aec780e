import { requireId } from '../../../platform/ids.js';
import { notInFuture } from '../../../platform/inputs.js';
import { auditedWrite } from '../../../platform/audit.js';
import { badInput, violatesUnique } from '../../../platform/errors.js';
import type { RegistryClassification, RegistryMember } from '../../../platform/registry-client.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import type { SocialInsuranceContext } from '../context.js';
import type { SupportGroup } from '../db/tables.js';
import * as repo from '../repository.js';
import type { MutationResolvers } from './types.generated.js';

// Every mutation: validate the input, then ask the registry (never inside a transaction: on the
// embedded database the registry needs the shared session to answer), then write. Each writes
// one row and its audit record in one transaction (auditedWrite): a refusal writes neither.

/** The registry classification a support group needs in the lists in force for the card's year. */
export const REQUIRED_CLASSIFICATION: Record<SupportGroup, RegistryClassification> = {
  poor: 'POOR',
  near_poor: 'NEAR_POOR',
  middle_income_agriculture: 'MIDDLE_INCOME',
};

const MAX_VOLUNTARY_MONTHS = 120;

function registryId(value: string, field: string, what: string): string {
  return String(requireId(field, value, what));
}

function notNegative(amount: number, field: string): void {
  if (amount < 0) throw badInput(field, `${field} must be zero or more, got ${amount}`);
}

async function knownMember(ctx: SocialInsuranceContext, memberId: string): Promise<RegistryMember> {
  const id = registryId(memberId, 'memberId', 'person');
  const member = (await ctx.registry.members([id])).get(id);
  const missing = () => badInput('memberId', `unknown person "${memberId}": the registry has no such household member`);
  if (!member) throw missing();
  // A commune-scoped writer (none in the default policy, but roles are data) writes only for
  // households in its communes; a person elsewhere reads as a missing one.
  ctx.auth.requireCommune(member.communeCode, missing);
  return member;
}

async function knownHousehold(ctx: SocialInsuranceContext, householdId: string) {
  const id = registryId(householdId, 'householdId', 'household');
  const household = (await ctx.registry.households([id])).get(id);
  const missing = () => badInput('householdId', `unknown household "${householdId}": the registry has no such household`);
  if (!household) throw missing();
  ctx.auth.requireCommune(household.communeCode, missing);
  return household;
}

/** Calendar months from the month of `from` to the month of `to`, both included. */
function monthsSpanned(from: string, to: string): number {
  return repo.monthIndex(to) - repo.monthIndex(from) + 1;
}

export const Mutation: MutationResolvers = {
  grantHealthInsuranceSupport: async (_, { input }, ctx) => {
    const today = todayInHanoi();
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > Number(today.slice(0, 4)) + 1) {
      throw badInput('year', `year must be between 2000 and next year, got ${input.year}`);
    }
    if (Number(input.validFrom.slice(0, 4)) !== input.year) {
      throw badInput('validFrom', `validFrom ${input.validFrom} is not in the card's year ${input.year}`);
    }
    if (input.validTo < input.validFrom) throw badInput('validTo', `validTo (${input.validTo}) is before validFrom (${input.validFrom})`);
    const share = input.budgetSharePercent;
    if (!(share > 0 && share <= 100) || Math.abs(Math.round(share * 100) - share * 100) > 1e-6) {
      throw badInput('budgetSharePercent', `budgetSharePercent must be more than 0 and at most 100, with two decimals at most; got ${share}`);
    }
    notNegative(input.budgetAmount, 'budgetAmount');
    notInFuture('grantedOn', input.grantedOn, today);

    const member = await knownMember(ctx, input.memberId);
    // Eligibility by the registry's review: the poor / near-poor lists in force during calendar
    // year Y are those of review year Y-1 (the periodic review at the end of Y-1 draws the lists
    // for Y). So a POOR card for 2024 needs the household classified POOR in review year 2023;
    // NEAR_POOR likewise; MIDDLE_INCOME_AGRICULTURE needs MIDDLE_INCOME.
    const reviewYear = input.year - 1;
    const household = (await ctx.registry.households([member.householdId], [reviewYear])).get(member.householdId);
    const classification = household?.classificationByYear[reviewYear] ?? null;
    const required = REQUIRED_CLASSIFICATION[input.supportGroup];
    if (classification !== required) {
      throw badInput(
        'supportGroup',
        `the household's review of ${reviewYear} (the lists in force in ${input.year}) classified it ${classification ?? 'not at all'}; this support group needs ${required}`,
      );
    }
    try {
      const healthInsuranceSupport = await auditedWrite(ctx.db, ctx.auth, 'grantHealthInsuranceSupport', (trx, audit) => {
        audit.household(member.householdId);
        return repo.insertHealthInsurance(trx, {
          member_id: Number(member.id),
          household_id: Number(member.householdId),
          commune_code: member.communeCode,
          year: input.year,
          valid_from: input.validFrom,
          valid_to: input.validTo,
          support_group: input.supportGroup,
          budget_share_percent: share,
          budget_amount: input.budgetAmount,
          granted_on: input.grantedOn,
        });
      });
      return { healthInsuranceSupport };
    } catch (error) {
      if (violatesUnique(error, 'health_insurance_support_member_year_key'))
        throw badInput('year', `person ${member.id} already has a supported health-insurance card for ${input.year}`);
      throw error;
    }
  },

  supportVoluntaryContribution: async (_, { input }, ctx) => {
    if (!Number.isInteger(input.months) || input.months < 1 || input.months > MAX_VOLUNTARY_MONTHS) {
      throw badInput('months', `months must be between 1 and ${MAX_VOLUNTARY_MONTHS}, got ${input.months}`);
    }
    notNegative(input.amount, 'amount');
    notInFuture('paidOn', input.paidOn);
    const member = await knownMember(ctx, input.memberId);
    const voluntaryInsuranceSupport = await auditedWrite(ctx.db, ctx.auth, 'supportVoluntaryContribution', (trx, audit) => {
      audit.household(member.householdId);
      return repo.insertVoluntary(trx, {
        member_id: Number(member.id),
        household_id: Number(member.householdId),
        commune_code: member.communeCode,
        paid_on: input.paidOn,
        months: input.months,
        amount: input.amount,
      });
    });
    return { voluntaryInsuranceSupport };
  },

  grantTuitionSupport: async (_, { input }, ctx) => {
    const match = /^(\d{4})-(\d{4})$/.exec(input.schoolYear.trim());
    if (!match || Number(match[2]) !== Number(match[1]) + 1) {
      throw badInput('schoolYear', `schoolYear must be two consecutive years such as "2023-2024", got "${input.schoolYear}"`);
    }
    notNegative(input.amount, 'amount');
    notInFuture('grantedOn', input.grantedOn);
    const member = await knownMember(ctx, input.memberId);
    const tuitionSupport = await auditedWrite(ctx.db, ctx.auth, 'grantTuitionSupport', (trx, audit) => {
      audit.household(member.householdId);
      return repo.insertTuition(trx, {
        member_id: Number(member.id),
        household_id: Number(member.householdId),
        commune_code: member.communeCode,
        school_year: input.schoolYear.trim(),
        kind: input.kind,
        amount: input.amount,
        granted_on: input.grantedOn,
      });
    });
    return { tuitionSupport };
  },

  grantElectricitySubsidy: async (_, { input }, ctx) => {
    if (input.periodTo < input.periodFrom) {
      throw badInput('periodTo', `periodTo (${input.periodTo}) is before periodFrom (${input.periodFrom})`);
    }
    notNegative(input.amount, 'amount');
    notInFuture('paidOn', input.paidOn);
    const household = await knownHousehold(ctx, input.householdId);
    const electricitySubsidy = await auditedWrite(ctx.db, ctx.auth, 'grantElectricitySubsidy', (trx, audit) => {
      audit.household(household.id);
      return repo.insertElectricity(trx, {
        household_id: Number(household.id),
        commune_code: household.communeCode,
        period_from: input.periodFrom,
        period_to: input.periodTo,
        months: monthsSpanned(input.periodFrom, input.periodTo),
        amount: input.amount,
        paid_on: input.paidOn,
      });
    });
    return { electricitySubsidy };
  },

  startSocialAllowance: async (_, { input }, ctx) => {
    notNegative(input.monthlyAmount, 'monthlyAmount');
    notInFuture('startDate', input.startDate);
    if (input.endDate != null && input.endDate < input.startDate) {
      throw badInput('endDate', `endDate (${input.endDate}) is before startDate (${input.startDate})`);
    }
    const member = await knownMember(ctx, input.memberId);
    const socialAllowance = await auditedWrite(ctx.db, ctx.auth, 'startSocialAllowance', (trx, audit) => {
      audit.household(member.householdId);
      return repo.insertAllowance(trx, {
        member_id: Number(member.id),
        household_id: Number(member.householdId),
        commune_code: member.communeCode,
        category: input.category,
        monthly_amount: input.monthlyAmount,
        start_date: input.startDate,
        end_date: input.endDate ?? null,
      });
    });
    return { socialAllowance };
  },

  recordEmergencyRelief: async (_, { input }, ctx) => {
    const today = todayInHanoi();
    notInFuture('eventDate', input.eventDate, today);
    notInFuture('reliefDate', input.reliefDate, today);
    if (input.reliefDate < input.eventDate) {
      throw badInput('reliefDate', `reliefDate (${input.reliefDate}) is before eventDate (${input.eventDate})`);
    }
    notNegative(input.cashAmount, 'cashAmount');
    const inKindValue = input.inKindValue ?? 0;
    notNegative(inKindValue, 'inKindValue');
    const description = input.inKindDescription?.trim() || null;
    if (inKindValue > 0 && !description) throw badInput('inKindDescription', 'say what was given in kind when inKindValue is more than zero');
    if (input.cashAmount === 0 && inKindValue === 0) throw badInput('cashAmount', 'relief must give cash or support in kind');
    const household = await knownHousehold(ctx, input.householdId);
    const emergencyRelief = await auditedWrite(ctx.db, ctx.auth, 'recordEmergencyRelief', (trx, audit) => {
      audit.household(household.id);
      return repo.insertRelief(trx, {
        household_id: Number(household.id),
        commune_code: household.communeCode,
        event_kind: input.eventKind,
        event_date: input.eventDate,
        relief_date: input.reliefDate,
        cash_amount: input.cashAmount,
        in_kind_description: description,
        in_kind_value: inKindValue,
      });
    });
    return { emergencyRelief };
  },
};
