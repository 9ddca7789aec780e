import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { subgraphs } from '../subgraphs/catalog.js';
import { HOUSE_SHAPE } from '../subgraphs/house-shape.js';

// npm run new:subgraph -- <name>: scaffolds a working subgraph in the house shape (from
// scripts/templates/subgraph/) and registers it everywhere a subgraph is listed: the catalog,
// the lists of its dashboard and bench rooms (subgraphs/dashboards.ts, benches.ts),
// package.json's start:<name>, docker-compose.yml, the Dockerfile's ports, and the committed
// supergraph (recomposed); its resolver types are generated from its SDL (npm run codegen). The
// result composes and passes its own test with no further edits; then the department replaces
// the placeholder record with its own types and tables.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATES = path.join(ROOT, 'scripts', 'templates', 'subgraph');
const RESERVED = new Set(['common', 'gateway', 'postgres', 'public', 'catalog', 'information_schema']);

export interface Names {
  /** snake_case: folder, Postgres schema, subgraph name (`job_seekers`). */
  name: string;
  /** camelCase: the package's variable and field prefix (`jobSeekers`). */
  camel: string;
  /** PascalCase: type names (`JobSeekers`). */
  pascal: string;
  /** Words, for descriptions (`job seekers`). */
  title: string;
  port: number;
  /** The first migration's name, a timestamp then what it does. */
  migration: string;
}

