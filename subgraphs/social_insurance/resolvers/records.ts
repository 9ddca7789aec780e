import type {
  ElectricitySubsidy as ElectricityRow,
  EmergencyRelief as ReliefRow,
  HealthInsuranceSupport as CardRow,
  SocialAllowance as AllowanceRow,
  TuitionSupport as TuitionRow,
  VoluntaryInsuranceSupport as VoluntaryRow,
} from '../db/tables.js';

// The one mapping place from each table's snake_case row to its GraphQL type. People,
// households and communes are entity references that the registry resolves.

const person = (r: { member_id: number }) => ({ id: String(r.member_id) });
const household = (r: { household_id: number }) => ({ id: String(r.household_id) });
const commune = (r: { commune_code: string }) => ({ code: r.commune_code.trim() });
const id = (r: { id: number }) => String(r.id);
const createdAt = (r: { created_at: Date }) => r.created_at;

export const HealthInsuranceSupport = {
  id,
  member: person,
  household,
  commune,
  validFrom: (r: CardRow) => r.valid_from,
  validTo: (r: CardRow) => r.valid_to,
  supportGroup: (r: CardRow) => r.support_group,
  budgetSharePercent: (r: CardRow) => Number(r.budget_share_percent),
  budgetAmount: (r: CardRow) => r.budget_amount,
  grantedOn: (r: CardRow) => r.granted_on,
  createdAt,
};

export const VoluntaryInsuranceSupport = {
  id,
  member: person,
  household,
  commune,
  paidOn: (r: VoluntaryRow) => r.paid_on,
  createdAt,
};

export const TuitionSupport = {
  id,
  member: person,
  household,
  commune,
  schoolYear: (r: TuitionRow) => r.school_year,
  grantedOn: (r: TuitionRow) => r.granted_on,
  createdAt,
};

export const ElectricitySubsidy = {
  id,
  household,
  commune,
  periodFrom: (r: ElectricityRow) => r.period_from,
  periodTo: (r: ElectricityRow) => r.period_to,
  paidOn: (r: ElectricityRow) => r.paid_on,
  createdAt,
};

export const SocialAllowance = {
  id,
  member: person,
  household,
  commune,
  monthlyAmount: (r: AllowanceRow) => r.monthly_amount,
  startDate: (r: AllowanceRow) => r.start_date,
  endDate: (r: AllowanceRow) => r.end_date,
  createdAt,
};

export const EmergencyRelief = {
  id,
  household,
  commune,
  eventKind: (r: ReliefRow) => r.event_kind,
  eventDate: (r: ReliefRow) => r.event_date,
  reliefDate: (r: ReliefRow) => r.relief_date,
  cashAmount: (r: ReliefRow) => r.cash_amount,
  inKindDescription: (r: ReliefRow) => r.in_kind_description,
  inKindValue: (r: ReliefRow) => r.in_kind_value,
  totalValue: (r: ReliefRow) => r.cash_amount + r.in_kind_value,
  createdAt,
};
