import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FieldNode, type GraphQLSchema } from 'graphql';
import type { Viewer } from './auth.js';
import { deepFreeze, keepRecent, maxEntriesFromEnv, switchFromEnv, type KeptAnswers } from './kept.js';
import type { RequestAuth, WithheldCount } from './access/request.js';

/**
 * Kept responses: a whole subgraph answer served again, for a query every field of which is a
 * kept figure (issue 19). The 126-commune scorecard's fetch of a programme subgraph asks 126
 * entities for a few figures each; with every figure kept (kept.ts), what it still cost was
 * GraphQL execution itself: 126 × 7 resolvers, their access wrappers and DataLoader calls, for
 * an answer that is the same for every caller of one visibility class until a figure changes.
 *
 * A response is kept only when the operation is a query whose every selected field is one of
 * the subgraph's `fields` (coordinates `Type.field` whose values come only from kept figures,
 * entity keys and the arguments), and, for `_entities`, every representation is of one of the
 * `entities` types (whose reference resolves from its key alone or from a table that moves the
 * versions). It is kept under:
 *
 * - the document's text, operation name and variables;
 * - the caller's visibility class (roles, scopes and communes: what shapes `@count`, `@amount`
 *   and the scope checks), never the token or its subject;
 * - the sum of the subgraph's figure versions, read before the operation runs (one statement),
 *   which every committed change to a figure table raises. A write that commits while the
 *   response is computed leaves it under an older sum than its data: it never matches again.
 *   So a read after a successful mutation always runs afresh, as kept figures do.
 *
 * A response with errors, or that read a personal field (each read is audited), is never kept.
 * The counts withheld in it are kept with it and reported again on every answer it serves.
 * KEPT_FIGURES=off or KEPT_RESPONSES=off runs every operation (read on each request);
 * KEPT_RESPONSES_MAX_ENTRIES bounds the memory (least recently used first out; 256 by default).
 *
 * Every keepable answer says the sum it was computed (or kept) under, in
 * `extensions.figureVersion`, and `GET /figure-version` says the sum now: so the gateway can
 * keep the whole federated answer too, and serve it again while every subgraph it asked still
 * has the sum it answered under (gateway/kept-answers.ts).
 */

export interface KeptResponseRules {
  /** Coordinates `Type.field` whose values derive only from kept figures, keys and arguments. */
  fields: readonly string[];
  /** Entity types `_entities` may resolve in a kept response. */
  entities: readonly string[];
}

interface KeptResponse {
  tag: number;
  data: Record<string, unknown>;
  withheld: readonly WithheldCount[];
}

/** The extension of a keepable subgraph answer that carries the version sum it holds for. */
export const FIGURE_VERSION = 'figureVersion';

export function keptResponsesEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return switchFromEnv('KEPT_RESPONSES', env);
}

/**
 * How long a lease on the figure version sum lasts, in milliseconds (FIGURE_LEASE_MS, 50 by
 * default, 0 for none; read on each grant). A lease spares the gateway's kept answers one
 * question a subgraph per request; what it costs is that a change to a figure committed while a
 * lease runs waits for its end before it commits (at most this long, and only while some
 * gateway is serving kept answers).
 */
export function figureLeaseMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.FIGURE_LEASE_MS;
  if (value === undefined || value === '') return 50;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 10_000) throw new Error(`FIGURE_LEASE_MS must be a whole number of milliseconds from 0 to 10000, got "${value}"`);
  return ms;
}

/**
 * What a viewer may see, without who they are: the key a response is shared under. Without
 * `communes`, the class of an answer that never asked which communes the viewer may see
 * (RequestAuth.communesRead): the same for every viewer of these roles and scopes, whatever
 * their communes (`*`, never equal to a class with communes, nor to one of "every commune").
 */
export function visibilityClass(viewer: Viewer, communes: 'own' | 'any' = 'own'): string {
  const own = viewer.communes ? [...viewer.communes].sort() : null;
  return JSON.stringify([[...viewer.roles].sort(), [...viewer.scopes].sort(), communes === 'any' ? '*' : own]);
}

/**
 * The extension of a kept answer that depended on the viewer's communes (true): the gateway
 * keeps the federated answer under the viewer's own class then, not the class of any communes.
 */
export const FIGURE_COMMUNES = 'figureCommunes';

/** An answer's two keys: for any communes (tried first), and for the viewer's own. */
export interface KeptKeys {
  any: string;
  own: string;
}

/** Takes the kept entry under either key, the class of any communes first. */
export function keptUnder<T>(entries: Map<string, T>, keys: KeptKeys): { key: string; entry: T } | undefined {
  const any = entries.get(keys.any);
  if (any !== undefined) return { key: keys.any, entry: any };
  const own = entries.get(keys.own);
  return own === undefined ? undefined : { key: keys.own, entry: own };
}

/** Both keys of an answer to `rest` (document, variables...) for this viewer. */
export function keptKeys(viewer: Viewer, rest: string): KeptKeys {
  return { any: `${visibilityClass(viewer, 'any')}\u0000${rest}`, own: `${visibilityClass(viewer, 'own')}\u0000${rest}` };
}

