import { describe, expect, it } from 'vitest';
import { dashboards, figureRooms } from '../../subgraphs/dashboards.js';
import en from '../../web/locales/en.json' with { type: 'json' };
import vi from '../../web/locales/vi.json' with { type: 'json' };

// The departments' shares of the dashboard's sections (subgraphs/<name>/dashboard.ts) name their
// words by key and are told apart by key: a key without a text, or one two departments both use
// (a table sorts and exports by its column's key), would show on the page only as a wrong cell.
const sections = {
  'city overview (overview.kpi.<key>)': { rows: dashboards.flatMap((d) => d.overview), words: (l: typeof vi) => l.overview.kpi },
  'commune table (column.<key>)': { rows: dashboards.flatMap((d) => d.communeColumns), words: (l: typeof vi) => l.column },
  'rows per year (commune.row.<key>)': { rows: dashboards.flatMap((d) => d.communeYears), words: (l: typeof vi) => l.commune.row },
};

describe("the departments' dashboard rooms", () => {
  it.each(Object.entries(sections))('%s: every key is used once and has a text in both languages', (_section, { rows, words }) => {
    const keys = rows.map((r) => r.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
    for (const language of [vi, en] as const) {
      const texts = words(language) as Record<string, unknown>;
      expect(keys.filter((k) => typeof texts[k] !== 'string')).toEqual([]);
    }
  });

  it("the published-figures table has every room once: social insurance before housing, as it always had, the rest in the rooms' order", () => {
    const byName = (rooms: typeof dashboards) => rooms.map((d) => d.name).sort();
    expect(byName(figureRooms)).toEqual(byName(dashboards));
    const first = figureRooms.slice(0, 4);
    expect(first.map((d) => d.name)).toEqual(['registry', 'credit', 'social_insurance', 'housing']);
    expect(figureRooms.slice(4)).toEqual(dashboards.filter((d) => !first.includes(d)));
  });
});
