import { describe, expect, it } from 'vitest';
import * as credit from '../../subgraphs/credit/balance.js';
import * as coverage from '../../subgraphs/social_insurance/coverage.js';
import { dateSegments, FIRST_DAY, nextDay } from '../../platform/date-segments.js';
import { summedDelta, type SummedTable } from '../../platform/rollups.js';
import { creditRollupSet } from '../../subgraphs/credit/rollups.js';
import { seededRandom } from '../support/random.js';

// The rollup rules, checked without a database: figures summed from the rollup rows (as the
// figure queries sum them) must equal the same figures counted record by record from their
// definitions, on random records that include the awkward cases (several loans on one day,
// repayments dated before the loan, overpayment, write-offs before the disbursement, cards that
// overlap, touch or leave gaps), for every area and many periods and dates.

/** Seeded, so that the tests fail the same way twice. */
function random(seed: number) {
  const next = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: <T>(items: readonly T[]) => items[int(0, items.length - 1)]! };
}

/** Every day from `from` to `to`, inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = nextDay(d)) out.push(d);
  return out;
}

describe('dateSegments', () => {
  // One implementation (platform/date-segments.ts), used by credit and health insurance.
  const implementations = { common: dateSegments };
  for (const [name, segmentsOf] of Object.entries(implementations)) {
    it(`${name}: covers exactly the days of the period, in order, in at most five runs`, () => {
      const r = random(7);
      const all = days('2019-11-01', '2025-02-28');
      const pairs: Array<[string, string]> = [
        ['2022-01-01', '2024-12-31'],
        ['2024-02-29', '2024-02-29'],
        ['2023-12-31', '2024-01-01'],
        ['2020-01-01', '2020-12-31'],
        ['2020-02-01', '2020-02-29'],
        ['2019-12-31', '2025-01-01'],
      ];
      for (let i = 0; i < 400; i++) {
        const a = r.pick(all);
        const b = r.pick(all);
        pairs.push(a <= b ? [a, b] : [b, a]);
      }
      for (const [from, to] of pairs) {
        const segments = segmentsOf(from, to);
        expect(segments.length, `${from}..${to}`).toBeLessThanOrEqual(5);
        const covered = segments.flatMap((s) => {
          const end = s.grain === 'day' ? s.to : s.grain === 'month' ? lastDayOfMonth(s.to) : `${s.to.slice(0, 4)}-12-31`;
          if (s.grain !== 'day') expect(s.from.endsWith('-01')).toBe(true);
          if (s.grain === 'year') expect(s.from.slice(5)).toBe('01-01');
          return days(s.from, end);
        });
        expect(covered, `${from}..${to}`).toEqual(days(from, to));
      }
    });

    it(`${name}: reads a whole year as one row and a prefix from the first day in few runs`, () => {
      expect(segmentsOf('2024-01-01', '2024-12-31')).toEqual([{ grain: 'year', from: '2024-01-01', to: '2024-01-01' }]);
      expect(segmentsOf(FIRST_DAY, '2024-12-31')).toEqual([{ grain: 'year', from: '0001-01-01', to: '2024-01-01' }]);
      expect(segmentsOf(FIRST_DAY, '2024-06-15')).toEqual([
        { grain: 'year', from: '0001-01-01', to: '2023-01-01' },
        { grain: 'month', from: '2024-01-01', to: '2024-05-01' },
        { grain: 'day', from: '2024-06-01', to: '2024-06-15' },
      ]);
    });
  }

  it('nextDay crosses months, years and leap days', () => {
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2024-02-29')).toBe('2024-03-01');
    expect(nextDay('2023-02-28')).toBe('2023-03-01');
    expect(nextDay('1900-02-28')).toBe('1900-03-01');
    expect(nextDay('2000-02-28')).toBe('2000-02-29');
    expect(nextDay('2024-12-31')).toBe('2025-01-01');
    expect(nextDay('0001-01-31')).toBe('0001-02-01');
  });
});

function lastDayOfMonth(monthStart: string): string {
  let d = monthStart;
  while (nextDay(d).slice(0, 7) === monthStart.slice(0, 7)) d = nextDay(d);
  return d;
}

/** The areas of a record: its own, its commune's, its programme's (or group's) and the city's. */
const AREAS = (c: string, p: string) =>
  [
    [c, p, credit.AREA.communeProgramme],
    [c, '', credit.AREA.commune],
    ['', p, credit.AREA.programme],
    ['', '', credit.AREA.city],
  ] as const;
const inArea = (c: string, p: string, area: readonly [string, string, number]) => (area[0] === '' || area[0] === c) && (area[1] === '' || area[1] === p);

