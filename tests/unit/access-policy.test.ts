import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS_DIR, departmentRoles, loadAccessPolicy } from '../../platform/auth.js';
import { subgraphs } from '../../subgraphs/catalog.js';

/**
 * config/access-policy.json as it was (commit 19d73b4) before each department's own role moved
 * into its folder (subgraphs/<name>/access.json), parsed: the policy assembled from both must be
 * exactly this (role order aside: a role is looked up by name).
 */
const POLICY_BEFORE_THE_MOVE = {
  smallCountThreshold: 4,
  disclosure: {
    $comment:
      'For roles without counts:exact (docs/privacy.md): counts above the threshold carry geometric noise (each unit further from zero noiseRatio times as likely), fixed per cell by its key; money summed over households is rounded to moneyUnit đồng; periods are single calendar years or one of publicSpans ([fromYear, toYear]), dates quarter ends.',
    noiseRatio: 0.6,
    moneyUnit: 100000000,
    publicSpans: [
      [2021, 2024],
      [2022, 2024],
      [2021, 2025],
    ],
  },
  roles: {
    public: {
      description: 'No token: commune and city aggregates only, for transparency. Counts from 1 to the small-count threshold are withheld.',
      scopes: [],
    },
    analyst: {
      description: 'Dashboards and analysis: aggregates with exact counts, and household-level records without personal fields (names, ID numbers, addresses).',
      scopes: ['records:read', 'counts:exact'],
    },
    caseworker: {
      description:
        'Commune social-affairs officers: full records, personal fields included, of the households in the communes their token names, and nothing outside them.',
      scopes: ['records:read', 'personal:read', 'counts:exact'],
      communeScoped: true,
    },
    'registry-writer': {
      description: 'Registry staff: register households and record poverty reviews.',
      scopes: ['registry:write', 'records:read', 'personal:read', 'counts:exact'],
    },
    'credit-writer': {
      description: 'Social-policy bank staff: disburse loans and record repayments.',
      scopes: ['credit:write', 'records:read', 'counts:exact'],
    },
    'housing-writer': {
      description: 'Housing programme staff: approve, progress, complete and cancel cases; record fund contributions.',
      scopes: ['housing:write', 'records:read', 'counts:exact'],
    },
    'social_insurance-writer': {
      description: 'Social insurance staff: health-insurance support, allowances, subsidies and relief.',
      scopes: ['social_insurance:write', 'records:read', 'counts:exact'],
    },
    'employment-writer': {
      description: 'Employment services: job fairs, placements and vocational training.',
      scopes: ['employment:write', 'records:read', 'counts:exact'],
    },
    'livelihoods-writer': {
      description: 'Livelihood programme staff: projects, participants and models.',
      scopes: ['livelihoods:write', 'records:read', 'counts:exact'],
    },
    administrator: {
      description: 'Everything, including the audit trails.',
      scopes: ['*'],
    },
    service: {
      description: 'One subgraph asking another (a programme subgraph asking the registry about household identity). Never given to people.',
      scopes: ['records:read', 'counts:exact', 'peer:call'],
    },
  },
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A folder of departments, each with the access.json given (as parsed JSON). */
function departmentsWith(files: Record<string, unknown>): URL {
  const dir = tempDir('department-roles-');
  for (const [department, json] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, department));
    fs.writeFileSync(path.join(dir, department, 'access.json'), JSON.stringify(json));
  }
  return pathToFileURL(dir + path.sep);
}

describe("the access policy, assembled from config/access-policy.json and the departments' folders", () => {
  it('is the policy it was when every role was in config/access-policy.json', () => {
    expect(loadAccessPolicy({})).toEqual({ ...POLICY_BEFORE_THE_MOVE, disclosure: { ...POLICY_BEFORE_THE_MOVE.disclosure, threshold: 4 } });
  });

  it("keeps only the cross-department roles in config/access-policy.json, and each department's own in its folder", () => {
    const central = JSON.parse(fs.readFileSync(new URL('../../config/access-policy.json', import.meta.url), 'utf8')) as {
      roles: Record<string, { scopes: string[] }>;
    };
    expect(Object.values(central.roles).flatMap((r) => r.scopes.filter((s) => s.endsWith(':write')))).toEqual([]);
    for (const { name } of subgraphs) {
      const file = JSON.parse(fs.readFileSync(new URL(`${name}/access.json`, DEPARTMENTS_DIR), 'utf8')) as unknown;
      const own = departmentRoles(departmentsWith({ [name]: file }));
      expect(
        Object.values(own).flatMap((r) => r.scopes.filter((s) => s.endsWith(':write'))),
        name,
      ).toEqual([`${name}:write`]);
    }
  });

  it("refuses a department granting another department's write scope, or everything, or a role another department defines", () => {
    const role = (scopes: string[]) => ({ roles: { clerk: { scopes } } });
    expect(() => departmentRoles(departmentsWith({ credit: role(['housing:write']) }))).toThrow(/grants housing:write, which is not the department's to grant/);
    expect(() => departmentRoles(departmentsWith({ credit: role(['*']) }))).toThrow(/grants \*/);
    expect(() => departmentRoles(departmentsWith({ credit: role(['credit:write']), housing: role(['housing:write']) }))).toThrow(
      /role "clerk" is already defined by another department/,
    );
    expect(departmentRoles(departmentsWith({ credit: role(['credit:write', 'records:read']) }))).toEqual({
      clerk: { scopes: ['credit:write', 'records:read'] },
    });
  });

  it("lets the policy file (ACCESS_POLICY_FILE) redefine a department's role", () => {
    const file = path.join(tempDir('policy-file-'), 'policy.json');
    fs.writeFileSync(file, JSON.stringify({ roles: { public: { scopes: [] }, 'credit-writer': { scopes: ['records:read'] } } }));
    const policy = loadAccessPolicy({ ACCESS_POLICY_FILE: file });
    expect(policy.roles['credit-writer']).toEqual({ scopes: ['records:read'] });
    // The other departments' roles are still there.
    expect(policy.roles['housing-writer']?.scopes).toContain('housing:write');
  });
});
