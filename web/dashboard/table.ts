import { locale } from '../i18n.js';
import { el } from './dom.js';
import type { Cell, ExportColumn } from './export.js';

export interface Column<Row> {
  key: string;
  label: string;
  /** The value sorted by and exported (numbers sort as numbers, text as Vietnamese text). */
  value: (row: Row) => number | string | null;
  /** What the cell shows; the value by default. */
  format?: (row: Row) => string;
  numeric?: boolean;
  /** How an export writes the value (exports take the value, not the shown text). */
  kind?: ExportColumn['kind'];
  /** The column's header in exports, when it differs (money in đồng, say). */
  exportLabel?: string;
}

/** A table's sort order, kept by its section across re-renders (a language switch). */
export interface SortState {
  key?: string;
  descending?: boolean;
}

/**
 * A table sortable by any column: a click on a header sorts by it, a second click reverses.
 * `filter` decides which rows show; call `refresh()` after changing what it reads.
 */
export class SortableTable<Row> {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private shown: Row[] = [];

  constructor(
    private readonly columns: Column<Row>[],
    private readonly rows: Row[],
    private readonly options: { id: string; rowKey: (row: Row) => string; onRowClick?: (row: Row) => void; filter?: (row: Row) => boolean; sort?: SortState },
  ) {
    this.options.sort ??= {};
    this.body = el('tbody');
    const headers = columns.map((column) =>
      el('th', { scope: 'col', 'data-key': column.key, class: column.numeric ? 'num' : undefined, 'aria-sort': 'none', tabindex: 0 }, column.label),
    );
    for (const th of headers) {
      const sort = () => this.sortBy(th.dataset.key!);
      th.addEventListener('click', sort);
      th.addEventListener('keydown', (event) => event.key === 'Enter' && sort());
    }
    this.element = el('table', { class: 'data', id: options.id }, el('thead', {}, el('tr', {}, ...headers)), this.body);
    this.refresh();
  }

  private get sort(): SortState {
    return this.options.sort!;
  }

  sortBy(key: string): void {
    this.sort.descending = this.sort.key === key ? !this.sort.descending : false;
    this.sort.key = key;
    this.refresh();
  }

  refresh(): void {
    for (const th of this.element.querySelectorAll('th')) {
      th.setAttribute('aria-sort', th.dataset.key === this.sort.key ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
    }
    const shown = this.rows.filter((row) => this.options.filter?.(row) ?? true);
    const column = this.columns.find((c) => c.key === this.sort.key);
    if (column) {
      const direction = this.sort.descending ? -1 : 1;
      const collator = new Intl.Collator(locale());
      shown.sort((a, b) => direction * compare(column.value(a), column.value(b), collator));
    }
    this.shown = shown;
    this.body.replaceChildren(
      ...shown.map((row) => {
        const tr = el(
          'tr',
          { 'data-key': this.options.rowKey(row) },
          ...this.columns.map((c) =>
            el(
              'td',
              { class: c.numeric ? 'num' : undefined, 'data-value': String(c.value(row) ?? '') },
              c.format ? c.format(row) : String(c.value(row) ?? '–'),
            ),
          ),
        );
        if (this.options.onRowClick) {
          tr.classList.add('link');
          tr.tabIndex = 0;
          tr.addEventListener('click', () => this.options.onRowClick!(row));
          tr.addEventListener('keydown', (event) => event.key === 'Enter' && this.options.onRowClick!(row));
        }
        return tr;
      }),
    );
  }

  /** The rows as shown (filtered, in the shown order) as an export sheet's columns and cells. */
  exportRows(): { columns: ExportColumn[]; rows: Cell[][] } {
    return {
      columns: this.columns.map((c) => ({ header: c.exportLabel ?? c.label, kind: c.kind ?? (c.numeric ? 'count' : 'text') })),
      rows: this.shown.map((row) => this.columns.map((c) => c.value(row))),
    };
  }
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Numbers as numbers (money comes as exact decimal strings), text in the language's order; a
 * missing value sorts lowest.
 */
function compare(a: number | string | null, b: number | string | null, collator: Intl.Collator): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const numeric = (v: number | string) => (typeof v === 'number' ? v : DECIMAL.test(v) ? Number(v) : null);
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null && y !== null) return x - y;
  return collator.compare(String(a), String(b));
}
