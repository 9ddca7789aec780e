import { nextDay } from '../../platform/date-segments.js';
import type { Loan, LoanRepayment, RollupGrain } from './db/tables.js';

/**
 * Principal outstanding on a loan at the end of `asOf`: the principal if it was disbursed on or
 * before that date, minus the principal repaid on or before it; zero once the loan is written
 * off. Derived, never stored per loan; the area figures (outstandingFigures in repository.ts)
 * sum the same rule from the rollups that creditRollups below derives.
 */
export function outstandingOf(loan: Loan, repayments: readonly LoanRepayment[], asOf: string): number {
  if (loan.disbursed_on > asOf) return 0;
  if (loan.written_off_on !== null && loan.written_off_on <= asOf) return 0;
  const repaid = repayments.reduce((sum, r) => (r.paid_on <= asOf ? sum + r.principal : sum), 0);
  return loan.principal - repaid;
}

/** The date a term of `months` ends: the same day of month, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

// ---- rollups: the rules (the migration 2026_11_29_0900_create_credit_rollups keeps a frozen copy in SQL) ----
//
// The city data set, the demo data and every write to a household's loans derive the rollups
// with `creditRollups`; the migration's backfill applies the same rules in SQL to a database
// that had loans before the rollups existed (tests/rollups.test.ts holds the two together).

/** The measures of a rollup row, in the table's column order. */
export const ROLLUP_MEASURES = [
  'amount_disbursed',
  'loans_disbursed',
  'jobs_created',
  'balance_change',
  'loans_closed',
  'borrowers_started',
  'borrowers_stopped',
  'balance_holders_started',
  'balance_holders_stopped',
] as const;

export type RollupMeasure = (typeof ROLLUP_MEASURES)[number];

/** One rollup row: what happened in an area over one year, month or day. */
export type RollupRow = { grain: RollupGrain; period_start: string; commune_code: string; programme_code: string } & Record<RollupMeasure, number>;

/**
 * The four kinds of area, as bits: a gap row counts in each kind of area whose bit it has.
 * '' in an area's commune or programme stands for every commune or every programme.
 */
export const AREA = { communeProgramme: 1, commune: 2, programme: 4, city: 8 } as const;
const AREAS = [AREA.communeProgramme, AREA.commune, AREA.programme, AREA.city] as const;

/** What the rollups need to know of a loan. */
export interface LoanFacts {
  id: number;
  household_id: number;
  commune_code: string;
  programme_code: string;
  principal: number;
  disbursed_on: string;
  jobs_created: number;
  written_off_on: string | null;
}

/** What the rollups need to know of a repayment. */
export interface RepaymentFacts {
  loan_id: number;
  paid_on: string;
  principal: number;
}

/**
 * Days of a household in one area on which it borrowed nothing between two borrowing days
 * ('borrowing'), or owed nothing between two spells with a balance ('balance'): [starts, ends).
 * One row stands for every kind of area (`areas`) whose loans of the household are the same.
 */
export interface GapRow {
  household_id: number;
  measure: 'borrowing' | 'balance';
  commune_code: string;
  programme_code: string;
  areas: number;
  starts: string;
  ends: string;
}

/** No end: sorts after every date ('i' comes after the digits). */
const OPEN = 'infinity';

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * The rollup rows and gaps of some households' loans (all their loans, with all their
 * repayments), by these rules:
 *
 * - A repayment counts from the later of its date and the disbursement (never before the loan).
 * - A loan's balance closes on the first day its repayments reach the principal, or on the day
 *   it is written off, whichever comes first (never before the disbursement). Until then it is
 *   the principal less the repayments so far; from then on it is nothing, whatever comes later.
 *   So the sum of balance_change up to a date is the principal outstanding at its end, as
 *   outstandingOf gives it loan by loan, and loans_disbursed less loans_closed the loans with a
 *   balance.
 * - A household's borrowing days in an area give the day it started borrowing there (its
 *   first), the day it stopped (the day after its last) and its gaps (see GapRow). Its balance
 *   spells in an area are its loans' balances merged where they overlap or touch; they give the
 *   day it first had a balance there, the day its last balance closed and its gaps. Distinct
 *   households over a period are those started by its end, less those stopped by its start,
 *   less those in a gap covering it.
 *
 * Rows where every measure is zero are left out.
 */
