import { locale, t } from './i18n.js';

/**
 * Numbers, money and dates for the chosen language: vi-VN writes 17.833,7 tỷ đồng and
 * 31/12/2024; en-GB 17,833.7 billion ₫ and 31 December 2024. Formatters are made per call:
 * the language can change while the page is open, and Intl caches the locale data itself.
 */

type Value = number | string | null | undefined;

function toNumber(value: Value): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Whole numbers (and Money, a decimal string of whole đồng) with thousands separators; "–" for none. */
export function formatNumber(value: Value): string {
  const n = toNumber(value);
  if (n === null) return value === null || value === undefined || value === '' ? '–' : String(value);
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: Number.isInteger(n) ? 0 : 3 }).format(n);
}

/**
 * Money in billions of đồng, the unit the city publishes in, to a precision that suits the size:
 * one decimal from 100 billion up (17.833,7 tỷ đồng), two from 1 billion (12,35), three below
 * (0,125). The exact amount in đồng is in the exports.
 */
export function formatBillions(value: Value): string {
  const n = toNumber(value);
  if (n === null) return '–';
  const billions = n / 1e9;
  const size = Math.abs(billions);
  const digits = size >= 100 ? 1 : size >= 1 ? 2 : 3;
  return t('money.billions', { value: new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(billions) });
}

/** Whole đồng, for amounts such as an income line (2.200.000 đồng). */
export function formatDong(value: Value): string {
  const n = toNumber(value);
  return n === null ? '–' : t('money.dong', { value: new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(n) });
}

export function formatPercent(value: Value): string {
  const n = toNumber(value);
  return n === null ? '–' : `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 }).format(n)} %`;
}

/** A number as its unit is shown: a count, money in billions of đồng (`vnd`), a percentage. */
export function formatIn(unit: 'count' | 'vnd' | 'percent', value: Value): string {
  return unit === 'percent' ? formatPercent(value) : unit === 'vnd' ? formatBillions(value) : formatNumber(value);
}

/** A calendar date (YYYY-MM-DD, as the graph's Date scalar gives it). */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  const options: Intl.DateTimeFormatOptions =
    locale() === 'vi-VN'
      ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }
      : { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(), options).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A moment (an export's time stamp). */
export function formatDateTime(date: Date): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
