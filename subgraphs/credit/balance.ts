import { civilFromDays, daysFromCivil } from '../../db/days.js';
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

// ---- rollups: the rules, here only ----
//
// The city data set, the demo data, every write to a household's loans and the rebuild at start
// derive the rollups with `creditRollups`, through their declaration (rollups.ts) and the one
// rollup mechanism (platform/rollups.ts). A change to these rules bumps the declaration's
// version, and the next start rebuilds the rollups from the records.

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

/** Repayments as columns, index by index: what the city data set has (no object per repayment). */
export interface RepaymentColumns {
  loan_id: ArrayLike<number>;
  paid_on: ArrayLike<string>;
  principal: ArrayLike<number>;
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

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
 * Rows where every measure is zero are left out. The rows come in primary-key order (grain,
 * period start, commune, programme), the gaps in household order.
 *
 * Days are day numbers and areas small integers here, and the measures of every (day, area)
 * cell sit in one typed array: at city scale (740,000 loans, 2.26 M repayments, 1.1 M rows)
 * maps of date strings to vectors cost more in allocation and collection than in the sums.
 */
export function creditRollups(loans: readonly LoanFacts[], repayments: readonly RepaymentFacts[] | RepaymentColumns): { rows: RollupRow[]; gaps: GapRow[] } {
  const { rows, gaps } = creditRollupColumns(loans, repayments);
  return { rows: rollupRowsOf(rows), gaps };
}

/**
 * The rollup rows as columns, row by row in the same order as creditRollups gives them: the
 * city data set's million rows go to the database as columns, and a million objects of thirteen
 * fields (nine boxed numbers each) were most of what the credit worker's collector copied.
 */
export interface RollupColumns {
  grain: RollupGrain[];
  period_start: string[];
  commune_code: string[];
  programme_code: string[];
  /** Each measure's column, in ROLLUP_MEASURES order. */
  measures: Float64Array[];
}

function rollupRowsOf(columns: RollupColumns): RollupRow[] {
  return columns.grain.map((grain, i) => {
    const row = {
      grain,
      period_start: columns.period_start[i]!,
      commune_code: columns.commune_code[i]!,
      programme_code: columns.programme_code[i]!,
    } as RollupRow;
    ROLLUP_MEASURES.forEach((m, k) => (row[m] = columns.measures[k]![i]!));
    return row;
  });
}

/** creditRollups, its rows as columns. */
export function creditRollupColumns(
  loans: readonly LoanFacts[],
  repayments: readonly RepaymentFacts[] | RepaymentColumns,
): { rows: RollupColumns; gaps: GapRow[] } {
  const dates = new DayNumbers();
  const areas = new Areas(loans);
  const disbursed = new Float64Array(loans.length);
  const writtenOff = new Float64Array(loans.length);
  loans.forEach((loan, i) => {
    disbursed[i] = dates.of(loan.disbursed_on);
    writtenOff[i] = loan.written_off_on === null ? NaN : dates.of(loan.written_off_on);
  });
  const flows = new Cells().setAreas(areas.count);
  const counters = new Cells().setAreas(areas.count);
  const closed = new Float64Array(loans.length);
  const paid = repaymentsByLoan(loans, repayments, dates);
  for (let i = 0; i < loans.length; i++) closed[i] = loanDays(loans[i]!, disbursed[i]!, writtenOff[i]!, paid, i, areas.leaf(loans[i]!), flows);
  const households = new Map<number, number[]>();
  loans.forEach((loan, i) => {
    const list = households.get(loan.household_id);
    if (list) list.push(i);
    else households.set(loan.household_id, [i]);
  });
  const facts: HouseholdLoans = { loans, disbursed, closed, areas, dates, counters };
  const gaps: GapRow[] = [];
  for (const [householdId, own] of households) {
    if (own.length === 1) oneLoanDays(facts, own[0]!);
    else gaps.push(...householdDays(facts, householdId, own));
  }
  gaps.sort(
    (a, b) =>
      a.household_id - b.household_id ||
      cmp(a.measure, b.measure) ||
      cmp(a.starts, b.starts) ||
      a.areas - b.areas ||
      cmp(a.commune_code, b.commune_code) ||
      cmp(a.programme_code, b.programme_code),
  );
  return { rows: rollupRows(flows, counters, areas, dates), gaps };
}

/** A loan's repayments as (day counted, principal), grouped by loan index: `starts[i]` to `starts[i + 1]`. */
interface PaidByLoan {
  starts: Int32Array;
  days: Float64Array;
  principals: Float64Array;
}

/** The repayments grouped by loan (a counting sort), each dated the later of its day and the disbursement. */
function repaymentsByLoan(loans: readonly LoanFacts[], repayments: readonly RepaymentFacts[] | RepaymentColumns, dates: DayNumbers): PaidByLoan {
  const columns = Array.isArray(repayments) ? repaymentColumns(repayments) : (repayments as RepaymentColumns);
  const { loan_id: loanIds, paid_on: paidOn, principal } = columns;
  const index = new Map<number, number>();
  loans.forEach((loan, i) => index.set(loan.id, i));
  const loanOf = new Int32Array(loanIds.length);
  const starts = new Int32Array(loans.length + 1);
  for (let k = 0; k < loanIds.length; k++) {
    const i = index.get(loanIds[k]!) ?? -1;
    loanOf[k] = i;
    if (i >= 0) starts[i + 1]!++;
  }
  for (let i = 0; i < loans.length; i++) starts[i + 1]! += starts[i]!;
  const next = starts.slice(0, loans.length);
  const days = new Float64Array(starts[loans.length]!);
  const principals = new Float64Array(starts[loans.length]!);
  for (let k = 0; k < loanIds.length; k++) {
    const i = loanOf[k]!;
    if (i < 0) continue; // a repayment of a loan not given: not counted, as before
    const at = next[i]!++;
    days[at] = Math.max(dates.of(paidOn[k]!), dates.of(loans[i]!.disbursed_on));
    principals[at] = principal[k]!;
  }
  // Each loan's few repayments in day order (insertion sort: a loan has a dozen at most in practice).
  for (let i = 0; i < loans.length; i++) {
    for (let a = starts[i]! + 1; a < starts[i + 1]!; a++) {
      const day = days[a]!;
      const principal = principals[a]!;
      let b = a - 1;
      for (; b >= starts[i]! && days[b]! > day; b--) {
        days[b + 1] = days[b]!;
        principals[b + 1] = principals[b]!;
      }
      days[b + 1] = day;
      principals[b + 1] = principal;
    }
  }
  return { starts, days, principals };
}

function repaymentColumns(repayments: readonly RepaymentFacts[]): RepaymentColumns {
  return { loan_id: repayments.map((r) => r.loan_id), paid_on: repayments.map((r) => r.paid_on), principal: repayments.map((r) => r.principal) };
}

/** Loan `i`'s flows, added to its own area's cells; returns the day its balance closed (Infinity while open). */
function loanDays(loan: LoanFacts, disbursedOn: number, writtenOffOn: number, paid: PaidByLoan, i: number, area: number, flows: Cells): number {
  const from = paid.starts[i]!;
  const to = paid.starts[i + 1]!;
  let paidOff = Infinity;
  let total = 0;
  for (let k = from; k < to && paidOff === Infinity; k++) {
    total += paid.principals[k]!;
    const lastOfDay = k === to - 1 || paid.days[k + 1] !== paid.days[k];
    if (lastOfDay && total >= loan.principal) paidOff = paid.days[k]!;
  }
  const ends = !Number.isNaN(writtenOffOn) && writtenOffOn < paidOff ? writtenOffOn : paidOff;
  const closed = Math.max(ends, disbursedOn);
  const disbursedCell = flows.cell(disbursedOn, area);
  flows.add(disbursedCell, AMOUNT_DISBURSED, loan.principal);
  flows.add(disbursedCell, LOANS_DISBURSED, 1);
  flows.add(disbursedCell, JOBS_CREATED, loan.jobs_created);
  flows.add(disbursedCell, BALANCE_CHANGE, loan.principal);
  let repaidOpen = 0;
  for (let k = from; k < to; k++) {
    if (paid.days[k]! >= closed) continue;
    flows.add(flows.cell(paid.days[k]!, area), BALANCE_CHANGE, -paid.principals[k]!);
    repaidOpen += paid.principals[k]!;
  }
  if (closed !== Infinity) {
    const closedCell = flows.cell(closed, area);
    flows.add(closedCell, BALANCE_CHANGE, -(loan.principal - repaidOpen));
    flows.add(closedCell, LOANS_CLOSED, 1);
  }
  return closed;
}

/** What the household counters read of every loan, by loan index. */
interface HouseholdLoans {
  loans: readonly LoanFacts[];
  disbursed: Float64Array;
  /** The day each loan's balance closed; Infinity while open. */
  closed: Float64Array;
  areas: Areas;
  dates: DayNumbers;
  counters: Cells;
}

/** A household with one loan (most of them): the same four counters in each kind of area, no gaps. */
function oneLoanDays({ loans, disbursed, closed, areas, counters }: HouseholdLoans, i: number): void {
  const day = disbursed[i]!;
  for (const area of AREAS) {
    const at = areas.of(area, loans[i]!);
    counters.add(counters.cell(day, at), BORROWERS_STARTED, 1);
    counters.add(counters.cell(day + 1, at), BORROWERS_STOPPED, 1);
    if (closed[i]! > day) {
      counters.add(counters.cell(day, at), BALANCE_HOLDERS_STARTED, 1);
      if (closed[i] !== Infinity) counters.add(counters.cell(closed[i]!, at), BALANCE_HOLDERS_STOPPED, 1);
    }
  }
}

/** A household's counters in every area it borrowed in, added to the cells; returns its gaps. */
function householdDays(facts: HouseholdLoans, householdId: number, own: readonly number[]): GapRow[] {
  const { loans, disbursed, areas, dates, counters } = facts;
  const gaps = new Map<string, GapRow>();
  const gap = (measure: GapRow['measure'], starts: number, ends: number, area: number, c: string, p: string, signature: string) => {
    const key = `${measure}|${starts}|${ends}|${signature}`;
    const existing = gaps.get(key);
    if (existing) {
      existing.areas |= area;
      existing.commune_code = later(existing.commune_code, c);
      existing.programme_code = later(existing.programme_code, p);
    } else {
      gaps.set(key, {
        household_id: householdId,
        measure,
        commune_code: c,
        programme_code: p,
        areas: area,
        starts: dates.text(starts),
        ends: dates.text(ends),
      });
    }
  };
  for (const area of AREAS) {
    const partitions = new Map<number, number[]>();
    for (const i of own) {
      const at = areas.of(area, loans[i]!);
      const list = partitions.get(at);
      if (list) list.push(i);
      else partitions.set(at, [i]);
    }
    for (const [at, inArea] of partitions) {
      const c = areaCommune(area, loans[inArea[0]!]!.commune_code);
      const p = areaProgramme(area, loans[inArea[0]!]!.programme_code);
      // Areas whose loans of the household are the same have the same gaps: one row for them.
      const signature = inArea
        .map((i) => loans[i]!.id)
        .sort((a, b) => a - b)
        .join(',');
      const borrowed = [...new Set(inArea.map((i) => disbursed[i]!))].sort((a, b) => a - b);
      counters.add(counters.cell(borrowed[0]!, at), BORROWERS_STARTED, 1);
      counters.add(counters.cell(borrowed[borrowed.length - 1]! + 1, at), BORROWERS_STOPPED, 1);
      for (let k = 1; k < borrowed.length; k++) {
        const starts = borrowed[k - 1]! + 1;
        if (starts < borrowed[k]!) gap('borrowing', starts, borrowed[k]!, area, c, p, signature);
      }
      const spells = balanceSpells(facts, inArea);
      if (spells.length === 0) continue;
      counters.add(counters.cell(spells[0]!.starts, at), BALANCE_HOLDERS_STARTED, 1);
      const last = spells[spells.length - 1]!;
      if (last.ends !== Infinity) counters.add(counters.cell(last.ends, at), BALANCE_HOLDERS_STOPPED, 1);
      for (let k = 1; k < spells.length; k++) gap('balance', spells[k - 1]!.ends, spells[k]!.starts, area, c, p, signature);
    }
  }
  return [...gaps.values()];
}

/** The loans' balances [disbursed, closed) merged where they overlap or touch, in order. */
function balanceSpells({ loans, disbursed, closed }: HouseholdLoans, own: readonly number[]): Array<{ starts: number; ends: number }> {
  const live = own
    .map((i) => ({ id: loans[i]!.id, starts: disbursed[i]!, ends: closed[i]! }))
    .filter((l) => l.ends > l.starts)
    .sort((a, b) => a.starts - b.starts || a.ends - b.ends || a.id - b.id);
  const spells: Array<{ starts: number; ends: number }> = [];
  for (const l of live) {
    const current = spells[spells.length - 1];
    if (current && l.starts <= current.ends) current.ends = Math.max(current.ends, l.ends);
    else spells.push({ starts: l.starts, ends: l.ends });
  }
  return spells;
}

const later = (a: string, b: string) => (a > b ? a : b);
const areaCommune = (area: number, code: string) => (area & (AREA.communeProgramme | AREA.commune) ? code : '');
const areaProgramme = (area: number, code: string) => (area & (AREA.communeProgramme | AREA.programme) ? code : '');

/**
 * The areas of some loans as integers in (commune, programme) order, '' (every commune, every
 * programme) first: so cells sorted by (day, area) are rows in primary-key order.
 */
class Areas {
  private readonly communes: Map<string, number>;
  private readonly programmes: Map<string, number>;
  readonly communeCodes: string[];
  readonly programmeCodes: string[];