export function namesFor(name: string, port: number, now: Date = new Date()): Names {
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) {
    throw new Error(`subgraph name "${name}" must be snake_case: lower-case letters and digits, words joined by one underscore`);
  }
  if (RESERVED.has(name) || name.startsWith('pg_')) throw new Error(`"${name}" is reserved`);
  const words = name.split('_');
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`;
  return {
    name,
    camel: words[0] + words.slice(1).map(cap).join(''),
    pascal: words.map(cap).join(''),
    title: words.join(' '),
    port,
    migration: `${stamp}_create_${name}`,
  };
}

export function render(template: string, n: Names): string {
  return template
    .replaceAll('__name__', n.name)
    .replaceAll('__camel__', n.camel)
    .replaceAll('__Pascal__', n.pascal)
    .replaceAll('__Title__', n.title.charAt(0).toUpperCase() + n.title.slice(1))
    .replaceAll('__title__', n.title)
    .replaceAll('__port__', String(n.port))
    .replaceAll('__migration__', n.migration);
}

/** Where each template goes, relative to the repository root. */
function outputPath(template: string, n: Names): string {
  if (template === path.join('tests', 'test.ts.tmpl')) return path.join('subgraphs', n.name, 'tests', `${n.name}.test.ts`);
  if (template === path.join('db', 'migrations', 'create.ts.tmpl')) return path.join('subgraphs', n.name, 'db', 'migrations', `${n.migration}.ts`);
  if (template === path.join('resolvers', 'Record.ts.tmpl')) return path.join('subgraphs', n.name, 'resolvers', `${n.pascal}Record.ts`);
  return path.join('subgraphs', n.name, template.replace(/\.tmpl$/, ''));
}

function templates(dir = TEMPLATES, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? templates(path.join(dir, e.name), path.join(prefix, e.name)) : e.name.endsWith('.tmpl') ? [path.join(prefix, e.name)] : [],
    );
}

/** One top-level block of docker-compose.yml (`  name:` up to the next service), as lines. */
function serviceBlock(lines: string[], service: string): { start: number; end: number } {
  const start = lines.findIndex((l) => l === `  ${service}:`);
  if (start < 0) throw new Error(`docker-compose.yml has no service "${service}"`);
  let end = start + 1;
  while (end < lines.length && !/^ {0,2}\S/.test(lines[end]!)) end++;
  while (end > start + 1 && lines[end - 1]!.trim() === '') end--;
  return { start, end };
}

function replaceToken(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`(?<![A-Za-z0-9])${from}(?![A-Za-z0-9])`, 'g'), to);
}

/**
 * docker-compose.yml with the new subgraph: a service made from the last subgraph's (so it
 * follows whatever shape the others have), and in every other service each line that names the
 * last subgraph (the gateway's <NAME>_URL and depends_on, database-roles' <NAME>_DATABASE_URL)
 * followed by the same line for the new one.
 */
export function addComposeService(compose: string, n: Names, model: { name: string; port: number }): string {
  const swap = (text: string) =>
    replaceToken(replaceToken(replaceToken(text, model.name, n.name), model.name.toUpperCase(), n.name.toUpperCase()), String(model.port), String(n.port));
  const names = new RegExp(`(?<![A-Za-z0-9])(${model.name}|${model.name.toUpperCase()})(?![A-Za-z0-9])`);
  const lines = compose.split('\n');
  const modelBlock = serviceBlock(lines, model.name);
  const out: string[] = [];
  let inServices = false;
  let inModel = false;
  for (const [i, line] of lines.entries()) {
    if (/^\S/.test(line)) inServices = line === 'services:';
    if (i === modelBlock.start) inModel = true;
    if (i === modelBlock.end) {
      inModel = false;
      out.push('', ...swap(lines.slice(modelBlock.start, modelBlock.end).join('\n')).split('\n'));
    }
    out.push(line);
    if (inServices && !inModel && /^ {4}/.test(line) && names.test(line)) out.push(swap(line));
  }
  if (modelBlock.end === lines.length) out.push('', ...swap(lines.slice(modelBlock.start, modelBlock.end).join('\n')).split('\n'));
  const result = out.join('\n');
  if (!result.includes(`${n.name.toUpperCase()}_URL:`)) throw new Error('docker-compose.yml: the gateway service has no <NAME>_URL list to extend');
  return result;
}

/**
 * A list of the departments' rooms (subgraphs/catalog.ts, dashboards.ts, benches.ts) with the new
 * department's room imported, among the others' imports in name order, and appended to the list.
 * `room` is the file of the department's folder it exports from (`index`, `dashboard`, `bench`),
 * `exported` the name the room exports when it is not the department's own (`dashboard`).
 */
export function addToList(text: string, n: Names, list: { file: string; room: string; exported?: string; variable: string }): string {
  const lines = text.split('\n');
  const importLine = new RegExp(`^import \\{ (\\w+ as )?\\w+ \\} from '\\./[a-z0-9_]+/${list.room}\\.js';$`);
  const first = lines.findIndex((l) => importLine.test(l));
  let last = first;
  while (last + 1 < lines.length && importLine.test(lines[last + 1]!)) last++;
  if (first < 0) throw new Error(`${list.file}: no subgraph imports found`);
  const binding = list.exported ? `${list.exported} as ${n.camel}` : n.camel;
  const imports = [...lines.slice(first, last + 1), `import { ${binding} } from './${n.name}/${list.room}.js';`].sort();
  lines.splice(first, last - first + 1, ...imports);
  const joined = lines.join('\n');
  const declaration = new RegExp(`(export const ${list.variable}: \\w+\\[\\] = \\[)([^\\]]*)(\\];)`);
  if (!declaration.test(joined)) throw new Error(`${list.file}: the ${list.variable} list was not found`);
  return joined.replace(declaration, (_m, open: string, items: string, close: string) => `${open}${items.trimEnd()}, ${n.camel}${close}`);
}

/** The lists a new department joins: the catalog (its package) and its rooms that other folders assemble. */
export const LISTS = [
  { file: 'subgraphs/catalog.ts', room: 'index', variable: 'subgraphs' },
  { file: 'subgraphs/dashboards.ts', room: 'dashboard', exported: 'dashboard', variable: 'dashboards' },
  { file: 'subgraphs/benches.ts', room: 'bench', exported: 'bench', variable: 'benches' },
] as const;

export function addToCatalog(catalog: string, n: Names): string {
  return addToList(catalog, n, LISTS[0]);
}

export function addStartScript(packageJson: string, n: Names, after: string): string {
  const pkg = JSON.parse(packageJson) as { scripts: Record<string, string> };
  const entries = Object.entries(pkg.scripts);
  let at = entries.findIndex(([k]) => k === `start:${after}`);
  if (at < 0) at = entries.findLastIndex(([k]) => k.startsWith('start:'));
  entries.splice(at + 1, 0, [`start:${n.name}`, `tsx subgraphs/${n.name}/server.ts`]);
  pkg.scripts = Object.fromEntries(entries);
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function addExposedPort(dockerfile: string, port: number): string {
  return dockerfile.replace(/^EXPOSE (.*)$/m, (line, ports: string) => (ports.split(/\s+/).includes(String(port)) ? line : `EXPOSE ${ports} ${port}`));
}

function main(argv: string[]): void {
  const name = argv[0];
  if (!name || argv.length > 1) {
    console.error('usage: npm run new:subgraph -- <name>   (snake_case, for example: education)');
    process.exit(2);
  }
  const at = (p: string) => path.join(ROOT, p);
  const compose = fs.readFileSync(at('docker-compose.yml'), 'utf8');
  // The next free port after every subgraph's, in the catalog and in docker-compose.yml.
  const usedPorts = [...subgraphs.map((s) => s.defaultPort), ...[...compose.matchAll(/_PORT: "(\d+)"/g)].map((m) => Number(m[1]))];
  const n = namesFor(name, Math.max(...usedPorts) + 1);
  if (subgraphs.some((s) => s.name === n.name) || fs.existsSync(at(path.join('subgraphs', n.name)))) {
    throw new Error(`subgraph "${n.name}" already exists`);
  }
  const model = subgraphs.at(-1)!;
  const files = templates().map((t) => [outputPath(t, n), render(fs.readFileSync(path.join(TEMPLATES, t), 'utf8'), n)] as const);
  for (const [file] of files) if (fs.existsSync(at(file))) throw new Error(`${file} already exists`);
  // The new folder must have every room the others have (subgraphs/house-shape.ts).
  const made = new Set(files.map(([file]) => file));
  const madeFiles = [...made];
  const missing = HOUSE_SHAPE.filter((room) => {
    const at = path.join('subgraphs', n.name, room.path);
    // A room is a file, or a folder some template writes into.
    return !made.has(at) && !madeFiles.some((file) => file.startsWith(at + path.sep));
  });
  if (missing.length)
    throw new Error(`the templates make no ${missing.map((room) => room.path).join(', ')} (subgraphs/house-shape.ts): add them to scripts/templates/subgraph/`);

  // Everything is computed before anything is written.
  const edits: Array<[string, string]> = [
    ...LISTS.map((list): [string, string] => [list.file, addToList(fs.readFileSync(at(list.file), 'utf8'), n, list)]),
    ['package.json', addStartScript(fs.readFileSync(at('package.json'), 'utf8'), n, model.name)],
    ['docker-compose.yml', addComposeService(compose, n, { name: model.name, port: model.defaultPort })],
    ['Dockerfile', addExposedPort(fs.readFileSync(at('Dockerfile'), 'utf8'), n.port)],
  ];
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(at(file)), { recursive: true });
    fs.writeFileSync(at(file), text);
    console.log(`created  ${file}`);
  }
  for (const [file, text] of edits) {
    fs.writeFileSync(at(file), text);
    console.log(`updated  ${file}`);
  }
  // The resolver types the scaffolded resolvers are written against (scripts/codegen.ts).
  const generated = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/codegen.ts', n.name], { cwd: ROOT, stdio: 'inherit' });
  if (generated.status !== 0) throw new Error(`codegen failed: see above (the files are written; fix the SDL and run \`npm run codegen -- ${n.name}\`)`);
  // A new process, so that composition reads the catalog with the new subgraph in it.
  const composed = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/compose.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (composed.status !== 0) throw new Error('composition failed: see above (the files are written; fix the SDL and run `npm run schema:compose`)');
  console.log(`updated  schema/supergraph.graphql`);
  console.log(`
subgraph "${n.name}" is ready on port ${n.port} (Postgres schema "${n.name}"). Next:
  npx vitest run subgraphs/${n.name}/tests     its own test
  npm run start:${n.name}                     it alone (with the registry at REGISTRY_URL)
Then replace the placeholder ${n.pascal}Record with the department's own types, tables and
mutations, describe the department in README.md's table, and commit.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`new:subgraph: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
