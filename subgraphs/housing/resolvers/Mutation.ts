import { notInFuture } from '../../../platform/inputs.js';
import type { Transaction } from 'kysely';
import { auditedWrite } from '../../../platform/audit.js';
import { badInput } from '../../../platform/errors.js';
import type { HousingContext } from '../context.js';
import type { HousingCase, HousingDatabase, HousingFundingSource } from '../db/tables.js';
import * as repo from '../repository.js';
import type { HousingFundingLineInput, MutationResolvers } from './types.generated.js';
import { eligibleForHousing, listReviewYear, transition, vbspLineRefusal, type HousingAction } from '../rules.js';
import type { RegistryClassification } from '../../../platform/registry-client.js';
import { requireId } from '../../../platform/ids.js';

const MAX_FUNDING_LINES = 20;

function checkFundingLines(lines: readonly HousingFundingLineInput[], required: boolean): void {
  if (required && lines.length === 0) throw badInput('fundingLines', 'a case needs at least one funding line');
  if (lines.length > MAX_FUNDING_LINES) throw badInput('fundingLines', `at most ${MAX_FUNDING_LINES} funding lines at once`);
  lines.forEach((line, i) => {
    if (line.amount <= 0) throw badInput(`fundingLines[${i}].amount`, `amount must be more than zero, got ${line.amount}`);
  });
}

/** The sum of the VBSP housing-loan lines among `lines`. */
function vbspTotal(lines: readonly { source: HousingFundingSource; amount: number | string }[]): number {
  return lines.filter((l) => l.source === 'vbsp_housing_loan').reduce((sum, l) => sum + Number(l.amount), 0);
}

/** The first VBSP line's index, for naming the refused field. */
function vbspField(lines: readonly HousingFundingLineInput[]): string {
  return `fundingLines[${Math.max(
    0,
    lines.findIndex((l) => l.source === 'vbsp_housing_loan'),
  )}].source`;
}

function caseIdOf(input: { caseId: string }): number {
  const id = requireId('caseId', input.caseId, 'housing case');
  return id;
}

/**
 * Runs one state-machine step on a case in one transaction, with its audit record: locks the
 * case row (SELECT ... FOR UPDATE, so two transitions of the same case at once cannot both pass
 * validation), checks the transition and the dates against the locked row, then writes.
 * `mutation` is the mutation field's name, as the audit trail records it.
 */
async function step(
  ctx: HousingContext,
  mutation: string,
  caseId: number,
  action: HousingAction,
  apply: (locked: HousingCase, to: HousingCase['status'], trx: Transaction<HousingDatabase>) => Promise<HousingCase>,
): Promise<{ housingCase: HousingCase }> {
  const housingCase = await auditedWrite(ctx.db, ctx.auth, mutation, async (trx, audit) => {
    const locked = await repo.lockCase(trx, caseId);
    const missing = () => badInput('caseId', `unknown housing case "${caseId}"`);
    if (!locked) throw missing();
    // No role that writes is commune-scoped today, but roles are data: a commune-scoped writer
    // must not change another commune's case (refused as a missing case; the transaction rolls back).
    ctx.auth.requireCommune(locked.commune_code, missing);
    audit.household(locked.household_id);
    const result = transition(locked.status, action);
    if (!result.ok) throw badInput('caseId', `case ${caseId}: ${result.reason}`);
    return apply(locked, result.to, trx);
  });
  return { housingCase };
}