/** Sums a measure of the rollup rows of one area over the runs of [from, to]. */
function sum<R extends { grain: string; period_start: string }>(
  rows: readonly R[],
  match: (r: R) => boolean,
  segments: ReturnType<typeof dateSegments>,
  value: (r: R) => number,
): number {
  let total = 0;
  for (const r of rows) {
    if (!match(r)) continue;
    if (segments.some((s) => s.grain === r.grain && r.period_start >= s.from && r.period_start <= s.to)) total += value(r);
  }
  return total;
}

describe('creditRollups', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`gives the figures the loans give, for every area, period and date (seed ${seed})`, () => {
      const r = random(seed);
      const loans: credit.LoanFacts[] = [];
      const repayments: credit.RepaymentFacts[] = [];
      const day = () => `2020-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
      for (let id = 1; id <= 60; id++) {
        const household = r.int(1, 12);
        const disbursedOn = id > 1 && r.next() < 0.15 ? loans[loans.length - 1]!.disbursed_on : day();
        const principal = r.int(1, 10) * 1000;
        const writtenOff = r.next() < 0.1 ? day() : null;
        loans.push({
          id,
          household_id: household,
          commune_code: household % 3 === 0 ? 'B' : r.next() < 0.9 ? 'A' : 'C',
          programme_code: r.pick(['P', 'Q']),
          principal,
          disbursed_on: disbursedOn,
          jobs_created: r.int(0, 2),
          written_off_on: writtenOff,
        });
        // Instalments that may fall before the loan, on one day, or add up to more than the principal.
        for (let k = r.int(0, 4); k > 0; k--) repayments.push({ loan_id: id, paid_on: day(), principal: r.int(0, 4) * 1000 });
      }
      const { rows, gaps } = credit.creditRollups(loans, repayments);
      const dates = days('2019-12-30', '2021-01-02').filter((_, i) => i % 3 === 0);

      for (const area of [...new Set(loans.flatMap((l) => AREAS(l.commune_code, l.programme_code).map((a) => a.join('|'))))].map((k) => {
        const [c, p, bit] = k.split('|');
        return [c!, p!, Number(bit)] as const;
      })) {
        const own = (l: credit.LoanFacts) => inArea(l.commune_code, l.programme_code, area);
        const rowsHere = (x: credit.RollupRow) => x.commune_code === area[0] && x.programme_code === area[1];
        const gapsHere = (g: credit.GapRow) =>
          (g.areas & area[2]) !== 0 && (area[0] === '' || g.commune_code === area[0]) && (area[1] === '' || g.programme_code === area[1]);
        for (const asOf of dates) {
          // By definition: a loan counts when disbursed by asOf, not written off by then, with principal left.
          let outstanding = 0;
          let loansWithBalance = 0;
          const holders = new Set<number>();
          for (const l of loans.filter(own)) {
            if (l.disbursed_on > asOf || (l.written_off_on !== null && l.written_off_on <= asOf)) continue;
            const left = l.principal - repayments.filter((x) => x.loan_id === l.id && x.paid_on <= asOf).reduce((n, x) => n + x.principal, 0);
            if (left <= 0) continue;
            outstanding += left;
            loansWithBalance++;
            holders.add(l.household_id);
          }
          const upTo = dateSegments(FIRST_DAY, asOf);
          const between = gaps.filter((g) => g.measure === 'balance' && gapsHere(g) && g.starts <= asOf && asOf < g.ends).length;
          expect(
            {
              outstanding: sum(rows, rowsHere, upTo, (x) => x.balance_change),
              loansWithBalance: sum(rows, rowsHere, upTo, (x) => x.loans_disbursed - x.loans_closed),
              borrowersWithBalance: sum(rows, rowsHere, upTo, (x) => x.balance_holders_started - x.balance_holders_stopped) - between,
            },
            `${area.join('/')} on ${asOf}`,
          ).toEqual({ outstanding, loansWithBalance, borrowersWithBalance: holders.size });
        }
        for (let i = 0; i < 120; i++) {
          const [from, to] = [r.pick(dates), r.pick(dates)].sort() as [string, string];
          const lent = loans.filter((l) => own(l) && l.disbursed_on >= from && l.disbursed_on <= to);
          const covering = gaps.filter((g) => g.measure === 'borrowing' && gapsHere(g) && g.starts <= from && to < g.ends).length;
          const period = dateSegments(from, to);
          expect(
            {
              amount: sum(rows, rowsHere, period, (x) => x.amount_disbursed),
              loans: sum(rows, rowsHere, period, (x) => x.loans_disbursed),
              jobs: sum(rows, rowsHere, period, (x) => x.jobs_created),
              households:
                sum(rows, rowsHere, dateSegments(FIRST_DAY, to), (x) => x.borrowers_started) -
                sum(rows, rowsHere, dateSegments(FIRST_DAY, from), (x) => x.borrowers_stopped) -
                covering,
            },
            `${area.join('/')} ${from}..${to}`,
          ).toEqual({
            amount: lent.reduce((n, l) => n + l.principal, 0),
            loans: lent.length,
            jobs: lent.reduce((n, l) => n + l.jobs_created, 0),
            households: new Set(lent.map((l) => l.household_id)).size,
          });
        }
      }
    });
  }

  it('moves by the difference a write makes (summedDelta on the declared credit_rollup)', () => {
    const loan: credit.LoanFacts = {
      id: 1,
      household_id: 1,
      commune_code: 'A',
      programme_code: 'P',
      principal: 5000,
      disbursed_on: '2024-03-01',
      jobs_created: 0,
      written_off_on: null,
    };
    const table = creditRollupSet.tables.find((t): t is SummedTable => t.kind === 'sum' && t.table === 'credit_rollup')!;
    const rows = (repayments: credit.RepaymentFacts[]) => creditRollupSet.derive({ loans: [loan], repayments }).credit_rollup ?? [];
    const before = rows([{ loan_id: 1, paid_on: '2024-06-01', principal: 2000 }]);
    const after = rows([
      { loan_id: 1, paid_on: '2024-06-01', principal: 2000 },
      { loan_id: 1, paid_on: '2024-09-01', principal: 3000 },
    ]);
    const delta = summedDelta(table, before, after);
    const day = delta.filter((d) => d.grain === 'day' && d.commune_code === 'A' && d.programme_code === 'P');
    // Paid off on 1 September: the balance closes, the loan and the household stop holding one.
    expect(day).toEqual([expect.objectContaining({ period_start: '2024-09-01', balance_change: -3000, loans_closed: 1, balance_holders_stopped: 1 })]);
    expect(summedDelta(table, after, after)).toEqual([]);
  });
});

describe('healthInsuranceRollups', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`gives the people and budget the cards give, for every area and period (seed ${seed})`, () => {
      const r = random(seed);
      const cards: coverage.CardFacts[] = [];
      const day = () => `2022-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
      for (let id = 1; id <= 50; id++) {
        const member = r.int(1, 10);
        const from = day();
        const length = r.pick([0, 10, 30, 60, 120]);
        let to = from;
        for (let k = 0; k < length; k++) to = nextDay(to);
        cards.push({
          id,
          member_id: member,
          commune_code: member % 4 === 0 ? 'B' : r.next() < 0.9 ? 'A' : 'C',
          support_group: r.pick(['poor', 'near_poor', 'middle_income_agriculture'] as const),
          valid_from: from,
          valid_to: to,
          budget_amount: r.int(0, 5) * 100,
          granted_on: day(),
        });
      }
      const { rows, gaps } = coverage.healthInsuranceRollups(cards);
      const dates = days('2021-12-30', '2023-06-30').filter((_, i) => i % 4 === 0);
      const areas = [...new Set(cards.flatMap((c) => AREAS(c.commune_code, c.support_group).map((a) => a.join('|'))))].map((k) => {
        const [c, g, bit] = k.split('|');
        return [c!, g!, Number(bit)] as const;
      });
      for (const area of areas) {
        const own = (c: coverage.CardFacts) => inArea(c.commune_code, c.support_group, area);
        const rowsHere = (x: coverage.CoverageRow) => x.commune_code === area[0] && x.support_group === area[1];
        for (let i = 0; i < 150; i++) {
          const [from, to] = [r.pick(dates), r.pick(dates)].sort() as [string, string];
          const covering = gaps.filter(
            (g) =>
              (g.areas & area[2]) !== 0 &&
              (area[0] === '' || g.commune_code === area[0]) &&
              (area[1] === '' || g.support_group === area[1]) &&
              g.starts <= from &&
              to < g.ends,
          ).length;
          expect(
            {
              budget: sum(rows, rowsHere, dateSegments(from, to), (x) => x.budget),
              people:
                sum(rows, rowsHere, dateSegments(FIRST_DAY, to), (x) => x.people_started) -
                sum(rows, rowsHere, dateSegments(FIRST_DAY, from), (x) => x.people_stopped) -
                covering,
            },
            `${area.join('/')} ${from}..${to}`,
          ).toEqual({
            budget: cards.filter((c) => own(c) && c.granted_on >= from && c.granted_on <= to).reduce((n, c) => n + c.budget_amount, 0),
            people: new Set(cards.filter((c) => own(c) && c.valid_from <= to && c.valid_to >= from).map((c) => c.member_id)).size,
          });
        }
      }
    });
  }
});
