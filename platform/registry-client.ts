import { isId } from './ids.js';
import { GraphQLError } from 'graphql';

/**
 * How a programme subgraph learns what the registry knows about households and people.
 *
 * Household identity belongs to the registry, and a subgraph never reads another's tables, so
 * programme subgraphs ask the registry subgraph over HTTP, the same way the gateway does: an
 * `_entities` query for many representations at once. One request carries up to
 * `BATCH_SIZE` households, so validating a bulk import of 100,000 loans costs 100,000 / 500 =
 * 200 requests (and the registry answers each with a constant number of SQL statements), not
 * 100,000. Asking the registry subgraph directly rather than the gateway keeps the check
 * working when only the registry and the one programme subgraph run.
 *
 * Call it before opening a transaction: on the embedded database the registry needs the
 * shared session to answer, and an open transaction holds it.
 */
export const BATCH_SIZE = 500;

export type RegistryClassification = 'POOR' | 'NEAR_POOR' | 'MIDDLE_INCOME' | 'ABOVE_MIDDLE_INCOME';

export interface RegistryHousehold {
  id: string;
  communeCode: string;
  communeKind: 'WARD' | 'RURAL_COMMUNE';
  /** Classification of the household's latest review in each requested year; null when not reviewed. */
  classificationByYear: Record<number, RegistryClassification | null>;
}

export interface RegistryMember {
  id: string;
  householdId: string;
  communeCode: string;
  birthYear: number;
}

/** A household's latest review of a year and its members, for the consistency checks. */
export interface RegistryReviewFacts {
  householdId: string;
  /** The household's commune now. */
  communeCode: string;
  members: Array<{ id: string; birthYear: number }>;
  review: { id: string; reviewDate: string; incomePerPersonMonthly: number; deprivedOn: string[] };
}

export class RegistryUnavailable extends GraphQLError {
  constructor(detail: string) {
    super(`The registry could not be asked about households: ${detail}`, { extensions: { code: 'REGISTRY_UNAVAILABLE' } });
  }
}

export class RegistryClient {
  constructor(
    private readonly url: string,
    /** Identifies the asking subgraph to the registry (a `service` token); none in unit tests. */
    private readonly headers: () => Promise<Record<string, string>> = async () => ({}),
  ) {}

