import fs from 'node:fs';
import path from 'node:path';
import type { AccessPolicy } from '../platform/auth.js';
import { projectUrl } from '../platform/paths.js';

/** A demo account of the embedded identity provider (config/demo-accounts.json). */
export interface DemoAccount {
  /** Signs in with this name; also the token's subject (`sub`). */
  username: string;
  password: string;
  /** Shown in the pages ("signed in as"). */
  name: string;
  /** Roles of the access policy, the token's `roles` claim. */
  roles: string[];
  /** For commune-scoped roles (a caseworker): five-digit commune codes, the `communes` claim. */
  communes?: string[];
}

export const DEFAULT_ACCOUNTS_FILE = projectUrl('config/demo-accounts.json');

/**
 * The demo accounts, checked against the access policy: every role must be one of the policy's,
 * and an account with a commune-scoped role must name its communes, as the graph will require
 * of its tokens. A mistake stops the start with the account named, not a refused sign-in later.
 */
export function loadDemoAccounts(policy: AccessPolicy, file: string | URL = DEFAULT_ACCOUNTS_FILE): DemoAccount[] {
  const source = file instanceof URL ? file.pathname : path.resolve(file);
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { accounts?: unknown };
  const fail = (message: string): never => {
    throw new Error(`demo accounts ${source}: ${message}`);
  };
  if (!Array.isArray(raw.accounts) || !raw.accounts.length) fail('"accounts" must be a list of { username, password, name, roles, communes? }');
  const seen = new Set<string>();
  return (raw.accounts as Array<Partial<DemoAccount>>).map((account, i) => {
    const { username, password, name, roles, communes } = account;
    if (typeof username !== 'string' || !/^[\w.-]+$/.test(username)) fail(`account ${i + 1}: "username" must be letters, digits, "_", "." or "-"`);
    if (seen.has(username!)) fail(`account "${username}" is listed twice`);
    seen.add(username!);
    if (typeof password !== 'string' || password.length < 8) fail(`account "${username}": "password" must be at least 8 characters`);
    if (typeof name !== 'string' || !name) fail(`account "${username}": "name" is required`);
    if (!Array.isArray(roles) || !roles.length) fail(`account "${username}": "roles" must be a non-empty list`);
    for (const role of roles!) if (!policy.roles[role] || role === 'public') fail(`account "${username}": role "${role}" is not a role of the access policy`);
    const scoped = roles!.some((role) => policy.roles[role]?.communeScoped);
    if (scoped && (!Array.isArray(communes) || !communes.length || communes.some((c) => !/^\d{5}$/.test(c)))) {
      fail(`account "${username}": a commune-scoped role needs "communes", a list of five-digit commune codes`);
    }
    return { username: username!, password: password!, name: name!, roles: roles!, ...(communes?.length ? { communes } : {}) };
  });
}
