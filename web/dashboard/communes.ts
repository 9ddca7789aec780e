import { formatBillions, formatDate, formatNumber, formatPercent } from '../format.js';
import { t } from '../i18n.js';
import type { CommuneScorecardQuery } from '../../schema/operations/types.generated.js';
import { send } from './api.js';
import { el, errorNotices } from './dom.js';
import { exportButtons, exportNotes } from './export.js';
import { SCORECARD } from './queries.js';
import type { Section } from './section.js';
import { SortableTable, type Column, type SortState } from './table.js';

const V = SCORECARD.variables;

/** A commune's row: its part of the answer to commune-scorecard.graphql. */
type ScorecardRow = CommuneScorecardQuery['communes'][number];

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** Money stays the exact decimal string of đồng for exports; it sorts as a number. */
const money = (v: string | null | undefined): string | null => v ?? null;

export function kindLabel(kind: string): string {
  return kind === 'WARD' || kind === 'RURAL_COMMUNE' ? t(`kind.${kind}`) : kind;
}

function columns(): Column<ScorecardRow>[] {
  const inDong = (label: string) => t('column.inDong', { label });
  const count = (key: string, label: string, get: (r: ScorecardRow) => number | null | undefined): Column<ScorecardRow> => ({
    key,
    label,
    numeric: true,
    kind: 'count',
    value: (r) => n(get(r)),
    format: (r) => formatNumber(get(r)),
  });
  const amount = (key: string, label: string, get: (r: ScorecardRow) => string | null | undefined): Column<ScorecardRow> => ({
    key,
    label,
    numeric: true,
    kind: 'money',
    exportLabel: inDong(label),
    value: (r) => money(get(r)),
    format: (r) => formatBillions(get(r)),
  });
  return [
    { key: 'code', label: t('column.code'), value: (r) => r.code },
    { key: 'name', label: t('column.name'), value: (r) => r.name },
    { key: 'kind', label: t('column.kind'), value: (r) => kindLabel(r.kind) },
    count('households', t('column.households'), (r) => r.householdCount),
    count('poor', t('column.poor'), (r) => r.povertyFigures?.poor),
    count('nearPoor', t('column.nearPoor'), (r) => r.povertyFigures?.nearPoor),
    {
      key: 'nearPoorRate',
      label: t('column.nearPoorRate'),
      numeric: true,
      kind: 'percent',
      value: (r) => n(r.povertyFigures?.nearPoorRatePercent),
      format: (r) => formatPercent(r.povertyFigures?.nearPoorRatePercent),
    },
    amount('disbursed', t('column.disbursed'), (r) => r.creditFigures?.amountDisbursed),
    count('borrowers', t('column.borrowers'), (r) => r.creditFigures?.borrowingHouseholds),
    amount('outstanding', t('column.outstanding'), (r) => r.creditOutstanding?.outstanding),
    count('housesCompleted', t('column.housesCompleted'), (r) => r.housingFigures?.housesCompleted),
    count('healthInsurance', t('column.healthInsurance'), (r) => r.socialFigures?.healthInsurance.people),
    count('placements', t('column.placements'), (r) => r.employmentFigures?.placements),
    count('enrolments', t('column.enrolments'), (r) => r.employmentFigures?.trainingEnrolments),
    count('livelihoods', t('column.livelihoods'), (r) => r.livelihoodFigures?.householdsSupported),
  ];
}

// What the reader chose, kept across re-renders (a language switch re-renders the section).
const state: { kind: string; search: string; sort: SortState } = { kind: '', search: '', sort: {} };

/** The 126 communes and wards with every department's figures (commune-scorecard.graphql). */
export const communes: Section<CommuneScorecardQuery> = {
  id: 'communes',
  navKey: 'nav.communes',
  load: () => send(SCORECARD),
  render(target, { data, errors, withheld }) {
    target.replaceChildren(
      el('h2', {}, t('communes.title')),
      el('p', { class: 'muted' }, t('communes.intro', { year: V.year, from: formatDate(V.from), to: formatDate(V.to), asOf: formatDate(V.asOf) })),
    );
    target.append(...errorNotices(errors));
    const rows = data?.communes ?? [];

    const kind = el(
      'select',
      { id: 'commune-kind', 'aria-label': t('communes.kindFilter') },
      el('option', { value: '' }, t('kind.all')),
      el('option', { value: 'WARD' }, t('kind.wards')),
      el('option', { value: 'RURAL_COMMUNE' }, t('kind.ruralCommunes')),
    );
    kind.value = state.kind;
    const search = el('input', {
      id: 'commune-search',
      type: 'search',
      placeholder: t('communes.search'),
      'aria-label': t('communes.search'),
      value: state.search,
    });
    const count = el('span', { class: 'muted', id: 'commune-count' });
    // Names are matched without diacritics too: "ba dinh" finds "Ba Đình".
    const fold = (text: string) =>
      text
        .normalize('NFD')
        .replace(/\p{Diacritic}/gu, '')
        .replace(/đ/g, 'd')
        .replace(/Đ/g, 'D')
        .toLowerCase();
    const table = new SortableTable(columns(), rows, {
      id: 'commune-table',
      rowKey: (row) => row.code,
      onRowClick: (row) => (location.hash = `commune/${row.code}`),
      filter: (row) => (!state.kind || row.kind === state.kind) && (!state.search || fold(`${row.code} ${row.name}`).includes(fold(state.search))),
      sort: state.sort,
    });
    const refresh = () => {
      state.kind = kind.value;
      state.search = search.value;
      table.refresh();
      count.textContent = t('communes.shown', { shown: table.element.tBodies[0]!.rows.length, total: rows.length });
    };
    kind.addEventListener('change', refresh);
    search.addEventListener('input', refresh);
    refresh();
    const download = exportButtons('export-communes', () => ({
      fileName: `communes-${V.year}`,
      sheets: [{ name: t('communes.exportSheet'), ...table.exportRows() }],
      notes: exportNotes(withheld),
    }));
    target.append(el('div', { class: 'filters' }, kind, search, count, download), el('div', { class: 'table-scroll' }, table.element));
  },
};
