import { nextDay } from '../../platform/date-segments.js';
import type { HealthInsuranceRollupGrain, SupportGroup } from './db/tables.js';

// The rules of the health-insurance rollups, here only (the tables: the migration
// 2026_11_29_0900_create_health_insurance_rollups): the city data set, the demo data, every card
// granted and the rebuild at start derive them with `healthInsuranceRollups`, through their
// declaration (rollups.ts) and the one rollup mechanism (platform/rollups.ts). A change to these
// rules bumps the declaration's version, and the next start rebuilds the rollups from the cards.

/** The measures of a rollup row, in the table's column order. */
export const COVERAGE_MEASURES = ['budget', 'people_started', 'people_stopped'] as const;
export type CoverageMeasure = (typeof COVERAGE_MEASURES)[number];

/**
 * What happened in an area over one year, month or day: the budget of the cards granted, the
 * people whose first card in the area began, the people whose last card there ended (counted
 * on the day after). '' in commune_code or support_group stands for every commune or group.
 */
export type CoverageRow = { grain: HealthInsuranceRollupGrain; period_start: string; commune_code: string; support_group: string } & Record<
  CoverageMeasure,
  number
>;

/** The four kinds of area, as bits: a gap row counts in each kind of area whose bit it has. */
export const AREA = { communeGroup: 1, commune: 2, group: 4, city: 8 } as const;
const AREAS = [AREA.communeGroup, AREA.commune, AREA.group, AREA.city] as const;

/** What the rollups need to know of a card. */
export interface CardFacts {
  id: number;
  member_id: number;
  commune_code: string;
  support_group: SupportGroup;
  valid_from: string;
  valid_to: string;
  budget_amount: number;
  granted_on: string;
}

/**
 * Days, [starts, ends), between two spells of a person's cover in an area on which no card of
 * theirs there was valid. One row stands for every kind of area (`areas`) in which the person's
 * cards are the same.
 */
export interface CoverageGapRow {
  member_id: number;
  commune_code: string;
  support_group: string;
  areas: number;
  starts: string;
  ends: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const later = (a: string, b: string) => (a > b ? a : b);

/**
 * The rollup rows and gaps of some people's cards (all their cards), by these rules:
 *
 * - A card's budget counts on the day it was granted, in its commune and group.
 * - A person's cards in an area, valid from valid_from to valid_to inclusive, merged where they
 *   overlap or touch, are the spells of their cover there. The first spell's first day is when
 *   they started; the day after the last spell is when they stopped; the days between two
 *   spells are a gap. People with a card valid on at least one day of [from, to] are then
 *   those started by `to`, less those stopped by `from`, less those in a gap covering [from, to].
 *
 * Rows where every measure is zero are left out.
 */
export function healthInsuranceRollups(cards: readonly CardFacts[]): { rows: CoverageRow[]; gaps: CoverageGapRow[] } {
  const days = new DayTotals();
  for (const card of cards) {
    if (card.budget_amount !== 0) days.leaf(card.commune_code, card.support_group, card.granted_on, { budget: card.budget_amount });
  }
  const people = new Map<number, CardFacts[]>();
  for (const card of cards) {
    const list = people.get(card.member_id);
    if (list) list.push(card);
    else people.set(card.member_id, [card]);
  }
  const gaps: CoverageGapRow[] = [];
  for (const [memberId, own] of people) gaps.push(...personDays(memberId, own, days));
  gaps.sort(
    (a, b) =>
      a.member_id - b.member_id || cmp(a.starts, b.starts) || a.areas - b.areas || cmp(a.commune_code, b.commune_code) || cmp(a.support_group, b.support_group),
  );
  return { rows: days.rows(), gaps };
}

function personDays(memberId: number, cards: readonly CardFacts[], days: DayTotals): CoverageGapRow[] {
  const gaps = new Map<string, CoverageGapRow>();
  for (const area of AREAS) {
    const partitions = new Map<string, CardFacts[]>();
    for (const card of cards) {
      const key = `${areaCommune(area, card.commune_code)}|${areaGroup(area, card.support_group)}`;
      const list = partitions.get(key);
      if (list) list.push(card);
      else partitions.set(key, [card]);
    }
    for (const own of partitions.values()) {
      const c = areaCommune(area, own[0]!.commune_code);
      const g = areaGroup(area, own[0]!.support_group);
      // Areas where the person's cards are the same have the same gaps: one row for them.
      const signature = own
        .map((x) => x.id)
        .sort((a, b) => a - b)
        .join(',');
      const spells = coverSpells(own);
      days.area(c, g, spells[0]!.starts, { people_started: 1 });
      days.area(c, g, spells[spells.length - 1]!.ends, { people_stopped: 1 });
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

/** The cards' validity [valid_from, valid_to + 1) merged where they overlap or touch, in order. */
function coverSpells(cards: readonly CardFacts[]): Array<{ starts: string; ends: string }> {
  const valid = cards
    .map((card) => ({ id: card.id, starts: card.valid_from, ends: nextDay(card.valid_to) }))
    .sort((a, b) => cmp(a.starts, b.starts) || cmp(a.ends, b.ends) || a.id - b.id);
  const spells: Array<{ starts: string; ends: string }> = [];
  for (const v of valid) {
    const current = spells[spells.length - 1];
    if (current && v.starts <= current.ends) current.ends = later(current.ends, v.ends);
    else spells.push({ starts: v.starts, ends: v.ends });
  }
  return spells;
}

const areaCommune = (area: number, code: string) => (area & (AREA.communeGroup | AREA.commune) ? code : '');
const areaGroup = (area: number, group: string) => (area & (AREA.communeGroup | AREA.group) ? group : '');

/** Measures per area and day, then per year, month and day. */
class DayTotals {
  private readonly byDay = new Map<string, Record<CoverageMeasure, number>>();

  /** A card's budget: counts in its (commune, group) and in the three wider areas. */
  leaf(c: string, g: string, day: string, values: Partial<Record<CoverageMeasure, number>>): void {
    for (const [cc, gg] of [
      [c, g],
      [c, ''],
      ['', g],
      ['', ''],
    ] as const)
      this.area(cc, gg, day, values);
  }

  area(c: string, g: string, day: string, values: Partial<Record<CoverageMeasure, number>>): void {
    const key = `${day}|${c}|${g}`;
    let totals = this.byDay.get(key);
    if (!totals) this.byDay.set(key, (totals = zeros()));
    for (const m in values) totals[m as CoverageMeasure] += values[m as CoverageMeasure]!;
  }

  rows(): CoverageRow[] {
    const rows = new Map<string, CoverageRow>();
    for (const [key, totals] of this.byDay) {
      if (COVERAGE_MEASURES.every((m) => totals[m] === 0)) continue;
      const [day, c, g] = key.split('|') as [string, string, string];
      for (const [grain, start] of [
        ['day', day],
        ['month', `${day.slice(0, 7)}-01`],
        ['year', `${day.slice(0, 4)}-01-01`],
      ] as const) {
        const k = `${grain}|${start}|${c}|${g}`;
        let row = rows.get(k);
        if (!row) rows.set(k, (row = { grain, period_start: start, commune_code: c, support_group: g, ...zeros() }));
        for (const m of COVERAGE_MEASURES) row[m] += totals[m];
      }
    }
    return [...rows.values()].filter((r) => COVERAGE_MEASURES.some((m) => r[m] !== 0));
  }
}

function zeros(): Record<CoverageMeasure, number> {
  return { budget: 0, people_started: 0, people_stopped: 0 };
}
