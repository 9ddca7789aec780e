import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The folders' layering, read from the source: every relative import (static, type-only,
 * re-export or dynamic `import('…')`) of every TypeScript file. Three rules:
 *
 * - no cycle between top-level folders (db/, platform/, subgraphs/, gateway/, schema/, ...):
 *   a folder that imports another and is imported back cannot be read, tested or moved alone;
 * - a department (subgraphs/<name>/) imports no other department's folder: cross-domain data
 *   travels through the gateway as entity references, never through code;
 * - the pages (web/, bundled by esbuild for the browser) reach no Node code.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', '.data', '.bench']);

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

interface Edge {
  from: string;
  to: string;
}

/** Relative imports, as repository paths (`platform/auth.ts` imports `db/config.ts`). */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(ROOT)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName);
      edges.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, target) });
    }
  }
  return edges;
}

/** A department's own tests (subgraphs/<name>/tests/): test code kept beside what it tests. */
function isDepartmentTest(parts: readonly string[]): boolean {
  return parts[0] === 'subgraphs' && parts[2] === 'tests' && parts.length > 3;
}

/**
 * The top-level folder of a repository path; a file at the root is its own unit. A department's
 * tests belong with tests/ (they use its support, as every test does): runtime code never
 * imports them. schema/operations/ is a unit of its own: the requests the pages send and their
 * generated answer types, the contract between the pages and the graph, which imports nothing
 * and which the departments' dashboard and bench rooms read (while schema/compose.ts reads the
 * departments to compose them); a cycle through it would still show.
 */
function topLevel(file: string): string {
  const parts = file.split(path.sep);
  if (isDepartmentTest(parts)) return 'tests';
  if (parts[0] === 'schema' && parts[1] === 'operations' && parts.length > 2) return 'schema/operations';
  return parts.length > 1 ? parts[0]! : file;
}

/** A department's folder (subgraphs/credit), or undefined outside subgraphs/<name>/ (and for its tests). */
function department(file: string): string | undefined {
  const parts = file.split(path.sep);
  if (isDepartmentTest(parts)) return undefined;
  return parts[0] === 'subgraphs' && parts.length > 2 ? parts.slice(0, 2).join('/') : undefined;
}

/** The cycles among the folders: every strongly connected set of two or more (Tarjan). */
function folderCycles(edges: Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = topLevel(from);
    const b = topLevel(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)!.add(b);
  }
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!indexOf.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) connect(v);
  return cycles;
}

describe('import graph', () => {
  const edges = importEdges();

  it('reads the imports (a reader that finds none would pass everything)', () => {
    expect(edges.some((e) => e.from.startsWith('gateway') && e.to.startsWith('platform'))).toBe(true);
    expect(edges.some((e) => e.from.startsWith(`subgraphs${path.sep}credit`) && e.to.startsWith('platform'))).toBe(true);
  });

  it('finds a cycle when there is one (the checker itself can fail)', () => {
    expect(folderCycles([...edges, { from: 'db/x.ts', to: 'gateway/y.ts' }]).length).toBeGreaterThan(0);
    // Through schema/operations/ too: it may be read by everyone, and must import none of them.
    expect(folderCycles([...edges, { from: path.join('schema', 'operations', 'x.ts'), to: path.join('subgraphs', 'catalog.ts') }]).length).toBeGreaterThan(0);
  });

  it('has no cycle between top-level folders', () => {
    const cycles = folderCycles(edges);
    const explain = cycles.map((folders) => {
      const inside = new Set(folders);
      const crossing = edges.filter((e) => topLevel(e.from) !== topLevel(e.to) && inside.has(topLevel(e.from)) && inside.has(topLevel(e.to)));
      return `${folders.join(' <-> ')}:\n${crossing.map((e) => `  ${e.from} -> ${e.to}`).join('\n')}`;
    });
    expect(explain).toEqual([]);
  });

  it('has no department importing another department', () => {
    const crossing = edges.filter((e) => {
      const a = department(e.from);
      const b = department(e.to);
      return a !== undefined && b !== undefined && a !== b;
    });
    expect(crossing.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('keeps platform/ below the departments and the gateway', () => {
    const upward = edges.filter(
      (e) => topLevel(e.from) === 'platform' && ['subgraphs', 'gateway', 'schema', 'scripts', 'tests', 'bench', 'web'].includes(e.to.split(path.sep)[0]!),
    );
    expect(upward.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});

/**
 * Static imports (import and export declarations, not `import()`), as repository paths: what a
 * module loads as soon as it is loaded itself.
 */
function staticImportEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(ROOT)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
      edges.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, path.resolve(path.dirname(file), specifier.text)) });
    }
  }
  return edges;
}

/** Whether a repository path is in a department's data-set generator (subgraphs/<name>/dataset/). */
const inDataset = (file: string): boolean => {
  const parts = file.split(path.sep);
  return parts[0] === 'subgraphs' && parts[2] === 'dataset';
};

describe('the data-set generators', () => {
  const edges = staticImportEdges();

  it('are read (a reader that finds no static import would pass everything)', () => {
    expect(edges.some((e) => inDataset(e.from))).toBe(true);
  });

  it('are loaded by no serving module: only by import() when generating, by tests and by the benchmarks', () => {
    const loading = edges.filter((e) => inDataset(e.to) && !inDataset(e.from) && topLevel(e.from) !== 'tests' && topLevel(e.from) !== 'bench');
    expect(loading.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});

/** What a module loads when it runs: its imports and re-exports (not type-only: esbuild erases those) and its `import()`s. */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      found.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0]))
      found.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier as the TypeScript file it names (`./figures.js` is figures.ts), or undefined for another kind of file. */
function sourceOf(from: string, specifier: string): string | undefined {
  const target = path.resolve(path.dirname(from), specifier);
  return [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx'), target].find((f) => /\.tsx?$/.test(f) && fs.existsSync(f));
}

/** Node's own modules and the server-side packages: none may reach the browser bundle. */
const SERVER_ONLY = (specifier: string): boolean =>
  specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!) || ['pg', 'kysely', '@electric-sql/pglite', 'pino'].includes(specifier);

/** Every module the pages' code loads (web/ and what it imports, anywhere), with the server-only packages each loads. */
function browserModules(): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const queue = sourceFiles(path.join(ROOT, 'web'));
  while (queue.length) {
    const file = queue.pop()!;
    if (reached.has(file)) continue;
    const specifiers = runtimeSpecifiers(file);
    reached.set(file, specifiers.filter(SERVER_ONLY));
    for (const s of specifiers) {
      const next = s.startsWith('.') ? sourceOf(file, s) : undefined;
      if (next) queue.push(next);
    }
  }
  return reached;
}

describe('the pages (web/, bundled for the browser)', () => {
  const modules = browserModules();

  it('are read across folders (the departments’ dashboard rooms are reached)', () => {
    expect([...modules.keys()].map((f) => path.relative(ROOT, f))).toContain(path.join('subgraphs', 'credit', 'dashboard.ts'));
    expect(SERVER_ONLY('node:fs') && SERVER_ONLY('fs/promises') && SERVER_ONLY('kysely') && !SERVER_ONLY('chart.js')).toBe(true);
  });

  it('load no Node module and no server-side package (type-only imports aside)', () => {
    const found = [...modules].flatMap(([file, bad]) => bad.map((s) => `${path.relative(ROOT, file)} -> ${s}`));
    expect(found).toEqual([]);
  });
});
