import { auditedWrite } from '../../../platform/audit.js';
import { badInput, violatesUnique } from '../../../platform/errors.js';
import { requireId } from '../../../platform/ids.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import * as repo from '../repository.js';
import { rulesOf, score, transition } from '../standard.js';
import type { MutationResolvers, RegisterHouseholdInput } from './types.generated.js';

const NATIONAL_ID = /^\d{12}$/;
const MAX_MEMBERS = 50;

/** Checks that need no database; throws the first problem, naming its field. */
function validateHousehold(input: RegisterHouseholdInput, today: string): void {
  if (!input.address.trim()) throw badInput('address', 'address must not be empty');
  if (input.members.length === 0) throw badInput('members', 'a household needs at least one member');
  if (input.members.length > MAX_MEMBERS) throw badInput('members', `a household has at most ${MAX_MEMBERS} members`);
  const heads = input.members.filter((m) => m.relation === 'head').length;
  if (heads !== 1) throw badInput('members', `a household has exactly one head, got ${heads}`);
  const thisYear = Number(today.slice(0, 4));
  const seen = new Set<string>();
  input.members.forEach((m, i) => {
    if (!m.fullName.trim()) throw badInput(`members[${i}].fullName`, 'fullName must not be empty');
    if (m.birthYear < 1900 || m.birthYear > thisYear) {
      throw badInput(`members[${i}].birthYear`, `birthYear must be between 1900 and ${thisYear}, got ${m.birthYear}`);
    }
    if (m.nationalId != null) {
      if (!NATIONAL_ID.test(m.nationalId)) throw badInput(`members[${i}].nationalId`, 'nationalId must be 12 digits');
      if (seen.has(m.nationalId)) throw badInput(`members[${i}].nationalId`, 'the same nationalId is given twice');
      seen.add(m.nationalId);
    }
  });
}

