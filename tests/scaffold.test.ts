import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addComposeService, addExposedPort, addStartScript, addToCatalog, addToList, LISTS, namesFor, render } from '../scripts/new-subgraph.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The environment of a command run in the copy: this run's own vitest variables left out. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^VITEST|^TEST$|^NODE_ENV$/.test(key)) env[key] = value;
  return env;
}

/**
 * A copy of the repository as it would be committed (tracked files, and new files git does not
 * ignore), with node_modules linked: the scaffold writes only there, never in this tree.
 */
function copyRepository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffold-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('the registration edits (pure)', () => {
  const n = namesFor('job_seekers', 4009, new Date('2027-03-04T05:06:00Z'));

  it('derives every name from the snake_case one, and refuses a bad name', () => {
    expect(n).toEqual({
      name: 'job_seekers',
      camel: 'jobSeekers',
      pascal: 'JobSeekers',
      title: 'job seekers',
      port: 4009,
      migration: '2027_03_04_0506_create_job_seekers',
    });
    expect(render('__name___record __camel__Records __Pascal__Record __Title__ on __port__', n)).toBe(
      'job_seekers_record jobSeekersRecords JobSeekersRecord Job seekers on 4009',
    );
    expect(() => namesFor('Education', 4007)).toThrow(/snake_case/);
    expect(() => namesFor('gateway', 4007)).toThrow(/reserved/);
  });

  it('adds the subgraph to the catalog and the lists of its rooms, package.json, docker-compose.yml and the Dockerfile', () => {
    const catalog = addToCatalog(fs.readFileSync(path.join(ROOT, 'subgraphs/catalog.ts'), 'utf8'), n);
    expect(catalog).toContain("import { jobSeekers } from './job_seekers/index.js';");
    expect(catalog).toMatch(/export const subgraphs: SubgraphPackage\[\] = \[registry, [^\]]*, jobSeekers\];/);
    // Its dashboard and bench rooms join their lists, last (the dashboard shows its figures after the others').
    const [, dashboards, benches] = LISTS.map((list) => addToList(fs.readFileSync(path.join(ROOT, list.file), 'utf8'), n, list));
    expect(dashboards).toContain("import { dashboard as jobSeekers } from './job_seekers/dashboard.js';");
    expect(dashboards).toMatch(/export const dashboards: DepartmentDashboard\[\] = \[registry, [^\]]*, livelihoods, jobSeekers\];/);
    expect(benches).toContain("import { bench as jobSeekers } from './job_seekers/bench.js';");
    expect(benches).toMatch(/export const benches: DepartmentBench\[\] = \[registry, [^\]]*, livelihoods, jobSeekers\];/);

    const pkg = JSON.parse(addStartScript(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'), n, 'livelihoods'));
    expect(pkg.scripts['start:job_seekers']).toBe('tsx subgraphs/job_seekers/server.ts');
    const keys = Object.keys(pkg.scripts);
    expect(keys.indexOf('start:job_seekers')).toBe(keys.indexOf('start:livelihoods') + 1);

    const compose = addComposeService(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), n, { name: 'livelihoods', port: 4006 });
    expect(compose).toMatch(/\n {2}job_seekers:\n[\s\S]*JOB_SEEKERS_PORT: "4009"[\s\S]*\n {2}gateway:/);
    expect(compose).toContain('JOB_SEEKERS_URL: http://job_seekers:4009/graphql');
    expect(compose).toContain('job_seekers: { condition: service_healthy }');
    expect(compose).toContain('LIVELIHOODS_PORT: "4006"');
    // Its own database role, in its service and in database-roles.
    expect(compose.split('JOB_SEEKERS_DATABASE_URL: postgres://poverty_job_seekers:${JOB_SEEKERS_DB_PASSWORD:-job_seekers}@').length - 1).toBe(2);

    expect(addExposedPort('EXPOSE 4000 4001\n', 4009)).toBe('EXPOSE 4000 4001 4009\n');
    expect(addExposedPort('EXPOSE 4000 4009\n', 4009)).toBe('EXPOSE 4000 4009\n');
  });
});

