import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { DocumentNode } from 'graphql';
import { loadOperations } from '../platform/operations.js';

// graphql-js's printer from the same copy the gateway's documents were parsed by (see pages.ts).
const { parse, print } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The operations a caller without a token may run: the registered documents in
 * schema/operations/ (the dashboard's and the README's), matched by their text as graphql-js
 * prints it (so whitespace and comments do not matter) or named by `documentId` in the request
 * body: the file's name ("commune-scorecard") or "sha256:<hex of the printed text>". As Apollo
 * Router's safelisting and Hive's trusted documents do, it makes the public surface a fixed,
 * reviewable catalogue of tables; docs/privacy.md says why. Variables stay free (a commune code,
 * a year), and disclosure control still applies to every answer.
 */
export class TrustedDocuments {
  private readonly byText = new Map<string, string>();
  private readonly byId = new Map<string, string>();

  constructor(documents: ReadonlyArray<{ name: string; document: string }>) {
    for (const { name, document } of documents) {
      const printed = print(parse(document));
      const hash = crypto.createHash('sha256').update(printed).digest('hex');
      this.byText.set(printed, name);
      this.byId.set(name, document);
      this.byId.set(`sha256:${hash}`, document);
    }
  }

  static fromOperations(): TrustedDocuments {
    return new TrustedDocuments(loadOperations());
  }

  /** The registered document's text for a `documentId`. */
  document(id: string): string | undefined {
    return this.byId.get(id);
  }

  /** The registered operation a parsed document is, if it is one. */
  nameOf(document: DocumentNode): string | undefined {
    return this.byText.get(print(document));
  }

  /** Every registered operation: name, id and text (served at GET /operations). */
  list(): Array<{ name: string; id: string; document: string }> {
    return [...this.byText.entries()].map(([printed, name]) => ({
      name,
      id: `sha256:${crypto.createHash('sha256').update(printed).digest('hex')}`,
      document: this.byId.get(name)!,
    }));
  }
}

/** Whether a document asks only for the schema (`__schema`, `__type`, `__typename`): the playground's docs. */
export function isIntrospectionOnly(document: DocumentNode): boolean {
  // Fragments are allowed (GraphiQL's introspection query uses them): every operation's root
  // fields are what decides.
  return document.definitions.every(
    (def) =>
      def.kind === 'FragmentDefinition' ||
      (def.kind === 'OperationDefinition' &&
        def.operation === 'query' &&
        def.selectionSet.selections.every((s) => s.kind === 'Field' && s.name.value.startsWith('__'))),
  );
}

/** PUBLIC_OPERATIONS: `registered` (the default) or `any` (callers without a token may send any document). */
export function publicOperationsFromEnv(env: NodeJS.ProcessEnv = process.env): 'registered' | 'any' {
  const value = env.PUBLIC_OPERATIONS || 'registered';
  if (value !== 'registered' && value !== 'any') throw new Error(`PUBLIC_OPERATIONS must be "registered" or "any", got "${value}"`);
  return value;
}
