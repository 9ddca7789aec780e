import type {
  ElectricitySubsidyResolvers,
  EmergencyReliefResolvers,
  HealthInsuranceSupportResolvers,
  SocialAllowanceResolvers,
  TuitionSupportResolvers,
  VoluntaryInsuranceSupportResolvers,
} from './types.generated.js';

// The one mapping place from each table's snake_case row to its GraphQL type. People,
// households and communes are entity references that the registry resolves.

const person = (r: { member_id: number }) => ({ id: String(r.member_id) });
const household = (r: { household_id: number }) => ({ id: String(r.household_id) });
const commune = (r: { commune_code: string }) => ({ code: r.commune_code.trim() });
const id = (r: { id: number }) => String(r.id);
const createdAt = (r: { created_at: Date }) => r.created_at;

export const HealthInsuranceSupport: HealthInsuranceSupportResolvers = {
  id,
  member: person,
  household,
  commune,
  validFrom: (r) => r.valid_from,
  validTo: (r) => r.valid_to,
  supportGroup: (r) => r.support_group,
  budgetSharePercent: (r) => Number(r.budget_share_percent),
  budgetAmount: (r) => r.budget_amount,
  grantedOn: (r) => r.granted_on,
  createdAt,
};

export const VoluntaryInsuranceSupport: VoluntaryInsuranceSupportResolvers = {
  id,
  member: person,
  household,
  commune,
  paidOn: (r) => r.paid_on,
  createdAt,
};

export const TuitionSupport: TuitionSupportResolvers = {
  id,
  member: person,
  household,
  commune,
  schoolYear: (r) => r.school_year,
  grantedOn: (r) => r.granted_on,
  createdAt,
};

export const ElectricitySubsidy: ElectricitySubsidyResolvers = {
  id,
  household,
  commune,
  periodFrom: (r) => r.period_from,
  periodTo: (r) => r.period_to,
  paidOn: (r) => r.paid_on,
  createdAt,
};

export const SocialAllowance: SocialAllowanceResolvers = {
  id,
  member: person,
  household,
  commune,
  monthlyAmount: (r) => r.monthly_amount,
  startDate: (r) => r.start_date,
  endDate: (r) => r.end_date,
  createdAt,
};

export const EmergencyRelief: EmergencyReliefResolvers = {
  id,
  household,
  commune,
  eventKind: (r) => r.event_kind,
  eventDate: (r) => r.event_date,
  reliefDate: (r) => r.relief_date,
  cashAmount: (r) => r.cash_amount,
  inKindDescription: (r) => r.in_kind_description,
  inKindValue: (r) => r.in_kind_value,
  totalValue: (r) => r.cash_amount + r.in_kind_value,
  createdAt,
};
