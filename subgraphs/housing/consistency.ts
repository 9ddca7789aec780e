import { addDays, grantedWithoutList, numberParameter, stringParameter, yearBounds, type DepartmentFinding } from '../../platform/consistency.js';
import type { HousingContext } from './context.js';
import * as repo from './repository.js';
import { eligibleForHousing } from './rules.js';

// The housing subgraph's part of the consistency checks (platform/consistency.ts): its
// cases against the registry's lists in force, and its VBSP funding lines against the loans the
// credit subgraph disbursed (facts the gateway brings through `@requires`).

const LOAN_RULE = 'HOUSING_LOAN_NOT_DISBURSED';

/** A loan as the credit subgraph's hidden `housingLoanFacts` field gives it. */
export interface HousingLoanFact {
  householdId: string;
  loanId: string;
  programme: string;
  disbursedOn: string;
}

export async function housingFindings(
  ctx: HousingContext,
  communes: string[] | null,
  year: number,
  ref: { housingLoanFacts?: HousingLoanFact[] },
): Promise<DepartmentFinding[]> {
  const [unlisted, unfunded] = await Promise.all([casesWithoutList(ctx, communes, year), linesWithoutLoan(ctx, communes, year, ref.housingLoanFacts ?? [])]);
  return [...unlisted, ...unfunded];
}

/** SUPPORT_WITHOUT_LIST for cases approved in `year`, by the write path's rule (rules.ts). */
async function casesWithoutList(ctx: HousingContext, communes: string[] | null, year: number): Promise<DepartmentFinding[]> {
  const { from, to } = yearBounds(year);
  const cases = await repo.findCasesApprovedBetween(ctx.db, communes, from, to);
  return grantedWithoutList(
    ctx.registry,
    communes,
    'housing',
    cases.map((c) => ({ ...c, granted: c.approval_date, kind: 'HousingCase' })),
    eligibleForHousing,
  );
}

/**
 * HOUSING_LOAN_NOT_DISBURSED: funding lines from a VBSP housing loan committed in `year` on a
 * case that is not cancelled, with no loan of the rule's programme to the household disbursed
 * within the rule's window of the line's commitment.
 */
async function linesWithoutLoan(ctx: HousingContext, communes: string[] | null, year: number, loans: HousingLoanFact[]): Promise<DepartmentFinding[]> {
  const { from, to } = yearBounds(year);
  const lines = await repo.findFundingLinesCommitted(ctx.db, communes, 'vbsp_housing_loan', from, to);
  const programme = stringParameter(LOAN_RULE, 'loanProgramme');
  const window = numberParameter(LOAN_RULE, 'windowDays');
  const loansOf = new Map<string, HousingLoanFact[]>();
  for (const l of loans) if (l.programme === programme) loansOf.set(l.householdId, [...(loansOf.get(l.householdId) ?? []), l]);
  return lines.flatMap((line): DepartmentFinding[] => {
    const earliest = addDays(line.committed_on, -window);
    const latest = addDays(line.committed_on, window);
    const matched = (loansOf.get(String(line.household_id)) ?? []).some((l) => l.disbursedOn >= earliest && l.disbursedOn <= latest);
    if (matched) return [];
    return [
      {
        rule: LOAN_RULE,
        householdId: String(line.household_id),
        communeCode: line.commune_code,
        departments: ['housing', 'credit'],
        records: [
          { department: 'housing', kind: 'HousingCase', id: String(line.case_id) },
          { department: 'housing', kind: 'HousingFundingLine', id: String(line.id) },
        ],
        detail: `VBSP housing loan line of ${line.amount} đồng committed ${line.committed_on}; no ${programme} loan disbursed ${earliest} to ${latest}`,
        detailVi: `nguồn vay NHCSXH làm nhà ${line.amount} đồng cam kết ngày ${line.committed_on}; không có khoản vay ${programme} nào giải ngân từ ${earliest} đến ${latest}`,
      },
    ];
  });
}
