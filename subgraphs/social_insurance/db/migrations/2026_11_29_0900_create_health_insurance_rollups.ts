import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. Its backfill is a copy of
// the rules of healthInsuranceRollups (coverage.ts) as they were when this was written, run
// person by person over the cards already there (window functions over every card and area
// are slow on the embedded database); a later change to the rules comes with a migration of
// its own.
//
// Rollups of the health-insurance figures, so that an area's people and budget over a period
// are sums over a few rows instead of a distinct count over every card:
//
// - health_insurance_rollup: per area (commune, or '' for every commune; support group, or ''
//   for every group) and per calendar year, month and day (`grain`; `period_start` is its first
//   day): the budget of the cards granted, the people whose cover there began, and the people
//   whose cover there ended for good (on the day after their last valid day).
// - health_insurance_gap: per person and area, the days between two spells of cover (cards
//   merged where they overlap or touch). People with a card valid on a day of [from, to] are
//   those started by `to`, less those stopped by `from`, less those in a gap covering [from, to]
//   (GiST containment). One row stands for every kind of area (`areas` bits: 1 commune and
//   group, 2 commune, 4 group, 8 city) in which the person's cards are the same.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('health_insurance_rollup')
    .addColumn('grain', 'text', (c) => c.notNull().check(sql`grain IN ('year', 'month', 'day')`))
    .addColumn('period_start', 'date', (c) => c.notNull())
    // '' stands for every commune (the city) or every group: a primary key has no NULLs.
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('support_group', 'text', (c) => c.notNull())
    .addColumn('budget', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('people_started', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('people_stopped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('health_insurance_rollup_pkey', ['grain', 'period_start', 'commune_code', 'support_group'])
    .execute();

  await db.schema
    .createTable('health_insurance_gap')
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('support_group', 'text', (c) => c.notNull())
    .addColumn('areas', 'int2', (c) => c.notNull().check(sql`areas BETWEEN 1 AND 15`))
    // [first day without cover, first day with cover again).
    .addColumn('gap', sql`daterange`, (c) => c.notNull().check(sql`NOT isempty(gap)`))
    .execute();
  // Indexes after the backfill: built in one pass rather than kept up row by row.
  await backfill(db);

  // A person's gaps are rewritten whenever they are granted a card.
  await db.schema.createIndex('health_insurance_gap_member_idx').on('health_insurance_gap').column('member_id').execute();
  // Gaps that cover a whole period.
  await sql`CREATE INDEX health_insurance_gap_gap_idx ON health_insurance_gap USING gist (gap)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('health_insurance_gap').execute();
  await db.schema.dropTable('health_insurance_rollup').execute();
}

interface CardRow {
  id: number;
  member_id: number;
  commune_code: string;
  support_group: string;
  valid_from: string;
  valid_to: string;
  budget_amount: number;
  granted_on: string;
}
interface GapRow {
  member_id: number;
  commune_code: string;
  support_group: string;
  areas: number;
  starts: string;
  ends: string;
}
type Totals = { budget: number; people_started: number; people_stopped: number };

const PEOPLE_PER_CHUNK = 200_000;
const ROWS_PER_INSERT = 20_000;
const AREAS = [1, 2, 4, 8] as const;

/** Fills the rollups from the cards already there (exported for its test). */
export async function backfill(db: Kysely<any>): Promise<void> {
  const { rows: bounds } = await sql<{ lo: string | number | null; hi: string | number | null }>`
    SELECT min(member_id) AS lo, max(member_id) AS hi FROM health_insurance_support`.execute(db);
  if (bounds[0]?.lo == null) return;
  const lo = Number(bounds[0].lo);
  const hi = Number(bounds[0].hi);
  const days = new Map<string, Totals>();
  for (let first = lo; first <= hi; first += PEOPLE_PER_CHUNK) {
    const { rows: raw } = await sql<Record<string, unknown>>`
      SELECT id, member_id, commune_code::text AS commune_code, support_group, valid_from::text AS valid_from, valid_to::text AS valid_to,
        budget_amount, granted_on::text AS granted_on
      FROM health_insurance_support WHERE member_id BETWEEN ${first} AND ${first + PEOPLE_PER_CHUNK - 1}`.execute(db);
    const cards: CardRow[] = raw.map((r) => ({
      id: Number(r.id),
      member_id: Number(r.member_id),
      commune_code: String(r.commune_code),
      support_group: String(r.support_group),
      valid_from: String(r.valid_from),
      valid_to: String(r.valid_to),
      budget_amount: Number(r.budget_amount),
      granted_on: String(r.granted_on),
    }));
    for (const card of cards) {
      if (card.budget_amount === 0) continue;
      for (const [c, g] of [[card.commune_code, card.support_group], [card.commune_code, ''], ['', card.support_group], ['', '']] as const) {
        add(days, c, g, card.granted_on, { budget: card.budget_amount });
      }
    }
    const people = new Map<number, CardRow[]>();
    for (const card of cards) people.set(card.member_id, [...(people.get(card.member_id) ?? []), card]);
    const gaps: GapRow[] = [];
    for (const [memberId, own] of people) gaps.push(...personDays(memberId, own, days));
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

function add(days: Map<string, Totals>, c: string, g: string, day: string, values: Partial<Totals>): void {
  const key = `${day}|${c}|${g}`;
  let totals = days.get(key);
  if (!totals) days.set(key, (totals = { budget: 0, people_started: 0, people_stopped: 0 }));
  for (const m in values) totals[m as keyof Totals] += values[m as keyof Totals]!;
}

/** A person's cards in each area merged into spells of cover: start, stop and gaps. */
function personDays(memberId: number, cards: readonly CardRow[], days: Map<string, Totals>): GapRow[] {
  const gaps = new Map<string, GapRow>();
  for (const area of AREAS) {
    const partitions = new Map<string, CardRow[]>();
    for (const card of cards) {
      const key = `${area & 3 ? card.commune_code : ''}|${area & 5 ? card.support_group : ''}`;
      partitions.set(key, [...(partitions.get(key) ?? []), card]);
    }
    for (const own of partitions.values()) {
      const c = area & 3 ? own[0]!.commune_code : '';
      const g = area & 5 ? own[0]!.support_group : '';
      const signature = own.map((x) => x.id).sort((a, b) => a - b).join(',');
      const valid = own
        .map((card) => ({ id: card.id, starts: card.valid_from, ends: nextDay(card.valid_to) }))
        .sort((a, b) => cmp(a.starts, b.starts) || cmp(a.ends, b.ends) || a.id - b.id);
      const spells: Array<{ starts: string; ends: string }> = [];
      for (const v of valid) {
        const current = spells[spells.length - 1];
        if (current && v.starts <= current.ends) current.ends = later(current.ends, v.ends);
        else spells.push({ starts: v.starts, ends: v.ends });
      }
      add(days, c, g, spells[0]!.starts, { people_started: 1 });
      add(days, c, g, spells[spells.length - 1]!.ends, { people_stopped: 1 });
      for (let i = 1; i < spells.length; i++) {
        const starts = spells[i - 1]!.ends;
        const ends = spells[i]!.starts;
        const key = `${starts}|${ends}|${signature}`;
        const existing = gaps.get(key);
        if (existing) {
          existing.areas |= area;
          existing.commune_code = later(existing.commune_code, c);
          existing.support_group = later(existing.support_group, g);
        } else {
          gaps.set(key, { member_id: memberId, commune_code: c, support_group: g, areas: area, starts, ends });
        }
      }
    }
  }
  return [...gaps.values()];
}

type RollupRow = { grain: string; period_start: string; commune_code: string; support_group: string } & Totals;

/** Day totals as day, month and year rows; rows of every measure zero left out. */
function rollupRows(days: ReadonlyMap<string, Totals>): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  const measures = ['budget', 'people_started', 'people_stopped'] as const;
  for (const [key, totals] of days) {
    if (measures.every((m) => totals[m] === 0)) continue;
    const [day, c, g] = key.split('|') as [string, string, string];
    for (const [grain, start] of [['day', day], ['month', `${day.slice(0, 7)}-01`], ['year', `${day.slice(0, 4)}-01-01`]] as const) {
      const k = `${grain}|${start}|${c}|${g}`;
      let row = rows.get(k);
      if (!row) rows.set(k, (row = { grain, period_start: start, commune_code: c, support_group: g, budget: 0, people_started: 0, people_stopped: 0 }));
      for (const m of measures) row[m] += totals[m];
    }
  }
  return [...rows.values()].filter((r) => measures.some((m) => r[m] !== 0));
}

async function insertRollup(db: Kysely<any>, unordered: readonly RollupRow[]): Promise<void> {
  // In primary-key order: each insert then lands at the right edge of the index.
  const rows = [...unordered].sort(
    (a, b) => cmp(a.grain, b.grain) || cmp(a.period_start, b.period_start) || cmp(a.commune_code, b.commune_code) || cmp(a.support_group, b.support_group),
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const column = (name: keyof RollupRow) => chunk.map((r) => r[name]);
    await sql`
      INSERT INTO health_insurance_rollup (grain, period_start, commune_code, support_group, budget, people_started, people_stopped)
      SELECT * FROM unnest(${column('grain')}::text[], ${column('period_start')}::date[], ${column('commune_code')}::text[],
        ${column('support_group')}::text[], ${column('budget')}::int8[], ${column('people_started')}::int8[], ${column('people_stopped')}::int8[])`.execute(db);
  }
}

async function insertGaps(db: Kysely<any>, gaps: readonly GapRow[]): Promise<void> {
  if (gaps.length === 0) return;
  const column = (name: keyof GapRow) => gaps.map((g) => g[name]);
  await sql`
    INSERT INTO health_insurance_gap (member_id, commune_code, support_group, areas, gap)
    SELECT member_id, commune_code, support_group, areas, daterange(starts, ends)
    FROM unnest(${column('member_id')}::int8[], ${column('commune_code')}::text[], ${column('support_group')}::text[],
      ${column('areas')}::int2[], ${column('starts')}::date[], ${column('ends')}::date[])
      AS g(member_id, commune_code, support_group, areas, starts, ends)`.execute(db);
}
