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
export type ReaderRole = 'analyst' | 'caseworker' | 'public';

/**
 * The mix, one entry a client, repeating: two analysts, two caseworkers, one member of the
 * public in every five clients. The first client is an analyst, so that the one-client run is
 * the analyst's dashboard (the figure issue 19 started from).
 */
export const READER_MIX: readonly ReaderRole[] = ['analyst', 'caseworker', 'public', 'caseworker', 'analyst'];

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
export async function mintReaders(count: number, communeCodes: readonly string[], mint: Minter): Promise<BenchUser[]> {
  if (communeCodes.length === 0) throw new Error('mintReaders: caseworkers need commune codes');
  const users: BenchUser[] = [];
  let caseworkers = 0;
  for (let index = 0; index < count; index++) {
    const role = READER_MIX[index % READER_MIX.length]!;
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

/** The writer beside the readers: a department's writer role (`credit-writer` by default) with its own subject. */
export async function mintWriter(mint: Minter, role = 'credit-writer'): Promise<BenchUser> {
  const sub = 'bench-writer';
  const token = await mint({ sub, roles: [role] });
  return { index: -1, role: 'writer', sub, communes: undefined, headers: { authorization: `Bearer ${token}` } };
}
