import { el } from './dom.js';

export interface Column<Row> {
  key: string;
  label: string;
  /** The value sorted by (numbers sort as numbers, text as Vietnamese text). */
  value: (row: Row) => number | string | null;
  /** What the cell shows; the value by default. */
  format?: (row: Row) => string;
  numeric?: boolean;
}

/**
 * A table sortable by any column: a click on a header sorts by it, a second click reverses.
 * `filter` decides which rows show; call `refresh()` after changing what it reads.
 */
export class SortableTable<Row> {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private sortKey: string | undefined;
  private descending = false;

  constructor(
    private readonly columns: Column<Row>[],
    private readonly rows: Row[],
    private readonly options: { id: string; rowKey: (row: Row) => string; onRowClick?: (row: Row) => void; filter?: (row: Row) => boolean },
  ) {
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

  sortBy(key: string): void {
    this.descending = this.sortKey === key ? !this.descending : false;
    this.sortKey = key;
    for (const th of this.element.querySelectorAll('th')) {
      th.setAttribute('aria-sort', th.dataset.key === key ? (this.descending ? 'descending' : 'ascending') : 'none');
    }
    this.refresh();
  }

  refresh(): void {
    const shown = this.rows.filter((row) => this.options.filter?.(row) ?? true);
    const column = this.columns.find((c) => c.key === this.sortKey);
    if (column) {
      const direction = this.descending ? -1 : 1;
      shown.sort((a, b) => direction * compare(column.value(a), column.value(b)));
    }
    this.body.replaceChildren(
      ...shown.map((row) => {
        const tr = el(
          'tr',
          { 'data-key': this.options.rowKey(row) },
          ...this.columns.map((c) => el('td', { class: c.numeric ? 'num' : undefined, 'data-value': String(c.value(row) ?? '') }, c.format ? c.format(row) : String(c.value(row) ?? '–'))),
        );
        if (this.options.onRowClick) {
          tr.classList.add('link');
          tr.addEventListener('click', () => this.options.onRowClick!(row));
        }
        return tr;
      }),
    );
  }
}

const collator = new Intl.Collator('vi');

/** Numbers as numbers, text in Vietnamese order; a missing value sorts lowest. */
function compare(a: number | string | null, b: number | string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}
