import { readSession } from '../auth/tokens.js';
import { readConfig } from '../config.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n.js';
import { el, errorBox } from './dom.js';

/**
 * Downloads of what a section shows, as CSV and as Excel. Built in the browser from the
 * graph's own answers to the signed-in caller's token (or the public's), so an export holds
 * exactly what the graph gave that caller: withheld counts stay empty, personal fields are
 * there only when the graph returned them, and each read of personal data behind an export
 * is a GraphQL read the registry audited like any other.
 */

export type Cell = string | number | null;

export interface ExportColumn {
  header: string;
  /** How the value is written: counts and money with separators, percentages with decimals, numbers of mixed units as they are. */
  kind: 'text' | 'count' | 'money' | 'percent' | 'year' | 'number';
}

export interface ExportSheet {
  name: string;
  columns: ExportColumn[];
  rows: Cell[][];
}

export interface ExportFile {
  /** File name without its extension (ASCII: it travels through mail and file systems). */
  fileName: string;
  /** An Excel file has them all, and a sheet of notes. */
  sheets: ExportSheet[];
  /** The CSV's one sheet, when it is not the first. */
  csv?: ExportSheet;
  /** Source, time, who read it, what empty cells mean: the Excel file's notes sheet. */
  notes: string[];
}

/** RFC 4180 CSV, UTF-8 with a byte-order mark (so that Excel reads Vietnamese correctly), CRLF lines. */
export function csvOf(sheet: ExportSheet): string {
  const field = (cell: Cell): string => {
    if (cell === null || cell === undefined) return '';
    if (typeof cell === 'number') return String(cell);
    // A text cell that a spreadsheet would take for a formula is written as text.
    const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [sheet.columns.map((c) => field(c.header)), ...sheet.rows.map((row) => row.map(field))];
  return `\uFEFF${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

/** The Excel workbook (exceljs, a bundle of its own, loaded on the first Excel export: about 1 MB). */
async function xlsxOf(file: ExportFile): Promise<Blob> {
  const { xlsxModule } = readConfig<{ xlsxModule: string }>();
  const module = (await import(/* the content-hashed URL of xlsx.js */ xlsxModule)) as typeof import('./xlsx.js');
  const bytes = await module.workbookOf(file, t('export.notesSheet'));
  return new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads `file` in `format`. */
export async function exportFile(file: ExportFile, format: 'csv' | 'xlsx'): Promise<void> {
  if (format === 'csv') download(new Blob([csvOf(file.csv ?? file.sheets[0]!)], { type: 'text/csv;charset=utf-8' }), `${file.fileName}.csv`);
  else download(await xlsxOf(file), `${file.fileName}.xlsx`);
}

/**
 * "Download: CSV | Excel" for a section. `build` makes the file when a button is clicked (it
 * may fetch more pages first); errors show beside the buttons.
 */
export function exportButtons(id: string, build: (progress: (text: string) => void) => Promise<ExportFile> | ExportFile): HTMLElement {
  const status = el('span', { class: 'muted export-status', role: 'status' });
  const button = (format: 'csv' | 'xlsx') => {
    const b = el('button', { type: 'button', id: `${id}-${format}`, 'data-format': format }, t(`export.${format}`));
    // The handler catches its own failures (shown beside the button); the event ignores the promise.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    b.addEventListener('click', async () => {
      b.disabled = true;
      status.textContent = '';
      status.parentElement?.querySelector('.error')?.remove();
      try {
        await exportFile(await build((text) => (status.textContent = text)), format);
        status.textContent = '';
      } catch (error) {
        status.textContent = '';
        status.after(errorBox([t('export.failed', { message: (error as Error).message })]));
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  return el('div', { class: 'export', id }, el('span', { class: 'muted' }, `${t('export.label')}:`), button('csv'), button('xlsx'), status);
}

/** The notes every export carries: where and when it was read, as whom, and what empty counts mean. */
export function exportNotes(withheld: number): string[] {
  const session = readSession();
  const viewer = session
    ? [
        session.name ?? session.subject,
        session.roles.length ? t('auth.roles', { roles: session.roles.join(', ') }) : '',
        session.communes.length ? t('auth.communes', { communes: session.communes.join(', ') }) : '',
      ]
        .filter(Boolean)
        .join('; ')
    : t('auth.public');
  return [
    t('export.source', { url: location.origin, time: formatDateTime(new Date()) }),
    t('export.viewer', { viewer }),
    ...(withheld ? [t('export.withheldNote')] : []),
  ];
}
