/**
 * The access matrix: each case is one operation, and each role's expected outcome. The runner
 * (tests/access.test.ts) plays every case as every role through the gateway and directly
 * against the subgraph that owns it, and asserts each cell.
 */

/**
 * The roles of the matrix. `caseworker` is scoped to the fixture household's commune,
 * `caseworkerElsewhere` to another commune; `ownWriter` is the case's subgraph's writer role,
 * `otherWriter` another department's writer.
 */
export const ROLES = ['public', 'analyst', 'caseworker', 'caseworkerElsewhere', 'ownWriter', 'otherWriter', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

/**
 * allowed: no errors (and `check` passes, when given);
 * UNAUTHENTICATED / FORBIDDEN: refused with that code, and a write wrote nothing;
 * BAD_USER_INPUT: refused as an unknown record would be (a set of records asked for by id);
 * empty: allowed, but the records outside the caller's communes are left out (`check` sees it);
 * hidden: a record asked for by id outside the caller's communes reads as a missing one (null,
 * no error): a refusal would confirm that it exists (tests/attacks/records.test.ts compares the
 * two answers whole).
 */
export type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'empty' | 'hidden';

export interface Fixture {
  /** A demo household with records in every programme subgraph. */
  household: { id: string; communeCode: string; memberIds: string[] };
  /** A commune other than the household's. */
  otherCommune: string;
}

/** Runs an operation through the gateway as an administrator and returns `data` (fails on errors). */
export type AdminQuery = (query: string, variables?: Record<string, unknown>) => Promise<any>;

export interface CaseContext {
  fx: Fixture;
  role: Role;
  /** 'gateway' or 'direct': which cell is being played. */
  via: 'gateway' | 'direct';
  admin: AdminQuery;
}

export interface AccessCase {
  name: string;
  /** The subgraph that owns the operation: the direct cells call it, and its writer is `ownWriter`. */
  subgraph: string;
  /** The operation through the gateway. */
  query: string;
  /**
   * The same operation as the subgraph alone can answer it (for example through `_entities`);
   * when absent the direct cells send `query`. Set `via` to skip one side.
   */
  directQuery?: string;
  via?: 'both' | 'gateway' | 'direct';
  /** Variables for one cell; writes return a fresh valid input for each call. */
  variables?: (ctx: CaseContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
  expect: Record<Role, Outcome>;
  /** For allowed and empty cells: assertions on `data` (use expect() inside). */
  check?: (data: any, ctx: CaseContext) => void;
  /**
   * For writes: an administrator query whose answer must be the same before and after a denied
   * cell (the denial wrote nothing).
   */
  unchangedProbe?: { query: string; variables?: (fx: Fixture) => Record<string, unknown> };
}