describe('npm run new:subgraph -- education (in a copy of the repository)', () => {
  let copy: string;
  let output: string;
  const nextPort = Math.max(...[...fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/_PORT: "(\d+)"/g)].map((m) => Number(m[1]))) + 1;

  beforeAll(async () => {
    copy = copyRepository();
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/new-subgraph.ts', 'education'], { cwd: copy, env: childEnv() });
    output = result.stdout;
  }, 180_000);
  afterAll(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  it('scaffolds the house shape and registers the subgraph', () => {
    for (const file of [
      'schema.graphql',
      'index.ts',
      'server.ts',
      'context.ts',
      'loaders.ts',
      'repository.ts',
      'seed.ts',
      'db/tables.ts',
      'db/migrations/index.ts',
      'resolvers/index.ts',
      'resolvers/parents.ts',
      'resolvers/types.generated.ts',
      'resolvers/Query.ts',
      'resolvers/Household.ts',
      'resolvers/Commune.ts',
      'dashboard.ts',
      'bench.ts',
      'access.json',
      'tests/education.test.ts',
    ]) {
      expect(fs.existsSync(path.join(copy, 'subgraphs/education', file)), file).toBe(true);
    }
    expect(fs.readdirSync(path.join(copy, 'subgraphs/education/db/migrations')).some((f) => /^\d{4}_\d\d_\d\d_\d{4}_create_education\.ts$/.test(f))).toBe(true);
    expect(fs.readFileSync(path.join(copy, 'subgraphs/education/schema.graphql'), 'utf8')).toMatch(
      /^extend schema\n {2}@link\(url: "https:\/\/specs\.apollo\.dev\/federation\//,
    );
    expect(fs.readFileSync(path.join(copy, 'subgraphs/education/index.ts'), 'utf8')).toContain(`defaultPort: ${nextPort},`);
    expect(fs.readFileSync(path.join(copy, 'subgraphs/catalog.ts'), 'utf8')).toMatch(/, education\];/);

    expect(fs.readFileSync(path.join(copy, 'subgraphs/dashboards.ts'), 'utf8')).toMatch(/, education\];/);
    expect(fs.readFileSync(path.join(copy, 'subgraphs/benches.ts'), 'utf8')).toMatch(/, education\];/);
    expect(JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')).scripts['start:education']).toBe('tsx subgraphs/education/server.ts');
    const compose = fs.readFileSync(path.join(copy, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`EDUCATION_PORT: "${nextPort}"`);
    expect(compose).toContain(`EDUCATION_URL: http://education:${nextPort}/graphql`);
    expect(fs.readFileSync(path.join(copy, 'schema/supergraph.graphql'), 'utf8')).toContain(
      `@join__graph(name: "education", url: "http://127.0.0.1:${nextPort}/graphql")`,
    );
    expect(output).toContain('updated  schema/supergraph.graphql');
    // This tree is untouched.
    expect(fs.existsSync(path.join(ROOT, 'subgraphs/education'))).toBe(false);
  });

  it('type-checks, passes its own test, the supergraph, topology and house-shape tests, and the schema check', async () => {
    const env = childEnv();
    await run('npx', ['tsc', '-p', '.'], { cwd: copy, env });
    // The house-shape test too: the new folder has every room, each listed under its name.
    const tests = await run(
      'npx',
      ['vitest', 'run', 'subgraphs/education/tests/education.test.ts', 'tests/supergraph.test.ts', 'tests/topology.test.ts', 'tests/unit/house-shape.test.ts'],
      { cwd: copy, env },
    );
    expect(tests.stdout).toMatch(/Test Files\s+.*4 passed/);
    const check = await run(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts'], { cwd: copy, env });
    expect(check.stdout).toContain('schema check: passed');
  }, 600_000);

  it('gives the department its own role, which the assembled access policy picks up from its folder', async () => {
    const print = "import('./platform/auth.ts').then((m) => console.log(JSON.stringify(m.loadAccessPolicy({}).roles['education-writer'])))";
    const role = await run(process.execPath, ['--import', 'tsx', '-e', print], { cwd: copy, env: childEnv() });
    expect(JSON.parse(role.stdout)).toMatchObject({ scopes: ['education:write', 'records:read', 'counts:exact'] });
  }, 120_000);

  it('refuses a name that already exists, writing nothing', async () => {
    const before = fs.readFileSync(path.join(copy, 'package.json'), 'utf8');
    await expect(run(process.execPath, ['--import', 'tsx', 'scripts/new-subgraph.ts', 'housing'], { cwd: copy, env: childEnv() })).rejects.toMatchObject({
      stderr: expect.stringContaining('already exists'),
    });
    expect(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')).toBe(before);
  }, 120_000);
});