export const Mutation: MutationResolvers = {
  approveHousingCase: async (_, { input }, ctx) => {
    const householdId = requireId('householdId', input.householdId, 'household');
    notInFuture('approvalDate', input.approvalDate);
    checkFundingLines(input.fundingLines, true);

    // Ask the registry before any transaction opens (on the embedded database an open
    // transaction holds the session the registry needs to answer).
    // Eligibility: the poor / near-poor lists in force during calendar year Y are those of
    // review year Y-1 (the periodic review at the end of Y-1 draws the lists for Y), so a case
    // approved in Y needs POOR or NEAR_POOR in review year Y-1.
    const reviewYear = listReviewYear(input.approvalDate);
    const household = (await ctx.registry.households([String(householdId)], [reviewYear])).get(String(householdId));
    const missing = () => badInput('householdId', `unknown household "${input.householdId}"`);
    if (!household) throw missing();
    // As in `step`: no writer is commune-scoped today, but a scoped one stays in its communes (a
    // household elsewhere reads as a missing one, before its eligibility could say anything).
    ctx.auth.requireCommune(household.communeCode, missing);
    const classification = household.classificationByYear[reviewYear];
    if (!eligibleForHousing(classification)) {
      throw badInput(
        'householdId',
        `household ${householdId} is not on the poor or near-poor list in force on ${input.approvalDate} ` +
          `(review ${reviewYear}: ${classification ?? 'not reviewed'})`,
      );
    }
    const vbspRefusal = vbspLineRefusal(classification, reviewYear, vbspTotal(input.fundingLines));
    if (vbspRefusal) throw badInput(vbspField(input.fundingLines), `household ${householdId}: ${vbspRefusal}`);

    const housingCase = await auditedWrite(ctx.db, ctx.auth, 'approveHousingCase', async (trx, audit) => {
      audit.household(householdId);
      const created = await repo.insertCase(trx, {
        household_id: householdId,
        commune_code: household.communeCode,
        kind: input.kind,
        status: 'approved',
        approval_date: input.approvalDate,
        start_date: null,
        completion_date: null,
        cancellation_date: null,
        cancellation_reason: null,
      });
      await repo.insertFundingLines(
        trx,
        input.fundingLines.map((l) => ({ case_id: created.id, source: l.source, amount: l.amount, committed_on: input.approvalDate })),
      );
      return created;
    });
    return { housingCase };
  },

  recordHousingProgress: async (_, { input }, ctx) => {
    const caseId = caseIdOf(input);
    notInFuture('startDate', input.startDate);
    const lines = input.fundingLines ?? [];
    checkFundingLines(lines, false);
    // New VBSP housing-loan lines are judged like those of an approval, by the list in force on
    // the start date (the registry is asked before the transaction opens, as in the approval).
    let vbspCheck: { classification: RegistryClassification | null | undefined; reviewYear: number } | undefined;
    if (vbspTotal(lines) > 0) {
      const [known] = await repo.findCasesByIds(ctx.db, [caseId]);
      if (known) {
        const reviewYear = listReviewYear(input.startDate);
        const household = (await ctx.registry.households([String(known.household_id)], [reviewYear])).get(String(known.household_id));
        vbspCheck = { classification: household?.classificationByYear[reviewYear], reviewYear };
      }
    }
    return step(ctx, 'recordHousingProgress', caseId, 'start', async (locked, to, trx) => {
      if (input.startDate < locked.approval_date) {
        throw badInput('startDate', `startDate ${input.startDate} is before the approval date ${locked.approval_date}`);
      }
      if (vbspCheck) {
        // The case's lines as locked (a line is never removed), so the ceiling counts them all.
        const existing = await repo.findFundingLinesByCaseIds(trx, [caseId]);
        const refusal = vbspLineRefusal(vbspCheck.classification, vbspCheck.reviewYear, vbspTotal(existing) + vbspTotal(lines));
        if (refusal) throw badInput(vbspField(lines), `case ${caseId}: ${refusal}`);
      }
      const updated = await repo.updateCase(trx, caseId, { status: to, start_date: input.startDate });
      if (lines.length) {
        await repo.insertFundingLines(
          trx,
          lines.map((l) => ({ case_id: caseId, source: l.source, amount: l.amount, committed_on: input.startDate })),
        );
      }
      return updated;
    });
  },

  completeHousingCase: async (_, { input }, ctx) => {
    const caseId = caseIdOf(input);
    notInFuture('completionDate', input.completionDate);
    return step(ctx, 'completeHousingCase', caseId, 'complete', async (locked, to, trx) => {
      // A BUILDING case always has a start date (a check constraint holds it).
      if (input.completionDate < locked.start_date!) {
        throw badInput('completionDate', `completionDate ${input.completionDate} is before the start date ${locked.start_date}`);
      }
      return repo.updateCase(trx, caseId, { status: to, completion_date: input.completionDate });
    });
  },

  cancelHousingCase: async (_, { input }, ctx) => {
    const caseId = caseIdOf(input);
    notInFuture('cancellationDate', input.cancellationDate);
    const reason = input.reason?.trim() || null;
    return step(ctx, 'cancelHousingCase', caseId, 'cancel', async (locked, to, trx) => {
      const earliest = locked.start_date ?? locked.approval_date;
      if (input.cancellationDate < earliest) {
        throw badInput(
          'cancellationDate',
          `cancellationDate ${input.cancellationDate} is before ${locked.start_date ? 'the start' : 'the approval'} date ${earliest}`,
        );
      }
      return repo.updateCase(trx, caseId, { status: to, cancellation_date: input.cancellationDate, cancellation_reason: reason });
    });
  },

  addFundContribution: async (_, { input }, ctx) => {
    if (input.amount <= 0) throw badInput('amount', `amount must be more than zero, got ${input.amount}`);
    notInFuture('contributionDate', input.contributionDate);
    const donorName = input.donorName?.trim() || null;
    const communeCode = input.communeCode ?? null;
    if (communeCode !== null) {
      // Asked before writing: the registry owns the communes. A commune-scoped writer gives to
      // its own communes' fund only (another commune reads as an unknown one).
      const missing = () => badInput('communeCode', `unknown commune code "${communeCode}"`);
      ctx.auth.requireCommune(communeCode, missing);
      const known = await ctx.registry.communes([communeCode]);
      if (!known.has(communeCode)) throw missing();
    } else {
      ctx.auth.requireCityWide('a contribution to the city fund');
    }
    // One insert, in a transaction with its audit record. A contribution is no household's record,
    // so the event names none.
    const contribution = await auditedWrite(ctx.db, ctx.auth, 'addFundContribution', (trx) =>
      repo.insertContribution(trx, {
        donor_kind: input.donorKind,
        donor_name: donorName,
        amount: input.amount,
        contribution_date: input.contributionDate,
        commune_code: communeCode,
      }),
    );
    return { contribution };
  },
};
