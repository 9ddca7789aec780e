import fs from 'node:fs';
import type { FigureCheck } from './types.js';

const PUBLISHED = JSON.parse(fs.readFileSync(new URL('./published-figures.json', import.meta.url), 'utf8'));

/** The number the city published at `key` ("more than 3600" -> 3600, "almost 5000" -> 5000). */
export function publishedValue(key: string): number {
  let node: any = PUBLISHED;
  for (const part of key.split('.')) node = node?.[part];
  if (typeof node === 'number') return node;
  const match = typeof node === 'string' ? /(\d+(?:\.\d+)?)/.exec(node) : null;
  if (!match) throw new Error(`published-figures.json has no number at ${key}`);
  return Number(match[1]);
}

export interface FigureResult {
  check: FigureCheck;
  value: number | null;
  match: boolean;
  error?: string;
}

/** Does a value from the graph match the published figure, in the check's sense? */
export function matches(check: FigureCheck, value: number): boolean {
  switch (check.compare) {
    case 'exact':
      return value === check.published;
    case 'atLeast':
      return value >= check.published;
    case 'atMost':
      return value <= check.published && value >= (check.approxFloor ?? -Infinity);
    case 'approx': {
      const decimals = check.approxFloor ?? 0;
      return Number(value.toFixed(decimals)) === check.published;
    }
  }
}

export async function runFigureChecks(
  checks: readonly FigureCheck[],
  query: (q: string) => Promise<{ data?: any; errors?: Array<{ message: string }> }>,
): Promise<FigureResult[]> {
  const results: FigureResult[] = [];
  for (const check of checks) {
    const declared = publishedValue(check.key);
    if (declared !== check.published) {
      results.push({ check, value: null, match: false, error: `check says ${check.published}, the JSON says ${declared}` });
      continue;
    }
    const response = await query(check.query);
    if (response.errors?.length || !response.data) {
      results.push({ check, value: null, match: false, error: response.errors?.map((e) => e.message).join('; ') ?? 'no data' });
      continue;
    }
    const value = Number(check.extract(response.data));
    results.push({ check, value, match: matches(check, value) });
  }
  return results;
}

const SIGN = { exact: '=', atLeast: '≥', atMost: '≤', approx: '≈' } as const;

export function formatTable(results: readonly FigureResult[]): string {
  const rows = results.map((r) => [
    r.check.key,
    r.check.period,
    `${SIGN[r.check.compare]} ${r.check.published.toLocaleString('en-US')}`,
    r.value === null ? `error: ${r.error}` : r.value.toLocaleString('en-US', { maximumFractionDigits: 4 }),
    r.match ? 'yes' : 'NO',
  ]);
  const header = ['figure', 'period', 'published', 'from the graph', 'match'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