  constructor(loans: readonly LoanFacts[]) {
    this.communeCodes = ['', ...new Set(loans.map((l) => l.commune_code))].sort(cmp);
    this.programmeCodes = ['', ...new Set(loans.map((l) => l.programme_code))].sort(cmp);
    this.communes = new Map(this.communeCodes.map((c, i) => [c, i]));
    this.programmes = new Map(this.programmeCodes.map((p, i) => [p, i]));
  }

  get count(): number {
    return this.communeCodes.length * this.programmeCodes.length;
  }

  /** A loan's own area (its commune and programme). */
  leaf(loan: LoanFacts): number {
    return this.communes.get(loan.commune_code)! * this.programmeCodes.length + this.programmes.get(loan.programme_code)!;
  }

  /** The area of kind `area` (an AREA bit) that a loan counts in. */
  of(area: number, loan: LoanFacts): number {
    const c = area & (AREA.communeProgramme | AREA.commune) ? this.communes.get(loan.commune_code)! : 0;
    const p = area & (AREA.communeProgramme | AREA.programme) ? this.programmes.get(loan.programme_code)! : 0;
    return c * this.programmeCodes.length + p;
  }

  /** The four areas a loan area's flows count in: itself, its commune, its programme, the city. */
  widths(leaf: number): [number, number, number, number] {
    const p = leaf % this.programmeCodes.length;
    return [leaf, leaf - p, p, 0];
  }

