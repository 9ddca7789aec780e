import { Authenticator, authConfigFromEnv, type TokenClaims } from '../platform/auth.js';

// The officials a load run simulates. With one shared token the gateway's in-flight sharing
// (identical fetches with the same Authorization) merges every client into one, which no city
// sees: each official signs in with a token of their own. So each simulated client here is a
// person with their own subject, and the clients are a mix of the roles that open the
// dashboards: the public (no token at all, so only the registered operations, sent as their
// registered text), analysts, and caseworkers each of their own communes. Writers are not
// readers in the loop: one writer (its own token) sends mutations at a low rate beside them
// (bench/run.ts, measureUsers).

/** The roles a reading client can have, in the order the mix cycles through them. */
export type ReaderRole = 'analyst' | 'caseworker' | 'public' | 'administrator';

/**
 * The mix, one entry a client, repeating: two analysts, two caseworkers, one member of the
 * public in every five clients. The first client is an analyst, so that the one-client run is
 * the analyst's dashboard (the figure issue 19 started from).
 */
export const READER_MIX: readonly ReaderRole[] = ['analyst', 'caseworker', 'public', 'caseworker', 'analyst'];

/**
 * The mix for the household view, which selects personal fields: of the policy's reading roles
 * only a caseworker (households of the token's communes) and an administrator (any household)
 * may open it; an analyst is refused (403, no `personal:read`), the public too (401). Four
 * caseworkers and one administrator in every five clients, a caseworker first: the view is a
 * caseworker's page.
 */
export const HOUSEHOLD_READER_MIX: readonly ReaderRole[] = ['caseworker', 'caseworker', 'administrator', 'caseworker', 'caseworker'];

/** One simulated official: who they are and the headers each of their requests carries. */
export interface BenchUser {
  index: number;
  role: ReaderRole | 'writer';
  /** The token's subject; undefined for the public (no token). */
  sub: string | undefined;
  /** A caseworker's communes (the token's `communes` claim). */
  communes: string[] | undefined;
  /** `authorization` for a signed-in user, nothing for the public. */
  headers: Record<string, string>;
  /**
   * The households this reader opens, one a request in turn (household view runs only; see
   * assignHouseholds): a caseworker's lie in its own communes.
   */
  households?: string[];
}

/** Mints tokens the graph's processes accept: the same key and signing as bench/auth.ts's shared token. */
export type Minter = (claims: TokenClaims) => Promise<string>;

export function benchMinter(authenticator = new Authenticator(authConfigFromEnv())): Minter {
  return (claims) => authenticator.mint(claims, { expiresInSeconds: 24 * 3600 });
}

/**
 * `count` reading users, each with a distinct subject (`bench-<role>-<index>`) and, if signed
 * in, a token of their own. Caseworker k is given two communes of `communeCodes`, different
 * from every other caseworker's while there are communes enough (the list wraps after that).
 */
export async function mintReaders(count: number, communeCodes: readonly string[], mint: Minter, mix: readonly ReaderRole[] = READER_MIX): Promise<BenchUser[]> {
  if (communeCodes.length === 0) throw new Error('mintReaders: caseworkers need commune codes');
  const users: BenchUser[] = [];
  let caseworkers = 0;
  for (let index = 0; index < count; index++) {
    const role = mix[index % mix.length]!;
    if (role === 'public') {
      users.push({ index, role, sub: undefined, communes: undefined, headers: {} });
      continue;
    }
    const sub = `bench-${role}-${index}`;
    let communes: string[] | undefined;
    if (role === 'caseworker') {
      const k = caseworkers++;
      communes = [communeCodes[(2 * k) % communeCodes.length]!, communeCodes[(2 * k + 1) % communeCodes.length]!];
      communes = [...new Set(communes)];
    }
    const token = await mint({ sub, roles: [role], ...(communes ? { communes } : {}) });
    users.push({ index, role, sub, communes, headers: { authorization: `Bearer ${token}` } });
  }
  return users;
}

/**
 * Each reader with `perReader` households to open in turn: a caseworker's taken alternately from
 * each of its communes, anyone else's (an administrator may open any household) from communes
 * spread over the city, a different start for each reader. `byCommune`: household ids of each
 * commune, in a fixed order (bench/users-load.ts, householdsByCommune). The choice depends only
 * on the readers and the data, so both gateways are sent the same households in the same order.
 */
export function assignHouseholds(users: readonly BenchUser[], byCommune: ReadonlyMap<string, readonly string[]>, perReader: number): BenchUser[] {
  const everywhere = [...byCommune.keys()].filter((code) => byCommune.get(code)!.length > 0);
  if (everywhere.length === 0) throw new Error('assignHouseholds: no commune has households');
  return users.map((user) => {
    const communes = user.communes ?? rotate(everywhere, user.index * perReader);
    const households: string[] = [];
    for (let turn = 0; turn < perReader; turn++) {
      const code = communes[turn % communes.length]!;
      const ids = byCommune.get(code) ?? [];
      if (ids.length === 0) throw new Error(`assignHouseholds: commune ${code} of ${user.sub ?? 'a reader'} has no households`);
      // Round k of this commune: its k-th household, so a reader opens each at most once a cycle.
      households.push(ids[Math.floor(turn / communes.length) % ids.length]!);
    }
    return { ...user, households };
  });
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const at = by % list.length;
  return [...list.slice(at), ...list.slice(0, at)];
}

/** The writer beside the readers: a department's writer role (`credit-writer` by default) with its own subject. */
export async function mintWriter(mint: Minter, role = 'credit-writer'): Promise<BenchUser> {
  const sub = 'bench-writer';
  const token = await mint({ sub, roles: [role] });
  return { index: -1, role: 'writer', sub, communes: undefined, headers: { authorization: `Bearer ${token}` } };
}
