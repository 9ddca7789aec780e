import { formatDong, formatNumber } from '../format.js';
import { t } from '../i18n.js';
import type { WhatIfQuery } from '../../schema/operations/types.generated.js';
import { send } from './api.js';
import { chartCard } from './charts.js';
import { kindLabel } from './communes.js';
import { el, errorNotices } from './dom.js';
import { exportButtons, exportNotes } from './export.js';
import { WHAT_IF } from './queries.js';
import type { Section } from './section.js';
import { SortableTable, type Column, type SortState } from './table.js';

const V = WHAT_IF.variables;

/** A commune's row: its part of the answer to what-if.graphql. */
type CommuneRow = WhatIfQuery['povertyWhatIf']['communes'][number];
type Counts = CommuneRow['counts'];

/** The change in poor and near-poor households together; unknown when a count is withheld. */
function change(c: Counts): number | null {
  return c.poor === null || c.nearPoor === null || c.currentPoor === null || c.currentNearPoor === null
    ? null
    : c.poor + c.nearPoor - (c.currentPoor + c.currentNearPoor);
}

function signed(n: number | null): string {
  return n !== null && n > 0 ? `+${formatNumber(n)}` : formatNumber(n);
}

function columns(): Column<CommuneRow>[] {
  const count = (key: keyof Counts, label: string): Column<CommuneRow> => ({
    key,
    label,
    numeric: true,
    kind: 'count',
    value: (r) => r.counts[key],
    format: (r) => formatNumber(r.counts[key]),
  });
  return [
    { key: 'code', label: t('column.code'), value: (r) => r.commune.code },
    { key: 'name', label: t('column.name'), value: (r) => r.commune.name },
    { key: 'kind', label: t('column.kind'), value: (r) => kindLabel(r.commune.kind) },
    count('currentPoor', t('column.currentPoor')),
    count('currentNearPoor', t('column.currentNearPoor')),
    count('poor', t('column.poorNew')),
    count('nearPoor', t('column.nearPoorNew')),
    { key: 'change', label: t('column.change'), numeric: true, kind: 'count', value: (r) => change(r.counts), format: (r) => signed(change(r.counts)) },
  ];
}

// Largest increase first, until the reader sorts otherwise.
const sort: SortState = { key: 'change', descending: true };

/** The what-if view: poor and near-poor under the current and the 2027-2030 lines (what-if.graphql). */
export const whatIf: Section<WhatIfQuery> = {
  id: 'what-if',
  navKey: 'nav.whatIf',
  load: () => send(WHAT_IF),
  render(target, { data, errors, withheld }) {
    const result = data?.povertyWhatIf;
    target.replaceChildren(el('h2', {}, t('whatIf.title', { year: V.year, standard: V.standard })));
    target.append(...errorNotices(errors));
    if (!result) return;
    const city = result.city;
    const standard = result.standard;
    const rows = result.communes;
    const table = new SortableTable(columns(), rows, {
      id: 'what-if-table',
      rowKey: (r) => r.commune.code,
      onRowClick: (r) => (location.hash = `commune/${r.commune.code}`),
      sort,
    });
    target.append(
      el(
        'p',
        { class: 'muted' },
        t('whatIf.intro', {
          households: formatNumber(city.reviewedHouseholds),
          year: result.year,
          rural: formatDong(standard.ruralIncomeLine),
          urban: formatDong(standard.urbanIncomeLine),
        }),
      ),
      el(
        'div',
        { class: 'charts' },
        chartCard(
          t('whatIf.chart'),
          [t('overview.series.poor'), t('overview.series.nearPoor')],
          [
            { label: t('whatIf.currentLines'), values: [city.currentPoor, city.currentNearPoor] },
            { label: t('whatIf.newLines', { standard: standard.code }), values: [city.poor, city.nearPoor] },
          ],
          { id: 'chart-what-if' },
        ),
      ),
      exportButtons('export-what-if', () => ({
        fileName: `what-if-${V.year}-${V.standard}`,
        sheets: [{ name: t('whatIf.exportSheet'), ...table.exportRows() }],
        notes: exportNotes(withheld),
      })),
      el('div', { class: 'table-scroll' }, table.element),
    );
  },
};