  commune(area: number): string {
    return this.communeCodes[Math.floor(area / this.programmeCodes.length)]!;
  }

  programme(area: number): string {
    return this.programmeCodes[area % this.programmeCodes.length]!;
  }
}

/**
 * Measure vectors by cell, a cell being (period, area) as one number: period * areas + area, so
 * that cells in numeric order are in (period, area) order. Every vector lives in one growing
 * Float64Array, its slot found by an open-addressing table of typed arrays: at city scale
 * (several million cells over the day, month and year rollups) a Map's lookups and its growing
 * tables were a tenth of the credit worker's time.
 */
class Cells {
  values = new Float64Array(ROLLUP_MEASURES.length * 4096);
  /** Each slot's key, in the order the cells were made. */
  private keys = new Float64Array(4096);
  /** The table: slot + 1 at a key's place (0: free), its size a power of two. */
  private table = new Int32Array(8192);
  private count = 0;
  private areas = 0;

  /** The vector's offset in `values` of (period, area), created as zeros when missing. */
  cell(period: number, area: number): number {
    if (this.areas === 0) throw new Error('Cells: areas not set');
    return this.offset(period * this.areas + area);
  }

  setAreas(count: number): this {
    this.areas = count;
    return this;
  }

  /** The vector's offset of a cell's key, created as zeros when missing. */
  offset(key: number): number {
    const mask = this.table.length - 1;
    for (let at = hashOf(key) & mask; ; at = (at + 1) & mask) {
      const slot = this.table[at]! - 1;
      if (slot < 0) break;
      if (this.keys[slot] === key) return slot * ROLLUP_MEASURES.length;
    }
    return this.insert(key) * ROLLUP_MEASURES.length;
  }

