import { GraphQLError } from 'graphql';
import type { Viewer } from '../auth.js';
import type { DisclosurePolicy } from './disclosure.js';
import { EXACT_COUNTS_SCOPE } from './rules.js';

export interface WithheldCount {
  path: Array<string | number>;
  coordinate: string;
  reason: string;
}

export function withheldReason(threshold: number): string {
  return `withheld: a count from 1 to ${threshold} could identify a family (an amount or rate beside it would give it away); a token with the "${EXACT_COUNTS_SCOPE}" scope sees it`;
}

/**
 * The one error for a record that does not exist and for one outside the caller's communes:
 * the two must read the same, or a refusal would confirm that a household exists and where.
 */
function forbiddenWrite(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * One request's access state: the viewer, the disclosure policy for what it may not see
 * exactly, and what the request did that must be reported (withheld counts) or audited
 * (personal fields read).
 */
export class RequestAuth {
  readonly withheld: WithheldCount[] = [];
  /** Personal-field coordinate → the households whose values were read. */
  readonly personalReads = new Map<string, Set<string>>();
  operationName: string | null = null;
  /** The Idempotency-Key header the request carried (for its mutations; see writes.ts). */
  idempotencyKey: string | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly disclosure: DisclosurePolicy,
    /** This server's id for the request (the gateway's, when the request came through it). */
    readonly requestId?: string,
    /** The x-request-id the caller sent, kept beside ours, never instead of it. */
    readonly callerRequestId?: string,
  ) {}

  /** Whether this viewer sees counts and amounts exactly as recorded. */
  get exact(): boolean {
    return this.viewer.has(EXACT_COUNTS_SCOPE);
  }

  get smallCountThreshold(): number {
    return this.disclosure.threshold;
  }

  /** Whether a count must be withheld from this viewer (1 to the threshold, without exact counts). */
  withholds(value: unknown): boolean {
    return typeof value === 'number' && value >= 1 && value <= this.disclosure.threshold && !this.exact;
  }

  noteWithheld(path: Array<string | number>, coordinate: string): void {
    this.withheld.push({ path, coordinate, reason: withheldReason(this.disclosure.threshold) });
  }

  notePersonalRead(coordinate: string, householdId: string | undefined): void {
    let ids = this.personalReads.get(coordinate);
    if (!ids) this.personalReads.set(coordinate, (ids = new Set()));
    if (householdId) ids.add(householdId);
  }

  /**
   * Whether this request asked which communes the viewer may see (any of the methods below):
   * an answer that never asked is the same for every viewer of the same roles and scopes, so
   * kept answers share it between caseworkers of different communes (kept-responses.ts).
   * Resolvers go through these methods, never `viewer.communes`, so that this stays true.
   */
  communesRead = false;

  /** The communes whose households this viewer may see; null when every commune. */
  get communeScope(): readonly string[] | null {
    this.communesRead = true;
    return this.viewer.communes ? [...this.viewer.communes] : null;
  }

  canSeeCommune(code: string): boolean {
    this.communesRead = true;
    return this.viewer.canSeeCommune(code);
  }

  /**
   * For a record (or commune) named in a write: when it lies outside the viewer's communes, the
   * write is refused with `missing()`, the very error the write gives for a record that does
   * not exist, so that a refusal says nothing about records elsewhere (no oracle). Call it as
   * soon as the record's commune is known, before any other check of the record (eligibility,
   * status, ...) could tell something about it. Reads of one record by id return null for such
   * a record instead (`canSeeCommune`), as they do for a missing one.
   */
  requireCommune(code: string, missing: () => GraphQLError): void {
    this.communesRead = true;
    if (!this.viewer.canSeeCommune(code)) throw missing();
  }

  /**
   * For a write that belongs to no commune (a city-wide statistic, a city project, a
   * contribution to the city's fund): a commune-scoped role may not make it.
   */
  requireCityWide(what: string): void {
    this.communesRead = true;
    if (this.viewer.communes) throw forbiddenWrite(`A role limited to some communes cannot record ${what} (city-wide records).`);
  }
}
