import { formatDate, formatIn } from '../format.js';
import { t } from '../i18n.js';
import type { CommuneScorecardQuery } from '../../schema/operations/types.generated.js';
import type { CommuneColumn } from '../../subgraphs/dashboard-kit.js';
import { dashboards } from '../../subgraphs/dashboards.js';
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

export function kindLabel(kind: string): string {
  return kind === 'WARD' || kind === 'RURAL_COMMUNE' ? t(`kind.${kind}`) : kind;
}

/** A department's column (subgraphs/<name>/dashboard.ts) as the table shows, sorts and exports it. */
function departmentColumn({ key, unit, value }: CommuneColumn): Column<ScorecardRow> {
  const label = t(`column.${key}`);
  return {
    key,
    label,
    numeric: true,
    kind: unit === 'vnd' ? 'money' : unit,
    // Money is exported in whole đồng, and says so in its header.
    ...(unit === 'vnd' ? { exportLabel: t('column.inDong', { label }) } : {}),
    // Money stays the exact decimal string of đồng for exports; it sorts as a number.
    value: (r) => (unit === 'vnd' ? (value(r) ?? null) : n(value(r))),
    format: (r) => formatIn(unit, value(r)),
  };
}

/** The commune's own columns, then every department's, in the order of subgraphs/dashboards.ts. */
function columns(): Column<ScorecardRow>[] {
  return [
    { key: 'code', label: t('column.code'), value: (r) => r.code },
    { key: 'name', label: t('column.name'), value: (r) => r.name },
    { key: 'kind', label: t('column.kind'), value: (r) => kindLabel(r.kind) },
    ...dashboards.flatMap((room) => room.communeColumns.map(departmentColumn)),
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
