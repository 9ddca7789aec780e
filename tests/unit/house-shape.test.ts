import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benches } from '../../subgraphs/benches.js';
import { subgraphs } from '../../subgraphs/catalog.js';
import { dashboards } from '../../subgraphs/dashboards.js';
import { HOUSE_SHAPE } from '../../subgraphs/house-shape.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// One folder per subgraph with the same rooms (subgraphs/house-shape.ts): checked for every
// department in the catalog and for the scaffold's templates, so that neither drifts.
describe('the house shape', () => {
  it.each(subgraphs.map((s) => s.name))('subgraphs/%s has every room', (name) => {
    const missing = HOUSE_SHAPE.filter((room) => !fs.existsSync(path.join(ROOT, 'subgraphs', name, room.path))).map((room) => room.path);
    expect(missing).toEqual([]);
  });

  it('every folder under subgraphs/ is a subgraph of the catalog', () => {
    const folders = fs
      .readdirSync(path.join(ROOT, 'subgraphs'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders).toEqual(subgraphs.map((s) => s.name).sort());
  });

  // The rooms other folders assemble (web/dashboard/figures.ts, bench/floor.ts) are found through
  // their lists: a room left out of its list would be silently missing from the dashboard or the floor.
  it.each([
    ['dashboard', 'subgraphs/dashboards.ts', dashboards],
    ['bench', 'subgraphs/benches.ts', benches],
  ] as const)("every department's %s room is listed in %s, under its own name", async (room, _list, listed) => {
    expect(listed.map((r) => r.name).sort()).toEqual(subgraphs.map((s) => s.name).sort());
    for (const { name } of subgraphs) {
      const module = (await import(/* @vite-ignore */ path.join(ROOT, 'subgraphs', name, `${room}.ts`))) as Record<string, { name: string }>;
      expect(module[room]?.name, `subgraphs/${name}/${room}.ts`).toBe(name);
      expect(listed).toContain(module[room]);
    }
  });

  it('the scaffold makes every room (scripts/templates/subgraph/)', () => {
    const templates = path.join(ROOT, 'scripts', 'templates', 'subgraph');
    // A room that is a folder is made from the templates' folder of that name.
    const missing = HOUSE_SHAPE.filter(
      (room) => !fs.existsSync(path.join(templates, `${room.path}.tmpl`)) && !fs.existsSync(path.join(templates, room.path)),
    ).map((room) => room.path);
    expect(missing).toEqual([]);
  });
});