export function creditRollups(loans: readonly LoanFacts[], repayments: readonly RepaymentFacts[]): { rows: RollupRow[]; gaps: GapRow[] } {
  const days = new DayTotals();
  const closedOn = new Map<number, string | null>();
  const repaid = new Map<number, RepaymentFacts[]>();
  for (const r of repayments) {
    const list = repaid.get(r.loan_id);
    if (list) list.push(r);
    else repaid.set(r.loan_id, [r]);
  }
  for (const loan of loans) {
    const closed = loanDays(loan, repaid.get(loan.id) ?? [], days);
    closedOn.set(loan.id, closed);
  }
  const households = new Map<number, LoanFacts[]>();
  for (const loan of loans) {
    const list = households.get(loan.household_id);
    if (list) list.push(loan);
    else households.set(loan.household_id, [loan]);
  }
  const gaps: GapRow[] = [];
  for (const [householdId, own] of households) gaps.push(...householdDays(householdId, own, closedOn, days));
  gaps.sort((a, b) => a.household_id - b.household_id || cmp(a.measure, b.measure) || cmp(a.starts, b.starts) || a.areas - b.areas || cmp(a.commune_code, b.commune_code) || cmp(a.programme_code, b.programme_code));
  return { rows: days.rows(), gaps };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One loan's flows, added to `days`; returns the day its balance closed (null while open). */
function loanDays(loan: LoanFacts, repayments: readonly RepaymentFacts[], days: DayTotals): string | null {
  const paid = repayments.map((r) => ({ day: later(r.paid_on, loan.disbursed_on), principal: r.principal })).sort((a, b) => cmp(a.day, b.day));
  let paidOff: string | null = null;
  let total = 0;
  for (let i = 0; i < paid.length && paidOff === null; i++) {
    total += paid[i]!.principal;
    const lastOfDay = i === paid.length - 1 || paid[i + 1]!.day !== paid[i]!.day;
    if (lastOfDay && total >= loan.principal) paidOff = paid[i]!.day;
  }
  const off = loan.written_off_on;
  const ends = off !== null && (paidOff === null || off < paidOff) ? off : paidOff;
  const closed = ends === null ? null : later(ends, loan.disbursed_on);
  // The loan's own area's days, looked up once: millions of flows at city scale.
  const flows = days.leafDays(loan.commune_code, loan.programme_code);
  bump(flows, loan.disbursed_on, AMOUNT_DISBURSED, loan.principal);
  bump(flows, loan.disbursed_on, LOANS_DISBURSED, 1);
  bump(flows, loan.disbursed_on, JOBS_CREATED, loan.jobs_created);
  bump(flows, loan.disbursed_on, BALANCE_CHANGE, loan.principal);
  let repaidOpen = 0;
  for (const r of paid) {
    if (closed !== null && r.day >= closed) continue;
    bump(flows, r.day, BALANCE_CHANGE, -(r.principal));
    repaidOpen += r.principal;
  }
  if (closed !== null) {
    bump(flows, closed, BALANCE_CHANGE, -(loan.principal - repaidOpen));
    bump(flows, closed, LOANS_CLOSED, 1);
  }
  return closed;
}

/** One household's counters in every area it borrowed in, added to `days`; returns its gaps. */
function householdDays(householdId: number, loans: readonly LoanFacts[], closedOn: ReadonlyMap<number, string | null>, days: DayTotals): GapRow[] {
  // Most households have one loan: the same four counters in each kind of area, no gaps.
  if (loans.length === 1) {
    const loan = loans[0]!;
    const stopped = nextDay(loan.disbursed_on);
    const closed = closedOn.get(loan.id) ?? OPEN;
    for (const area of AREAS) {
      const counters = days.areaDays(areaCommune(area, loan.commune_code), areaProgramme(area, loan.programme_code));
      bump(counters, loan.disbursed_on, BORROWERS_STARTED, 1);
      bump(counters, stopped, BORROWERS_STOPPED, 1);
      if (closed > loan.disbursed_on) {
        bump(counters, loan.disbursed_on, BALANCE_HOLDERS_STARTED, 1);
        if (closed !== OPEN) bump(counters, closed, BALANCE_HOLDERS_STOPPED, 1);
      }
    }
    return [];
  }
  const gaps = new Map<string, GapRow>();
  const gap = (measure: GapRow['measure'], starts: string, ends: string, area: number, c: string, p: string, signature: string) => {
    const key = `${measure}|${starts}|${ends}|${signature}`;
    const existing = gaps.get(key);
    if (existing) {
      existing.areas |= area;
      existing.commune_code = later(existing.commune_code, c);
      existing.programme_code = later(existing.programme_code, p);
    } else {
      gaps.set(key, { household_id: householdId, measure, commune_code: c, programme_code: p, areas: area, starts, ends });
    }
  };
  for (const area of AREAS) {
    const partitions = new Map<string, LoanFacts[]>();
    for (const loan of loans) {
      const key = `${areaCommune(area, loan.commune_code)}|${areaProgramme(area, loan.programme_code)}`;
      const list = partitions.get(key);
      if (list) list.push(loan);
      else partitions.set(key, [loan]);
    }
    for (const own of partitions.values()) {
      const c = areaCommune(area, own[0]!.commune_code);
      const p = areaProgramme(area, own[0]!.programme_code);
      const counters = days.areaDays(c, p);
      // Areas whose loans of the household are the same have the same gaps: one row for them.
      const signature = own.map((l) => l.id).sort((a, b) => a - b).join(',');
      const borrowed = [...new Set(own.map((l) => l.disbursed_on))].sort(cmp);
      bump(counters, borrowed[0]!, BORROWERS_STARTED, 1);
      bump(counters, nextDay(borrowed[borrowed.length - 1]!), BORROWERS_STOPPED, 1);
      for (let i = 1; i < borrowed.length; i++) {
        const starts = nextDay(borrowed[i - 1]!);
        if (starts < borrowed[i]!) gap('borrowing', starts, borrowed[i]!, area, c, p, signature);
      }
      const spells = balanceSpells(own, closedOn);
      if (spells.length === 0) continue;
      bump(counters, spells[0]!.starts, BALANCE_HOLDERS_STARTED, 1);
      const last = spells[spells.length - 1]!;
      if (last.ends !== OPEN) bump(counters, last.ends, BALANCE_HOLDERS_STOPPED, 1);
      for (let i = 1; i < spells.length; i++) gap('balance', spells[i - 1]!.ends, spells[i]!.starts, area, c, p, signature);
    }
  }
  return [...gaps.values()];
}

/** The loans' balances [disbursed, closed) merged where they overlap or touch, in order. */
function balanceSpells(loans: readonly LoanFacts[], closedOn: ReadonlyMap<number, string | null>): Array<{ starts: string; ends: string }> {
  const live = loans
    .map((l) => ({ id: l.id, starts: l.disbursed_on, ends: closedOn.get(l.id) ?? OPEN }))
    .filter((l) => l.ends > l.starts)
    .sort((a, b) => cmp(a.starts, b.starts) || cmp(a.ends, b.ends) || a.id - b.id);
  const spells: Array<{ starts: string; ends: string }> = [];
  for (const l of live) {
    const current = spells[spells.length - 1];
    if (current && l.starts <= current.ends) current.ends = later(current.ends, l.ends);
    else spells.push({ starts: l.starts, ends: l.ends });
  }
  return spells;
}

const areaCommune = (area: number, code: string) => (area & (AREA.communeProgramme | AREA.commune) ? code : '');
const areaProgramme = (area: number, code: string) => (area & (AREA.communeProgramme | AREA.programme) ? code : '');

/**
 * Measures per area and day, then per year, month and day. Loans' flows are kept per loan area
 * (commune, programme) and spread to the wider areas once at the end; measures are vectors in
 * ROLLUP_MEASURES order, looked up through nested maps (millions of flows at city scale).
 */
class DayTotals {
  private readonly loanFlows = new Cells();
  private readonly counters = new Cells();

  /** The days of a loan area's flows: they count in its (commune, programme) and in the three wider areas. */
  leafDays(c: string, p: string): Map<string, Float64Array> {
    return this.loanFlows.days(c, p);
  }

  /** The days of one area's household counters. */
  areaDays(c: string, p: string): Map<string, Float64Array> {
    return this.counters.days(c, p);
  }

  rows(): RollupRow[] {
    const all = new Cells();
    for (const [c, p, days] of this.loanFlows.entries()) {
      for (const [cc, pp] of [[c, p], [c, ''], ['', p], ['', '']] as const) all.addVectors(cc, pp, days);
    }
    for (const [c, p, days] of this.counters.entries()) all.addVectors(c, p, days);
    const rows: RollupRow[] = [];
    for (const [c, p, days] of all.entries()) {
      const months = new Map<string, Float64Array>();
      const years = new Map<string, Float64Array>();
      for (const day of [...days.keys()].sort()) {
        const v = days.get(day)!;
        if (isZero(v)) continue;
        rows.push(row('day', day, c, p, v));
        addVector(months, `${day.slice(0, 7)}-01`, v);
        addVector(years, `${day.slice(0, 4)}-01-01`, v);
      }
      for (const [start, v] of months) if (!isZero(v)) rows.push(row('month', start, c, p, v));
      for (const [start, v] of years) if (!isZero(v)) rows.push(row('year', start, c, p, v));
    }
    return rows;
  }
}

/** Vectors of measures per area (commune, programme) and day. */
class Cells {
  private readonly byCommune = new Map<string, Map<string, Map<string, Float64Array>>>();

  days(c: string, p: string): Map<string, Float64Array> {
    let programmes = this.byCommune.get(c);
    if (!programmes) this.byCommune.set(c, (programmes = new Map()));
    let days = programmes.get(p);
    if (!days) programmes.set(p, (days = new Map()));
    return days;
  }

  addVectors(c: string, p: string, from: ReadonlyMap<string, Float64Array>): void {
    const days = this.days(c, p);
    for (const [day, v] of from) addVector(days, day, v);
  }

  *entries(): Generator<[string, string, Map<string, Float64Array>]> {
    for (const [c, programmes] of this.byCommune) for (const [p, days] of programmes) yield [c, p, days];
  }
}

/** Adds `value` to measure `i` of `day` in `days` (a vector of zeros when missing). */
function bump(days: Map<string, Float64Array>, day: string, i: number, value: number): void {
  let v = days.get(day);
  if (!v) days.set(day, (v = new Float64Array(ROLLUP_MEASURES.length)));
  v[i] = v[i]! + value;
}

function isZero(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

const [AMOUNT_DISBURSED, LOANS_DISBURSED, JOBS_CREATED, BALANCE_CHANGE, LOANS_CLOSED, BORROWERS_STARTED, BORROWERS_STOPPED, BALANCE_HOLDERS_STARTED, BALANCE_HOLDERS_STOPPED] =
  ROLLUP_MEASURES.map((_, i) => i) as [number, number, number, number, number, number, number, number, number];

function addVector(map: Map<string, Float64Array>, key: string, v: Float64Array): void {
  const existing = map.get(key);
  if (existing) for (let i = 0; i < v.length; i++) existing[i] = existing[i]! + v[i]!;
  else map.set(key, Float64Array.from(v));
}

function row(grain: RollupGrain, start: string, c: string, p: string, v: Float64Array): RollupRow {
  const r = { grain, period_start: start, commune_code: c, programme_code: p } as RollupRow;
  ROLLUP_MEASURES.forEach((m, i) => (r[m] = v[i]!));
  return r;
}

function zeros(): Record<RollupMeasure, number> {
  return Object.fromEntries(ROLLUP_MEASURES.map((m) => [m, 0])) as Record<RollupMeasure, number>;
}

const ROLLUP_KEY = ['grain', 'period_start', 'commune_code', 'programme_code'] as const;

/** `after - before`, key by key, leaving out keys where nothing changed. */
export function rollupDelta(before: readonly RollupRow[], after: readonly RollupRow[]): RollupRow[] {
  const keyOf = (r: RollupRow) => ROLLUP_KEY.map((k) => r[k]).join('|');
  const delta = new Map<string, RollupRow>();
  const add = (row: RollupRow, sign: 1 | -1) => {
    const key = keyOf(row);
    let d = delta.get(key);
    if (!d) delta.set(key, (d = { ...row, ...zeros() }));
    for (const m of ROLLUP_MEASURES) d[m] += sign * row[m];
  };
  for (const row of before) add(row, -1);
  for (const row of after) add(row, 1);
  return [...delta.values()].filter((d) => ROLLUP_MEASURES.some((m) => d[m] !== 0));
}