  /**
   * The registry's households for these ids (unknown ids are absent from the map), with the
   * classification of each requested review year.
   */
  async households(ids: readonly string[], years: readonly number[] = []): Promise<Map<string, RegistryHousehold>> {
    for (const y of years) if (!Number.isInteger(y)) throw new TypeError(`year must be an integer, got ${y}`);
    const yearFields = years.map((y) => `y${y}: latestReview(year: ${y}) { classification }`).join(' ');
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Household { id commune { code kind } ${yearFields} } } }`;
    const result = new Map<string, RegistryHousehold>();
    for (const chunk of chunks(unique(ids).filter(isId), BATCH_SIZE)) {
      const entities = await this.entities(
        query,
        chunk.map((id) => ({ __typename: 'Household', id })),
      );
      for (const e of entities) {
        if (!e) continue;
        const classificationByYear: Record<number, RegistryClassification | null> = {};
        for (const y of years) classificationByYear[y] = (e[`y${y}`] as { classification: RegistryClassification } | null)?.classification ?? null;
        const commune = e.commune as { code: string; kind: RegistryHousehold['communeKind'] };
        result.set(String(e.id), { id: String(e.id), communeCode: commune.code, communeKind: commune.kind, classificationByYear });
      }
    }
    return result;
  }

  /** The registry's people (household members) for these ids; unknown ids are absent. */
  async members(ids: readonly string[]): Promise<Map<string, RegistryMember>> {
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on HouseholdMember { id birthYear household { id commune { code } } } } }`;
    const result = new Map<string, RegistryMember>();
    for (const chunk of chunks(unique(ids).filter(isId), BATCH_SIZE)) {
      const entities = await this.entities(
        query,
        chunk.map((id) => ({ __typename: 'HouseholdMember', id })),
      );
      for (const e of entities) {
        if (!e) continue;
        const household = e.household as { id: string; commune: { code: string } };
        result.set(String(e.id), {
          id: String(e.id),
          householdId: household.id,
          communeCode: household.commune.code,
          birthYear: e.birthYear as number,
        });
      }
    }
    return result;
  }

  /** The registry's communes for these codes; unknown codes are absent. */
  async communes(codes: readonly string[]): Promise<Map<string, { code: string; kind: RegistryHousehold['communeKind'] }>> {
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Commune { code kind } } }`;
    const result = new Map<string, { code: string; kind: RegistryHousehold['communeKind'] }>();
    for (const chunk of chunks(
      unique(codes).filter((c) => /^\d{5}$/.test(c)),
      BATCH_SIZE,
    )) {
      for (const e of await this.entities(
        query,
        chunk.map((code) => ({ __typename: 'Commune', code })),
      )) {
        if (e) result.set(String(e.code), { code: String(e.code), kind: e.kind as RegistryHousehold['communeKind'] });
      }
    }
    return result;
  }

  /**
   * The latest review of `year` of each household of these communes (null: every commune), only
   * those deprived on `deprivedOn` when given, with the household's members: for the consistency
   * checks. One request, whatever the number of households (the registry answers it with two
   * SQL statements).
   */
  async reviewsOfYear(communeCodes: readonly string[] | null, year: number, deprivedOn?: string): Promise<RegistryReviewFacts[]> {
    if (!Number.isInteger(year)) throw new TypeError(`year must be an integer, got ${year}`);
    if (communeCodes?.length === 0) return [];
    const query = `query($communeCodes: [ID!], $year: Int!, $deprivedOn: ID) {
      consistencyReviewFacts(communeCodes: $communeCodes, year: $year, deprivedOn: $deprivedOn) {
        householdId communeCode reviewId reviewDate incomePerPersonMonthly deprivedOn members { id birthYear } } }`;
    type Fact = {
      householdId: string;
      communeCode: string;
      reviewId: string;
      reviewDate: string;
      incomePerPersonMonthly: string;
      deprivedOn: string[];
      members: Array<{ id: string; birthYear: number }>;
    };
    const facts = (await this.request(query, { communeCodes, year, deprivedOn: deprivedOn ?? null }, 'consistencyReviewFacts')) as Fact[];
    return facts.map((f) => ({
      householdId: f.householdId,
      communeCode: f.communeCode,
      members: f.members,
      review: { id: f.reviewId, reviewDate: f.reviewDate, incomePerPersonMonthly: Number(f.incomePerPersonMonthly), deprivedOn: f.deprivedOn },
    }));
  }

  /**
   * The classification of each of `householdIds` in each of `years` (null when not reviewed that
   * year): the lists in force, for the consistency checks. The households of these communes
   * (null: every commune) come in one request; only those of `householdIds` the answer lacks
   * (registered elsewhere now, or not reviewed in any of the years) are then asked by id, 500 a
   * request. Unknown households are absent.
   */
  async classifications(
    communeCodes: readonly string[] | null,
    years: readonly number[],
    householdIds: readonly string[],
  ): Promise<Map<string, Pick<RegistryHousehold, 'id' | 'classificationByYear'>>> {
    const result = new Map<string, Pick<RegistryHousehold, 'id' | 'classificationByYear'>>();
    if (householdIds.length === 0 || communeCodes?.length === 0) return result;
    const query = `query($communeCodes: [ID!], $years: [Int!]!) {
      consistencyClassifications(communeCodes: $communeCodes, years: $years) { householdId year classification } }`;
    const facts = (await this.request(query, { communeCodes, years }, 'consistencyClassifications')) as Array<{
      householdId: string;
      year: number;
      classification: RegistryClassification;
    }>;
    const wanted = new Set(householdIds);
    for (const f of facts) {
      if (!wanted.has(f.householdId)) continue;
      let household = result.get(f.householdId);
      if (!household) result.set(f.householdId, (household = { id: f.householdId, classificationByYear: Object.fromEntries(years.map((y) => [y, null])) }));
      household.classificationByYear[f.year] = f.classification;
    }
    const missing = [...wanted].filter((id) => !result.has(id));
    for (const [id, household] of await this.households(missing, years)) result.set(id, household);
    return result;
  }

  /** The member ids of each known household, head first; unknown households are absent. */
  async householdMembers(householdIds: readonly string[], options: { bornBy?: number } = {}): Promise<Map<string, string[]>> {
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Household { id members { id birthYear } } } }`;
    const result = new Map<string, string[]>();
    // bornBy: members born after that year did not exist yet and are left out (the registry
    // knows birth years only, so someone born in `bornBy` counts for the whole year).
    const born = (m: { birthYear: number }) => options.bornBy === undefined || m.birthYear <= options.bornBy;
    for (const chunk of chunks(unique(householdIds).filter(isId), BATCH_SIZE)) {
      for (const e of await this.entities(
        query,
        chunk.map((id) => ({ __typename: 'Household', id })),
      )) {
        if (e)
          result.set(
            String(e.id),
            (e.members as Array<{ id: string; birthYear: number }>).filter(born).map((m) => m.id),
          );
      }
    }
    return result;
  }

  private async entities(query: string, representations: unknown[]): Promise<Array<Record<string, unknown> | null>> {
    return (await this.request(query, { representations }, '_entities')) as Array<Record<string, unknown> | null>;
  }

  /** One query to the registry; the answer's `field`, or RegistryUnavailable. */
  private async request(query: string, variables: Record<string, unknown>, field: string): Promise<unknown[]> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await this.headers()) },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new RegistryUnavailable(`${this.url} did not answer (${(error as Error).message})`);
    }
    const body = (await response.json().catch(() => ({}))) as { data?: Record<string, unknown[] | undefined>; errors?: Array<{ message: string }> };
    const answer = body.data?.[field];
    if (!response.ok || body.errors?.length || !answer) {
      throw new RegistryUnavailable(body.errors?.map((e) => e.message).join('; ') || `HTTP ${response.status}`);
    }
    return answer;
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
