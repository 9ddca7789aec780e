import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. Its backfill is a copy of
// the rules of creditRollups (balance.ts) as they were when this was written, run household by
// household over the rows already there (a single SQL statement over millions of repayments
// runs the embedded database out of memory); a later change to the rules comes with a migration
// of its own.
//
// Rollups of the figures the dashboards ask for, so that an area's figures are sums over a few
// rollup rows instead of a pass over every loan and repayment:
//
// - credit_rollup: per area (commune, or '' for every commune; programme, or '' for every
//   programme) and per calendar year, month and day (`grain`; `period_start` is its first day),
//   what happened on those days: principal disbursed, loans, jobs, the change of the principal
//   outstanding, loans whose balance closed, and households that started or stopped borrowing
//   or holding a balance in the area. A figure over any period (or up to any date) sums at
//   most five runs of rows: whole years, whole months, single days.
// - credit_household_gap: per household and area, the days between two of its borrowing days
//   on which it borrowed nothing ('borrowing'), and the days between two spells with a balance
//   on which it owed nothing ('balance'). Distinct households over a period are then exact:
//   those that started by its end, less those that had stopped by its start, less those in a
//   gap covering it (GiST containment). One row stands for every kind of area (`areas` bits: 1
//   commune and programme, 2 commune, 4 programme, 8 city) in which the household's loans are
//   the same, so a household with one commune and one programme has one row per gap.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('credit_rollup')
    .addColumn('grain', 'text', (c) => c.notNull().check(sql`grain IN ('year', 'month', 'day')`))
    .addColumn('period_start', 'date', (c) => c.notNull())
    // '' stands for every commune (the city) or every programme: a primary key has no NULLs.
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('programme_code', 'text', (c) => c.notNull())
    .addColumn('amount_disbursed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('loans_disbursed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('jobs_created', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance_change', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('loans_closed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('borrowers_started', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('borrowers_stopped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance_holders_started', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance_holders_stopped', 'bigint', (c) => c.notNull().defaultTo(0))
    // Figures read runs of (grain, period_start) for every area at once.
    .addPrimaryKeyConstraint('credit_rollup_pkey', ['grain', 'period_start', 'commune_code', 'programme_code'])
    .execute();

  await db.schema
    .createTable('credit_household_gap')
    .addColumn('household_id', 'bigint', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull().check(sql`measure IN ('borrowing', 'balance')`))
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('programme_code', 'text', (c) => c.notNull())
    .addColumn('areas', 'int2', (c) => c.notNull().check(sql`areas BETWEEN 1 AND 15`))
    // [first day without, first day with again).
    .addColumn('gap', sql`daterange`, (c) => c.notNull().check(sql`NOT isempty(gap)`))
    .execute();
  // Indexes after the backfill: built in one pass rather than kept up row by row.
  await backfill(db);

  // A household's gaps are rewritten whenever its loans change.
  await db.schema.createIndex('credit_household_gap_household_idx').on('credit_household_gap').column('household_id').execute();
  // Gaps that cover a whole period (or contain a date).
  await sql`CREATE INDEX credit_household_gap_borrowing_idx ON credit_household_gap USING gist (gap) WHERE measure = 'borrowing'`.execute(db);
  await sql`CREATE INDEX credit_household_gap_balance_idx ON credit_household_gap USING gist (gap) WHERE measure = 'balance'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('credit_household_gap').execute();
  await db.schema.dropTable('credit_rollup').execute();
}

const MEASURES = [
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
type Measure = (typeof MEASURES)[number];
type Totals = Record<Measure, number>;

interface LoanRow {
  id: number;
  household_id: number;
  commune_code: string;
  programme_code: string;
  principal: number;
  disbursed_on: string;
  jobs_created: number;
  written_off_on: string | null;
}
interface GapRow {
  household_id: number;
  measure: 'borrowing' | 'balance';
  commune_code: string;
  programme_code: string;
  areas: number;
  starts: string;
  ends: string;
}

/** Households read at a time: their loans and repayments fit in memory easily. */
const HOUSEHOLDS_PER_CHUNK = 50_000;
const ROWS_PER_INSERT = 20_000;
const AREAS = [1, 2, 4, 8] as const;
const OPEN = 'infinity';

/** Fills the rollups from the loans and repayments already there (exported for its test). */
export async function backfill(db: Kysely<any>): Promise<void> {
  const { rows: bounds } = await sql<{ lo: string | number | null; hi: string | number | null }>`
    SELECT min(household_id) AS lo, max(household_id) AS hi FROM loan`.execute(db);
  if (bounds[0]?.lo == null) return;
  const lo = Number(bounds[0].lo);
  const hi = Number(bounds[0].hi);
  const days: Days = { loanFlows: new Map(), counters: new Map() };
  for (let first = lo; first <= hi; first += HOUSEHOLDS_PER_CHUNK) {
    const { rows: raw } = await sql<Record<string, unknown>>`
      SELECT id, household_id, commune_code::text AS commune_code, programme_code, principal, disbursed_on::text AS disbursed_on,
        jobs_created, written_off_on::text AS written_off_on
      FROM loan WHERE household_id BETWEEN ${first} AND ${first + HOUSEHOLDS_PER_CHUNK - 1}`.execute(db);
    if (raw.length === 0) continue;
    const loans: LoanRow[] = raw.map((r) => ({
      id: Number(r.id),
      household_id: Number(r.household_id),
      commune_code: String(r.commune_code),
      programme_code: String(r.programme_code),
      principal: Number(r.principal),
      disbursed_on: String(r.disbursed_on),
      jobs_created: Number(r.jobs_created),
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a date column read as text
      written_off_on: r.written_off_on == null ? null : String(r.written_off_on),
    }));
    // One row per loan (its repayments as arrays): far fewer rows to read than one per repayment.
    const { rows: repayments } = await sql<{ loan_id: unknown; days: string[]; principals: number[] }>`
      SELECT loan_id, array_agg(paid_on::text) AS days, array_agg(principal::float8) AS principals
      FROM loan_repayment WHERE loan_id = any(${loans.map((l) => l.id)}::int8[]) GROUP BY loan_id`.execute(db);
    const paid = new Map<number, Array<{ paid_on: string; principal: number }>>();
    for (const r of repayments) paid.set(Number(r.loan_id), r.days.map((d, i) => ({ paid_on: d, principal: Number(r.principals[i]) })));
    const closedOn = new Map<number, string | null>();
    for (const loan of loans) closedOn.set(loan.id, loanDays(loan, paid.get(loan.id) ?? [], days));
    const households = new Map<number, LoanRow[]>();
    for (const loan of loans) households.set(loan.household_id, [...(households.get(loan.household_id) ?? []), loan]);
    const gaps: GapRow[] = [];
    for (const [householdId, own] of households) gaps.push(...householdDays(householdId, own, closedOn, days));
    for (let i = 0; i < gaps.length; i += ROWS_PER_INSERT) await insertGaps(db, gaps.slice(i, i + ROWS_PER_INSERT));
  }
  await insertRollup(db, rollupRows(days));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const later = (a: string, b: string) => (a > b ? a : b);
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
const dateOf = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (d < daysIn(y, m)) return dateOf(y, m, d + 1);
  return m < 12 ? dateOf(y, m + 1, 1) : dateOf(y + 1, 1, 1);
}

/** Vectors of measures (MEASURES order) per area (commune, programme) and day. */
type Cells = Map<string, Map<string, Map<string, Float64Array>>>;
/** Loans' flows per loan area (spread to the wider areas at the end), and household counters. */
interface Days {
  loanFlows: Cells;
  counters: Cells;
}

function cellDays(cells: Cells, c: string, p: string): Map<string, Float64Array> {
  let programmes = cells.get(c);
  if (!programmes) cells.set(c, (programmes = new Map()));
  let days = programmes.get(p);
  if (!days) programmes.set(p, (days = new Map()));
  return days;
}

function addTo(cells: Cells, c: string, p: string, day: string, values: Partial<Totals>): void {
  const days = cellDays(cells, c, p);
  let v = days.get(day);
  if (!v) days.set(day, (v = new Float64Array(MEASURES.length)));
  for (const m in values) {
    const i = MEASURES.indexOf(m as Measure);
    v[i] = v[i]! + values[m as Measure]!;
  }
}

function addVector(map: Map<string, Float64Array>, key: string, v: Float64Array): void {
  const existing = map.get(key);
  if (existing) for (let i = 0; i < v.length; i++) existing[i] = existing[i]! + v[i]!;
  else map.set(key, Float64Array.from(v));
}

function add(days: Days, c: string, p: string, day: string, values: Partial<Totals>): void {
  addTo(days.counters, c, p, day, values);
}

function addLeaf(days: Days, c: string, p: string, day: string, values: Partial<Totals>): void {
  addTo(days.loanFlows, c, p, day, values);
}

function zeros(): Totals {
  return Object.fromEntries(MEASURES.map((m) => [m, 0])) as Totals;
}

/** A repayment counts from the later of its date and the disbursement; the balance closes on the
 * first day the repayments reach the principal or on the write-off, never before the disbursement. */
function loanDays(loan: LoanRow, repayments: ReadonlyArray<{ paid_on: string; principal: number }>, days: Days): string | null {
  const paid = repayments.map((r) => ({ day: later(r.paid_on, loan.disbursed_on), principal: r.principal })).sort((a, b) => cmp(a.day, b.day));
  let paidOff: string | null = null;
  let total = 0;
  for (let i = 0; i < paid.length && paidOff === null; i++) {
    total += paid[i]!.principal;
    const lastOfDay = i === paid.length - 1 || paid[i + 1]!.day !== paid[i]!.day;
    if (lastOfDay && total >= loan.principal) paidOff = paid[i]!.day;
  }
  const ends = [loan.written_off_on, paidOff].filter((d): d is string => d !== null).sort(cmp)[0] ?? null;
  const closed = ends === null ? null : later(ends, loan.disbursed_on);
  const { commune_code: c, programme_code: p } = loan;
  addLeaf(days, c, p, loan.disbursed_on, { amount_disbursed: loan.principal, loans_disbursed: 1, jobs_created: loan.jobs_created, balance_change: loan.principal });
  let repaidOpen = 0;
  for (const r of paid) {
    if (closed !== null && r.day >= closed) continue;
    addLeaf(days, c, p, r.day, { balance_change: -r.principal });
    repaidOpen += r.principal;
  }
  if (closed !== null) addLeaf(days, c, p, closed, { balance_change: -(loan.principal - repaidOpen), loans_closed: 1 });
  return closed;
}

/** Borrowing days and balance spells of a household in each area: starts, stops and gaps. */
function householdDays(householdId: number, loans: readonly LoanRow[], closedOn: ReadonlyMap<number, string | null>, days: Days): GapRow[] {
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
    const partitions = new Map<string, LoanRow[]>();
    for (const loan of loans) {
      const c = area & 3 ? loan.commune_code : '';
      const p = area & 5 ? loan.programme_code : '';
      partitions.set(`${c}|${p}`, [...(partitions.get(`${c}|${p}`) ?? []), loan]);
    }
    for (const own of partitions.values()) {
      const c = area & 3 ? own[0]!.commune_code : '';
      const p = area & 5 ? own[0]!.programme_code : '';
      const signature = own.map((l) => l.id).sort((a, b) => a - b).join(',');
      const borrowed = [...new Set(own.map((l) => l.disbursed_on))].sort(cmp);
      add(days, c, p, borrowed[0]!, { borrowers_started: 1 });
      add(days, c, p, nextDay(borrowed[borrowed.length - 1]!), { borrowers_stopped: 1 });
      for (let i = 1; i < borrowed.length; i++) {
        const starts = nextDay(borrowed[i - 1]!);
        if (starts < borrowed[i]!) gap('borrowing', starts, borrowed[i]!, area, c, p, signature);
      }
      const live = own
        .map((l) => ({ id: l.id, starts: l.disbursed_on, ends: closedOn.get(l.id) ?? OPEN }))
        .filter((l) => l.ends > l.starts)
        .sort((a, b) => cmp(a.starts, b.starts) || cmp(a.ends, b.ends) || a.id - b.id);
      const spells: Array<{ starts: string; ends: string }> = [];
      for (const l of live) {
        const current = spells[spells.length - 1];
        if (current && l.starts <= current.ends) current.ends = later(current.ends, l.ends);
        else spells.push({ starts: l.starts, ends: l.ends });
      }
      if (spells.length === 0) continue;
      add(days, c, p, spells[0]!.starts, { balance_holders_started: 1 });
      const last = spells[spells.length - 1]!;
      if (last.ends !== OPEN) add(days, c, p, last.ends, { balance_holders_stopped: 1 });
      for (let i = 1; i < spells.length; i++) gap('balance', spells[i - 1]!.ends, spells[i]!.starts, area, c, p, signature);
    }
  }
  return [...gaps.values()];
}

type RollupRow = { grain: string; period_start: string; commune_code: string; programme_code: string } & Totals;

/** Day totals as day, month and year rows (loans' flows in their four areas); rows of every measure zero left out. */
function rollupRows(days: Days): RollupRow[] {
  const all: Cells = new Map();
  for (const [c, programmes] of days.loanFlows) {
    for (const [p, flows] of programmes) {
      for (const [cc, pp] of [[c, p], [c, ''], ['', p], ['', '']] as const) {
        const target = cellDays(all, cc, pp);
        for (const [day, v] of flows) addVector(target, day, v);
      }
    }
  }
  for (const [c, programmes] of days.counters) {
    for (const [p, counters] of programmes) {
      const target = cellDays(all, c, p);
      for (const [day, v] of counters) addVector(target, day, v);
    }
  }
  const rows: RollupRow[] = [];
  const row = (grain: string, start: string, c: string, p: string, v: Float64Array) => {
    const r = { grain, period_start: start, commune_code: c, programme_code: p, ...zeros() };
    MEASURES.forEach((m, i) => (r[m] = v[i]!));
    return r;
  };
  for (const [c, programmes] of all) {
    for (const [p, cells] of programmes) {
      const months = new Map<string, Float64Array>();
      const years = new Map<string, Float64Array>();
      for (const [day, v] of cells) {
        if (v.every((x) => x === 0)) continue;
        rows.push(row('day', day, c, p, v));
        addVector(months, `${day.slice(0, 7)}-01`, v);
        addVector(years, `${day.slice(0, 4)}-01-01`, v);
      }
      for (const [start, v] of months) if (v.some((x) => x !== 0)) rows.push(row('month', start, c, p, v));
      for (const [start, v] of years) if (v.some((x) => x !== 0)) rows.push(row('year', start, c, p, v));
    }
  }
  return rows;
}

async function insertRollup(db: Kysely<any>, unordered: readonly RollupRow[]): Promise<void> {
  // In primary-key order: each insert then lands at the right edge of the index.
  const rows = [...unordered].sort(
    (a, b) => cmp(a.grain, b.grain) || cmp(a.period_start, b.period_start) || cmp(a.commune_code, b.commune_code) || cmp(a.programme_code, b.programme_code),
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const column = (name: keyof RollupRow) => chunk.map((r) => r[name]);
    await sql`
      INSERT INTO credit_rollup (grain, period_start, commune_code, programme_code, ${sql.raw(MEASURES.join(', '))})
      SELECT * FROM unnest(${column('grain')}::text[], ${column('period_start')}::date[], ${column('commune_code')}::text[],
        ${column('programme_code')}::text[], ${sql.join(MEASURES.map((m) => sql`${column(m)}::int8[]`))})`.execute(db);
  }
}

async function insertGaps(db: Kysely<any>, gaps: readonly GapRow[]): Promise<void> {
  if (gaps.length === 0) return;
  const column = (name: keyof GapRow) => gaps.map((g) => g[name]);
  await sql`
    INSERT INTO credit_household_gap (household_id, measure, commune_code, programme_code, areas, gap)
    SELECT household_id, measure, commune_code, programme_code, areas, daterange(starts, ends)
    FROM unnest(${column('household_id')}::int8[], ${column('measure')}::text[], ${column('commune_code')}::text[],
      ${column('programme_code')}::text[], ${column('areas')}::int2[], ${column('starts')}::date[], ${column('ends')}::date[])
      AS g(household_id, measure, commune_code, programme_code, areas, starts, ends)`.execute(db);
}
