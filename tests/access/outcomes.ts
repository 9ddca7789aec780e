import type { Outcome, Role } from './types.js';

// Expected outcomes that read the same in every subgraph's case file.

/** The same outcome for every role (aggregates: everyone may read them). */
export const everyone = (outcome: Outcome): Record<Role, Outcome> => ({
  public: outcome,
  analyst: outcome,
  caseworker: outcome,
  caseworkerElsewhere: outcome,
  ownWriter: outcome,
  otherWriter: outcome,
  administrator: outcome,
});

/** A write of the case's own subgraph: its writer and administrators only. */
export const departmentWrite: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'FORBIDDEN',
  caseworker: 'FORBIDDEN',
  caseworkerElsewhere: 'FORBIDDEN',
  ownWriter: 'allowed',
  otherWriter: 'FORBIDDEN',
  administrator: 'allowed',
};

/** The audit trails: administrators only. */
export const adminOnly: Record<Role, Outcome> = {
  public: 'UNAUTHENTICATED',
  analyst: 'FORBIDDEN',
  caseworker: 'FORBIDDEN',
  caseworkerElsewhere: 'FORBIDDEN',
  ownWriter: 'FORBIDDEN',
  otherWriter: 'FORBIDDEN',
  administrator: 'allowed',
};

/**
 * A per-file memo: the fixture a case looks up once (through the administrator) and every cell
 * reuses, so that the roles all play against the same record.
 */
export function memo(): <T>(key: string, find: () => Promise<T>) => Promise<T> {
  const found = new Map<string, Promise<unknown>>();
  return <T>(key: string, find: () => Promise<T>) => {
    let p = found.get(key);
    if (!p) found.set(key, (p = find()));
    return p as Promise<T>;
  };
}
