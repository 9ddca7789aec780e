import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTarget, olderEmbeddedLayout } from '../../db/config.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the embedded database layout', () => {
  it('shares one database by default, and gives each subgraph a folder of its own when asked', () => {
    expect(databaseTarget('credit', { DATA_DIR: '/d' })).toEqual({ kind: 'embedded', layout: 'shared', dataDir: '/d/pglite' });
    expect(databaseTarget('credit', { DATA_DIR: '/d', EMBEDDED_DATABASES: 'per-subgraph' })).toEqual({
      kind: 'embedded',
      layout: 'per-subgraph',
      dataDir: '/d/databases/credit',
    });
    expect(databaseTarget('credit', { EMBEDDED_DATABASES: 'per-subgraph' }, { inMemory: true })).toEqual({
      kind: 'embedded',
      layout: 'per-subgraph',
      dataDir: undefined,
    });
    expect(databaseTarget('credit', { DATABASE_URL: 'postgres://h/db' })).toEqual({ kind: 'server', url: 'postgres://h/db' });
    expect(() => databaseTarget('credit', { EMBEDDED_DATABASES: 'one' })).toThrow(/EMBEDDED_DATABASES must be shared or per-subgraph/);
  });

  it('says so when one database per subgraph is asked of a data folder that holds the shared one, until they exist', () => {
    const dir = tempDir();
    const perSubgraph = { DATA_DIR: dir, EMBEDDED_DATABASES: 'per-subgraph' };
    expect(olderEmbeddedLayout(perSubgraph)).toBeUndefined();
    fs.mkdirSync(path.join(dir, 'pglite'));
    fs.writeFileSync(path.join(dir, 'pglite', 'PG_VERSION'), '17\n');
    expect(olderEmbeddedLayout(perSubgraph)).toMatch(/pglite is the embedded database shared by every subgraph\. .* not carried over\. .* delete .*pglite/);
    // The shared one in use: nothing to say.
    expect(olderEmbeddedLayout({ DATA_DIR: dir })).toBeUndefined();
    // Once the databases of each subgraph are there, the start that built them has said it.
    fs.mkdirSync(path.join(dir, 'databases'));
    expect(olderEmbeddedLayout(perSubgraph)).toBeUndefined();
  });
});