export const Mutation: MutationResolvers = {
  registerHousehold: async (_, { input }, ctx) => {
    validateHousehold(input, todayInHanoi());
    try {
      const household = await auditedWrite(ctx.db, ctx.auth, 'registerHousehold', async (trx, audit) => {
        const missing = () => badInput('communeCode', `unknown commune code "${input.communeCode}"`);
        // A commune-scoped writer registers households in its own communes only (another
        // commune reads as an unknown one).
        ctx.auth.requireCommune(input.communeCode, missing);
        if (!(await repo.findCommune(trx, input.communeCode))) throw missing();
        const ids = input.members.flatMap((m) => (m.nationalId ? [m.nationalId] : []));
        if (ids.length) {
          const taken = await repo.findNationalIds(trx, ids);
          if (taken.length) {
            const index = input.members.findIndex((m) => m.nationalId === taken[0]!.national_id);
            // Which household holds it is not said: the refusal must not look a person up. The
            // attempt is audited (as every refused write is), so repeated probing shows.
            throw badInput(`members[${index}].nationalId`, 'nationalId is already registered to a household');
          }
        }
        const created = await repo.insertHousehold(trx, { commune_code: input.communeCode, address: input.address.trim() });
        audit.household(created.id);
        await repo.insertMembers(
          trx,
          input.members.map((m) => ({
            household_id: created.id,
            full_name: m.fullName.trim(),
            birth_year: m.birthYear,
            sex: m.sex,
            relation: m.relation,
            national_id: m.nationalId ?? null,
          })),
        );
        return created;
      });
      return { household };
    } catch (error) {
      // Two registrations racing for the same national ID: the unique index decides.
      if (violatesUnique(error, 'household_member_national_id_key')) throw badInput('members', 'a nationalId is already registered in another household');
      throw error;
    }
  },

  recordPovertyReview: async (_, { input }, ctx) => {
    const householdId = requireId('householdId', input.householdId, 'household');
    if (input.incomePerPersonMonthly < 0) {
      throw badInput('incomePerPersonMonthly', 'incomePerPersonMonthly must be zero or more');
    }
    if (Number(input.reviewDate.slice(0, 4)) !== input.year) {
      throw badInput('reviewDate', `reviewDate ${input.reviewDate} is not in the review year ${input.year}`);
    }
    if (input.reviewDate > todayInHanoi()) throw badInput('reviewDate', `reviewDate ${input.reviewDate} is in the future`);
    // The periodic review runs from 1 September to 14 December (Decree 07/2021, as the schema says).
    if ((input.kind ?? 'periodic') === 'periodic' && !(input.reviewDate.slice(5) >= '09-01' && input.reviewDate.slice(5) <= '12-14')) {
      throw badInput(
        'reviewDate',
        `a periodic review runs from 1 September to 14 December; ${input.reviewDate} is outside it (record a REGULAR review instead)`,
      );
    }

    try {
      const review = await auditedWrite(ctx.db, ctx.auth, 'recordPovertyReview', async (trx, audit) => {
        audit.household(householdId);
        const standard = input.standard
          ? await repo.findStandardsByCodes(trx, [input.standard]).then((s) => s[0])
          : await repo.findStandardForYear(trx, input.year);
        if (!standard) {
          if (input.standard) throw badInput('standard', `unknown poverty standard "${input.standard}"`);
          throw badInput('year', `no poverty standard covers review year ${input.year}`);
        }
        if (input.year < standard.first_review_year || input.year > standard.last_review_year) {
          throw badInput(
            'year',
            `year ${input.year} is outside standard ${standard.code} (review years ${standard.first_review_year}-${standard.last_review_year})`,
          );
        }
        const indicators = await repo.findIndicatorsByStandards(trx, [standard.code]);
        const codes = indicators.map((i) => i.code);
        const given = new Set<string>();
        input.indicators.forEach((answer, i) => {
          if (!codes.includes(answer.code)) {
            throw badInput(`indicators[${i}].code`, `"${answer.code}" is not an indicator of standard ${standard.code}`);
          }
          if (given.has(answer.code)) throw badInput(`indicators[${i}].code`, `indicator "${answer.code}" is given twice`);
          given.add(answer.code);
        });
        const missing = codes.filter((c) => !given.has(c));
        if (missing.length) throw badInput('indicators', `missing indicator${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);

        const household = await repo.lockHousehold(trx, householdId);
        const unknownHousehold = () => badInput('householdId', `unknown household "${input.householdId}"`);
        if (!household) throw unknownHousehold();
        // A commune-scoped writer reviews its own communes' households; any other reads as missing.
        ctx.auth.requireCommune(household.commune_code, unknownHousehold);
        const previous = await repo.findLatestReview(trx, householdId);
        if (previous && input.reviewDate < previous.review_date) {
          throw badInput('reviewDate', `reviewDate is before the household's latest review (${previous.review_date})`);
        }
        const deprivations = input.indicators.filter((a) => a.deprived).map((a) => a.code);
        const scored = score(rulesOf(standard, codes), {
          communeKind: household.commune_kind,
          incomePerPersonMonthly: input.incomePerPersonMonthly,
          deprivations,
        });
        // insertReview moves the poverty rollups by this review, in this transaction.
        const inserted = await repo.insertReview(trx, {
          household_id: householdId,
          commune_code: household.commune_code,
          year: input.year,
          kind: input.kind ?? 'periodic',
          review_date: input.reviewDate,
          income_per_person_monthly: input.incomePerPersonMonthly,
          standard_code: standard.code,
          deprivations,
          deprivation_count: scored.deprivationCount,
          classification: scored.classification,
          transition: transition(previous?.classification, scored.classification),
        });
        await repo.touchHousehold(trx, householdId);
        return inserted;
      });
      return { review };
    } catch (error) {
      // Only the index that defines a duplicate review makes one (one periodic review per
      // household and year); any other unique violation is not the caller's mistake.
      if (violatesUnique(error, 'poverty_review_periodic_key')) {
        throw badInput('year', `household ${input.householdId} already has a periodic review for ${input.year}`);
      }
      throw error;
    }
  },
};