  /** The cells made so far, as (key, offset of its vector), in the order they were made. */
  *entries(): Generator<[number, number]> {
    for (let slot = 0; slot < this.count; slot++) yield [this.keys[slot]!, slot * ROLLUP_MEASURES.length];
  }

  add(offset: number, measure: number, value: number): void {
    this.values[offset + measure] = this.values[offset + measure]! + value;
  }

  /** Adds the vector at `from` of `source` to the vector at `offset`. */
  addVector(offset: number, source: Cells, from: number): void {
    for (let m = 0; m < ROLLUP_MEASURES.length; m++) this.values[offset + m] = this.values[offset + m]! + source.values[from + m]!;
  }

  /** The cells' keys in numeric order: (period, area) order. */
  sortedKeys(): Float64Array {
    return this.keys.slice(0, this.count).sort();
  }

  isZero(offset: number): boolean {
    for (let m = 0; m < ROLLUP_MEASURES.length; m++) if (this.values[offset + m] !== 0) return false;
    return true;
  }

  private insert(key: number): number {
    const slot = this.count++;
    if (slot === this.keys.length) {
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.keys[slot] = key;
    if ((slot + 1) * ROLLUP_MEASURES.length > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    // At most half full: a free place is near.
    if (this.count * 2 > this.table.length) {
      this.table = new Int32Array(this.table.length * 2);
      for (let s = 0; s < this.count; s++) this.place(this.keys[s]!, s);
    } else this.place(key, slot);
    return slot;
  }

  private place(key: number, slot: number): void {
    const mask = this.table.length - 1;
    let at = hashOf(key) & mask;
    while (this.table[at] !== 0) at = (at + 1) & mask;
    this.table[at] = slot + 1;
  }
}

/** A cell key's place in a table before masking: its low and high 32 bits mixed (Fibonacci hashing). */
function hashOf(key: number): number {
  return Math.imul((key | 0) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1) >>> 7;
}

/**
 * The rows: loans' flows spread from their own area to the three wider ones, plus the household
 * counters, per day, then summed per month and per year; in primary-key order.
 */
function rollupRows(flows: Cells, counters: Cells, areas: Areas, dates: DayNumbers): RollupColumns {
  const n = areas.count;
  const days = new Cells().setAreas(n);
  for (const [key, from] of flows.entries()) {
    const day = Math.floor(key / n);
    for (const area of areas.widths(key - day * n)) days.addVector(days.cell(day, area), flows, from);
  }
  for (const [key, from] of counters.entries()) days.addVector(days.offset(key), counters, from);
  const months = new Cells().setAreas(n);
  const years = new Cells().setAreas(n);
  const rows = new ColumnsBuilder();
  let civilDay = NaN;
  let year = 0;
  let month = 0;
  for (const key of days.sortedKeys()) {
    const from = days.offset(key);
    if (days.isZero(from)) continue;
    const day = Math.floor(key / n);
    const area = key - day * n;
    // Keys in order: a day's cells come together, its date read once.
    if (day !== civilDay) [year, month] = dates.civil((civilDay = day));
    rows.push('day', dates.text(day), areas.commune(area), areas.programme(area), days.values, from);
    months.addVector(months.cell(year * 12 + month - 1, area), days, from);
    years.addVector(years.cell(year, area), days, from);
  }
  for (const [grain, cells, start] of [
    ['month', months, (period: number) => dateOf(Math.floor(period / 12), (period % 12) + 1, 1)],
    ['year', years, (period: number) => dateOf(period, 1, 1)],
  ] as const) {
    for (const key of cells.sortedKeys()) {
      const from = cells.offset(key);
      if (cells.isZero(from)) continue;
      const period = Math.floor(key / n);
      rows.push(grain, start(period), areas.commune(key - period * n), areas.programme(key - period * n), cells.values, from);
    }
  }
  return rows.columns();
}

/** Rollup columns, grown row by row: each measure in a typed array. */
class ColumnsBuilder {
  private readonly grain: RollupGrain[] = [];
  private readonly periodStart: string[] = [];
  private readonly commune: string[] = [];
  private readonly programme: string[] = [];
  private measures = ROLLUP_MEASURES.map(() => new Float64Array(4096));

  push(grain: RollupGrain, start: string, c: string, p: string, v: Float64Array, at: number): void {
    const i = this.grain.length;
    if (i === this.measures[0]!.length) {
      this.measures = this.measures.map((column) => {
        const grown = new Float64Array(column.length * 2);
        grown.set(column);
        return grown;
      });
    }
    this.grain.push(grain);
    this.periodStart.push(start);
    this.commune.push(c);
    this.programme.push(p);
    for (let m = 0; m < ROLLUP_MEASURES.length; m++) this.measures[m]![i] = v[at + m]!;
  }

  columns(): RollupColumns {
    const length = this.grain.length;
    return {
      grain: this.grain,
      period_start: this.periodStart,
      commune_code: this.commune,
      programme_code: this.programme,
      measures: this.measures.map((column) => column.slice(0, length)),
    };
  }
}

const [
  AMOUNT_DISBURSED,
  LOANS_DISBURSED,
  JOBS_CREATED,
  BALANCE_CHANGE,
  LOANS_CLOSED,
  BORROWERS_STARTED,
  BORROWERS_STOPPED,
  BALANCE_HOLDERS_STARTED,
  BALANCE_HOLDERS_STOPPED,
] = ROLLUP_MEASURES.map((_, i) => i) as [number, number, number, number, number, number, number, number, number];

const pad2 = (n: number) => String(n).padStart(2, '0');
const dateOf = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;

/** ISO dates as day numbers (db/days.ts) and back, each date read or written once. */
class DayNumbers {
  private readonly numbers = new Map<string, number>();
  private readonly texts = new Map<number, string>();

  of(date: string): number {
    let day = this.numbers.get(date);
    if (day === undefined) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      day = daysFromCivil(y, m, d);
      this.numbers.set(date, day);
    }
    return day;
  }

  text(day: number): string {
    if (day === Infinity) return OPEN;
    let text = this.texts.get(day);
    if (text === undefined) {
      const [y, m, d] = civilFromDays(day);
      this.texts.set(day, (text = dateOf(y, m, d)));
    }
    return text;
  }

  civil(day: number): [number, number, number] {
    return civilFromDays(day);
  }
}
