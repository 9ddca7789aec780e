import { graphql } from './api.js';
import { chartCard } from './charts.js';
import { KIND_LABEL } from './communes.js';
import { el, errorBox, formatNumber } from './dom.js';
import { WHAT_IF } from './queries.js';
import { SortableTable, type Column } from './table.js';

const VARIABLES = WHAT_IF.variables;

interface Counts {
  currentPoor: number;
  currentNearPoor: number;
  poor: number;
  nearPoor: number;
}
interface CommuneRow {
  commune: { code: string; name: string; kind: 'WARD' | 'RURAL_COMMUNE' };
  counts: Counts;
}

const change = (c: Counts) => c.poor + c.nearPoor - (c.currentPoor + c.currentNearPoor);

const COLUMNS: Column<CommuneRow>[] = [
  { key: 'code', label: 'code', value: (r) => r.commune.code },
  { key: 'name', label: 'name', value: (r) => r.commune.name },
  { key: 'kind', label: 'kind', value: (r) => KIND_LABEL[r.commune.kind] ?? r.commune.kind },
  { key: 'currentPoor', label: 'poor now', numeric: true, value: (r) => r.counts.currentPoor },
  { key: 'currentNearPoor', label: 'near-poor now', numeric: true, value: (r) => r.counts.currentNearPoor },
  { key: 'poor', label: 'poor under the new lines', numeric: true, value: (r) => r.counts.poor },
  { key: 'nearPoor', label: 'near-poor under the new lines', numeric: true, value: (r) => r.counts.nearPoor },
  { key: 'change', label: 'change', numeric: true, value: (r) => change(r.counts), format: (r) => signed(change(r.counts)) },
];

function signed(n: number): string {
  return n > 0 ? `+${formatNumber(n)}` : formatNumber(n);
}

/** The what-if view: poor and near-poor under the current and the 2027-2030 lines (what-if.graphql). */
export async function renderWhatIf(target: HTMLElement): Promise<void> {
  const { data, errors } = await graphql<{ povertyWhatIf: any }>(WHAT_IF.query, VARIABLES);
  const result = data?.povertyWhatIf;
  target.replaceChildren(el('h2', {}, `What if: the ${VARIABLES.year} review under the ${VARIABLES.standard} lines`));
  if (errors.length) target.append(errorBox(errors.map((e) => e.message)));
  if (!result) return;
  const city: Counts & { reviewedHouseholds: number } = result.city;
  const standard = result.standard;
  target.append(
    el(
      'p',
      { class: 'muted' },
      `The ${formatNumber(city.reviewedHouseholds)} households reviewed in ${result.year}, re-scored with income lines of ${formatNumber(standard.ruralIncomeLine)} ₫ (rural) and ${formatNumber(standard.urbanIncomeLine)} ₫ (urban) per person per month.`,
    ),
    el(
      'div',
      { class: 'charts' },
      chartCard(
        'City: households under each standard',
        ['poor', 'near-poor'],
        [
          { label: 'current lines', values: [city.currentPoor, city.currentNearPoor] },
          { label: `${standard.code} lines`, values: [city.poor, city.nearPoor] },
        ],
        { id: 'chart-what-if' },
      ),
    ),
  );
  const rows: CommuneRow[] = result.communes ?? [];
  const table = new SortableTable(COLUMNS, rows, { id: 'what-if-table', rowKey: (r) => r.commune.code, onRowClick: (r) => (location.hash = `commune/${r.commune.code}`) });
  table.sortBy('change');
  table.sortBy('change'); // largest increase first
  target.append(el('div', { class: 'table-scroll' }, table.element));
}