/** One subgraph process's kept responses (built once, with the subgraph, beside its KeptAnswers). */
export class KeptResponses {
  private readonly entries = new Map<string, KeptResponse>();
  private readonly fields: ReadonlySet<string>;
  private readonly entities: ReadonlySet<string>;
  /** Whether a document selects only kept fields (documents are Apollo's cached parses, reused). */
  private readonly keepable = new WeakMap<DocumentNode, { ok: boolean; representations: string[] }>();
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly answers: KeptAnswers,
    rules: KeptResponseRules,
    private readonly options: { maxEntries?: number; enabled?: () => boolean } = {},
  ) {
    this.fields = new Set(rules.fields);
    this.entities = new Set(rules.entities);
  }

  private get maxEntries(): number {
    return this.options.maxEntries ?? maxEntriesFromEnv('KEPT_RESPONSES_MAX_ENTRIES', 256);
  }

  private enabled(): boolean {
    return this.answers.enabled() && (this.options.enabled ?? (() => keptResponsesEnabled()))();
  }

  /**
   * The sum of the subgraph's figure versions now (`GET /figure-version`), or undefined when
   * answers are not kept (KEPT_FIGURES or KEPT_RESPONSES off): then no answer carries one either.
   */
  async version(): Promise<number | undefined> {
    return this.enabled() ? this.answers.versionSum() : undefined;
  }

  /**
   * The same sum, with a lease on it of FIGURE_LEASE_MS (`leaseMs` 0 when none was granted): the
   * sum stays current until the lease ends, counted from before the question was sent.
   */
  async leasedVersion(): Promise<{ version: number; leaseMs: number } | undefined> {
    return this.enabled() ? this.answers.leaseVersionSum(figureLeaseMs()) : undefined;
  }

  /** The plugin that serves and keeps responses (createSubgraphServer adds it). */
  plugin<TContext extends BaseContext & { auth: RequestAuth }>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async () => {
        let pending: { keys: KeptKeys; tag: number } | undefined;
        return {
          responseForOperation: async (context) => {
            const keys = this.keysOf(context);
            if (keys === undefined) return null;
            const tag = await this.answers.versionSum();
            const found = keptUnder(this.entries, keys);
            if (!found || found.entry.tag !== tag) {
              this.stats.misses++;
              pending = { keys, tag };
              return null;
            }
            this.stats.hits++;
            // Least recently used goes first: a hit moves to the end.
            this.entries.delete(found.key);
            this.entries.set(found.key, found.entry);
            context.contextValue.auth.withheld.push(...found.entry.withheld);
            const extensions = { [FIGURE_VERSION]: tag, ...(found.key === keys.any ? {} : { [FIGURE_COMMUNES]: true }) };
            return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: found.entry.data, extensions } } };
          },
          willSendResponse: async ({ response, contextValue }) => {
            if (!pending || response.body.kind !== 'single') return;
            const { data, errors } = response.body.singleResult;
            const auth = contextValue.auth;
            if (errors?.length || !data || auth.personalReads.size) return;
            // An answer that asked for the viewer's communes is theirs alone; any other is
            // shared by every viewer of the same roles and scopes.
            const key = auth.communesRead ? pending.keys.own : pending.keys.any;
            this.keep(key, { tag: pending.tag, data: deepFreeze(data), withheld: [...auth.withheld] });
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              [FIGURE_VERSION]: pending.tag,
              ...(auth.communesRead ? { [FIGURE_COMMUNES]: true } : {}),
            };
          },
        };
      },
    };
  }

  /** The keys of a keepable request, or undefined when it must run. */
  private keysOf(context: GraphQLRequestContext<BaseContext & { auth: RequestAuth }>): KeptKeys | undefined {
    const { document, operation, request, schema } = context;
    if (!this.enabled() || !document || operation?.operation !== 'query' || request.query === undefined) return undefined;
    let shape = this.keepable.get(document);
    if (!shape) this.keepable.set(document, (shape = this.shapeOf(document, schema)));
    if (!shape.ok) return undefined;
    for (const name of shape.representations) {
      const representations: unknown = request.variables?.[name];
      if (!Array.isArray(representations)) return undefined;
      for (const r of representations) if (!this.entities.has((r as { __typename?: unknown } | null)?.__typename as string)) return undefined;
    }
    const variables = JSON.stringify(request.variables ?? {});
    return keptKeys(context.contextValue.auth.viewer, `${request.operationName ?? ''}\u0000${request.query}\u0000${variables}`);
  }

  /**
   * Whether every field the document selects is a kept one, and the variables that carry
   * `_entities` representations (which must be checked on each request). `_entities` with
   * representations written in the document itself is not kept (the gateway never sends that).
   */
  private shapeOf(document: DocumentNode, schema: GraphQLSchema): { ok: boolean; representations: string[] } {
    const typeInfo = new TypeInfo(schema);
    const representations: string[] = [];
    let ok = true;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node: FieldNode) => {
          const parent = typeInfo.getParentType();
          const name = node.name.value;
          if (name === '__typename') return;
          const coordinate = `${parent?.name ?? '?'}.${name}`;
          if (coordinate === 'Query._entities') {
            const arg = node.arguments?.find((a) => a.name.value === 'representations');
            if (arg?.value.kind === Kind.VARIABLE) representations.push(arg.value.name.value);
            else ok = false;
            return;
          }
          if (!this.fields.has(coordinate)) ok = false;
        },
      }),
    );
    return { ok, representations };
  }

  private keep(key: string, entry: KeptResponse): void {
    keepRecent(this.entries, key, entry, this.maxEntries);
  }
}
