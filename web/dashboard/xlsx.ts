import { Workbook } from 'exceljs';
import type { ExportFile } from './export.js';

// A bundle of its own (assets.ts), loaded by export.ts on the first Excel download: exceljs is
// about 1 MB, which the dashboard's first load should not carry.

const FORMATS = { count: '#,##0', money: '#,##0', percent: '0.000', year: '0', number: 'General', text: '@' } as const;

/** An .xlsx file of `file`'s sheets: a bold, frozen header row with filters, and a notes sheet. */
export async function workbookOf(file: ExportFile, notesSheetName: string): Promise<ArrayBuffer> {
  const workbook = new Workbook();
  workbook.creator = 'Hanoi poverty-reduction graph';
  workbook.created = new Date();
  for (const sheet of file.sheets) {
    // Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    const worksheet = workbook.addWorksheet(sheet.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((c, i) => ({
      header: c.header,
      key: String(i),
      width: Math.min(48, Math.max(c.header.length, ...sheet.rows.slice(0, 200).map((r) => String(r[i] ?? '').length)) + 2),
      style: { numFmt: FORMATS[c.kind] },
    }));
    for (const row of sheet.rows) {
      // Money arrives as exact decimal strings; a number only where a double holds it exactly.
      worksheet.addRow(
        row.map((cell, i) => (sheet.columns[i]!.kind !== 'text' && typeof cell === 'string' && Number.isSafeInteger(Number(cell)) ? Number(cell) : cell)),
      );
    }
    worksheet.getRow(1).font = { bold: true };
    worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, sheet.columns.length) } };
  }
  const notes = workbook.addWorksheet(notesSheetName.slice(0, 31));
  notes.columns = [{ key: 'note', width: 120 }];
  for (const note of file.notes) notes.addRow([note]);
  return await workbook.xlsx.writeBuffer();
}
