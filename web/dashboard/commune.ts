import communeYears from '../../schema/operations/commune-years.graphql';
import { graphql } from './api.js';
import { chartCard } from './charts.js';
import { el, errorBox, formatBillions, formatNumber, formatPercent } from './dom.js';
import { KIND_LABEL } from './communes.js';

const YEARS = [2021, 2022, 2023, 2024, 2025];

/**
 * One commune's figures per calendar year: schema/operations/commune-years.graphql, a registered
 * operation (callers without a token may run only those), one alias per year and department.
 */
type Row = [label: string, cell: (c: any, year: number) => string];

const ROWS: Row[] = [
  ['households', (c, y) => formatNumber(trendOf(c, y)?.households)],
  ['poor', (c, y) => formatNumber(trendOf(c, y)?.poor)],
  ['near-poor', (c, y) => formatNumber(trendOf(c, y)?.nearPoor)],
  ['near-poor rate', (c, y) => formatPercent(trendOf(c, y)?.nearPoorRatePercent)],
  ['escaped poverty', (c, y) => formatNumber(trendOf(c, y)?.escapedPoverty)],
  ['credit disbursed', (c, y) => formatBillions(c[`credit${y}`]?.amountDisbursed)],
  ['borrowing households', (c, y) => formatNumber(c[`credit${y}`]?.borrowingHouseholds)],
  ['outstanding at year end', (c, y) => formatBillions(c[`outstanding${y}`]?.outstanding)],
  ['houses supported', (c, y) => formatNumber(c[`housing${y}`]?.housesSupported)],
  ['houses completed', (c, y) => formatNumber(c[`housing${y}`]?.housesCompleted)],
  ['health-insurance people', (c, y) => formatNumber(c[`social${y}`]?.healthInsurance?.people)],
  ['placements', (c, y) => formatNumber(c[`employment${y}`]?.placements)],
  ['training enrolments', (c, y) => formatNumber(c[`employment${y}`]?.trainingEnrolments)],
  ['livelihood households', (c, y) => formatNumber(c[`livelihoods${y}`]?.householdsSupported)],
];

function trendOf(commune: any, year: number): any {
  return (commune.povertyTrend as any[] | undefined)?.find((t) => t.year === year);
}

/** The commune page (#commune/<code>): its figures over the years. */
export async function renderCommune(target: HTMLElement, code: string): Promise<void> {
  target.replaceChildren(el('p', { class: 'muted' }, `Loading commune ${code}…`));
  const { data, errors } = await graphql<{ commune: any }>(communeYears, { code });
  const commune = data?.commune;
  target.replaceChildren(el('a', { href: '#communes', class: 'close' }, '× close'));
  if (errors.length) target.append(errorBox(errors.map((e) => e.message)));
  if (!commune) {
    if (!errors.length) target.append(errorBox([`No commune or ward has the code ${code}.`]));
    return;
  }
  target.append(
    el('h2', {}, `${commune.name} `, el('span', { class: 'muted' }, `(${KIND_LABEL[commune.kind as 'WARD'] ?? commune.kind}, ${commune.code})`)),
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'data', id: 'commune-years' },
        el('thead', {}, el('tr', {}, el('th', {}, ''), ...YEARS.map((y) => el('th', { class: 'num' }, String(y))))),
        el('tbody', {}, ...ROWS.map(([label, cell]) => el('tr', {}, el('th', { scope: 'row' }, label), ...YEARS.map((y) => el('td', { class: 'num' }, cell(commune, y)))))),
      ),
    ),
    el(
      'div',
      { class: 'charts' },
      chartCard(
        'Poor and near-poor households by review year',
        YEARS.map(String),
        [
          { label: 'poor', values: YEARS.map((y) => trendOf(commune, y)?.poor ?? null) },
          { label: 'near-poor', values: YEARS.map((y) => trendOf(commune, y)?.nearPoor ?? null) },
        ],
        { type: 'line' },
      ),
    ),
  );
}
