import { graphql } from './api.js';
import { el, errorBox, formatBillions, formatNumber, formatPercent } from './dom.js';
import { SCORECARD } from './queries.js';
import { SortableTable, type Column } from './table.js';

const VARIABLES = SCORECARD.variables;

interface ScorecardRow {
  code: string;
  name: string;
  kind: 'WARD' | 'RURAL_COMMUNE';
  householdCount: number | null;
  povertyFigures: { poor: number; nearPoor: number; poorRatePercent: number | null; nearPoorRatePercent: number | null } | null;
  creditFigures: { amountDisbursed: string; borrowingHouseholds: number } | null;
  creditOutstanding: { outstanding: string } | null;
  housingFigures: { housesCompleted: number; housesSupported: number } | null;
  socialFigures: { healthInsurance: { people: number; budget: string } } | null;
  employmentFigures: { placements: number; trainingEnrolments: number } | null;
  livelihoodFigures: { householdsSupported: number; supportValue: string } | null;
}

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const KIND_LABEL = { WARD: 'ward', RURAL_COMMUNE: 'rural commune' } as const;

const COLUMNS: Column<ScorecardRow>[] = [
  { key: 'code', label: 'code', value: (r) => r.code },
  { key: 'name', label: 'name', value: (r) => r.name },
  { key: 'kind', label: 'kind', value: (r) => KIND_LABEL[r.kind] ?? r.kind },
  { key: 'households', label: 'households', numeric: true, value: (r) => n(r.householdCount), format: (r) => formatNumber(r.householdCount) },
  { key: 'poor', label: 'poor', numeric: true, value: (r) => n(r.povertyFigures?.poor), format: (r) => formatNumber(r.povertyFigures?.poor) },
  { key: 'nearPoor', label: 'near-poor', numeric: true, value: (r) => n(r.povertyFigures?.nearPoor), format: (r) => formatNumber(r.povertyFigures?.nearPoor) },
  { key: 'nearPoorRate', label: 'near-poor rate', numeric: true, value: (r) => n(r.povertyFigures?.nearPoorRatePercent), format: (r) => formatPercent(r.povertyFigures?.nearPoorRatePercent) },
  { key: 'disbursed', label: 'credit disbursed', numeric: true, value: (r) => n(r.creditFigures?.amountDisbursed), format: (r) => formatBillions(r.creditFigures?.amountDisbursed) },
  { key: 'borrowers', label: 'borrowing households', numeric: true, value: (r) => n(r.creditFigures?.borrowingHouseholds), format: (r) => formatNumber(r.creditFigures?.borrowingHouseholds) },
  { key: 'outstanding', label: 'outstanding', numeric: true, value: (r) => n(r.creditOutstanding?.outstanding), format: (r) => formatBillions(r.creditOutstanding?.outstanding) },
  { key: 'housesCompleted', label: 'houses completed', numeric: true, value: (r) => n(r.housingFigures?.housesCompleted), format: (r) => formatNumber(r.housingFigures?.housesCompleted) },
  { key: 'healthInsurance', label: 'health-insurance people', numeric: true, value: (r) => n(r.socialFigures?.healthInsurance.people), format: (r) => formatNumber(r.socialFigures?.healthInsurance.people) },
  { key: 'placements', label: 'placements', numeric: true, value: (r) => n(r.employmentFigures?.placements), format: (r) => formatNumber(r.employmentFigures?.placements) },
  { key: 'enrolments', label: 'training enrolments', numeric: true, value: (r) => n(r.employmentFigures?.trainingEnrolments), format: (r) => formatNumber(r.employmentFigures?.trainingEnrolments) },
  { key: 'livelihoods', label: 'livelihood households', numeric: true, value: (r) => n(r.livelihoodFigures?.householdsSupported), format: (r) => formatNumber(r.livelihoodFigures?.householdsSupported) },
];

/** The 126 communes and wards with every department's figures (commune-scorecard.graphql). */
export async function renderCommunes(target: HTMLElement): Promise<void> {
  const { data, errors } = await graphql<{ communes: ScorecardRow[] }>(SCORECARD.query, VARIABLES);
  target.replaceChildren(
    el('h2', {}, 'Communes and wards'),
    el('p', { class: 'muted' }, `Review ${VARIABLES.year}; programme figures from ${VARIABLES.from} to ${VARIABLES.to}; balances on ${VARIABLES.asOf}. Click a header to sort, a row to open the commune.`),
  );
  if (errors.length) target.append(errorBox(errors.map((e) => e.message)));
  const rows = (data?.communes ?? []).filter((row): row is ScorecardRow => row !== null);

  const kind = el('select', { id: 'commune-kind', 'aria-label': 'kind' }, el('option', { value: '' }, 'wards and rural communes'), el('option', { value: 'WARD' }, 'wards'), el('option', { value: 'RURAL_COMMUNE' }, 'rural communes'));
  const search = el('input', { id: 'commune-search', type: 'search', placeholder: 'name or code', 'aria-label': 'name or code' });
  const count = el('span', { class: 'muted', id: 'commune-count' });
  // Names are matched without diacritics too: "ba dinh" finds "Ba Đình".
  const fold = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  const table = new SortableTable(COLUMNS, rows, {
    id: 'commune-table',
    rowKey: (row) => row.code,
    onRowClick: (row) => (location.hash = `commune/${row.code}`),
    filter: (row) => (!kind.value || row.kind === kind.value) && (!search.value || fold(`${row.code} ${row.name}`).includes(fold(search.value))),
  });
  const refresh = () => {
    table.refresh();
    count.textContent = `${table.element.tBodies[0]!.rows.length} of ${rows.length}`;
  };
  kind.addEventListener('change', refresh);
  search.addEventListener('input', refresh);
  refresh();
  target.append(el('div', { class: 'filters' }, kind, search, count), el('div', { class: 'table-scroll' }, table.element));
}
