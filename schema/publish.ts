import fs from 'node:fs';
import path from 'node:path';
import { checkSchema, composeFromSdl, formatReport, subgraphSdlsOf, type AcknowledgedChange, type Operation, type SubgraphSdl } from './check.js';

export interface PublishInput {
  /** The subgraph whose new SDL goes out. */
  subgraph: string;
  /** Every subgraph's SDL as it is now (the working tree's). */
  subgraphs: readonly SubgraphSdl[];
  /** The supergraph file the gateways serve and watch; its current text is what clients run against. */
  target: string;
  operations: readonly Operation[];
  acknowledged: readonly AcknowledgedChange[];
}

export interface PublishResult {
  /** Written; nothing to write (the named subgraph's schema is already the published one); or refused, nothing written. */
  outcome: 'published' | 'unchanged' | 'refused';
  /** What happened, for the person publishing. */
  report: string;
}

/**
 * `npm run schema:publish -- <subgraph>`: one department publishes its schema without touching
 * anyone else's. Composes every subgraph's SDL, refuses when the composition fails, when another
 * subgraph's schema also differs from what is published (that is its department's to publish),
 * or when the schema check fails (a breaking change not acknowledged, an operation of
 * schema/operations that no longer validates, a shared element described differently); otherwise writes the new supergraph to `target`
 * by a rename, so that a gateway watching it (gateway/supergraph-watch.ts) never reads half a
 * file. Nothing is written when anything is refused.
 */
export function publishSubgraph(input: PublishInput): PublishResult {
  if (!input.subgraphs.some((s) => s.name === input.subgraph)) {
    return { outcome: 'refused', report: `no subgraph named "${input.subgraph}"; the subgraphs are ${input.subgraphs.map((s) => s.name).join(', ')}` };
  }
  const published = fs.readFileSync(input.target, 'utf8');
  const composed = composeFromSdl(input.subgraphs);
  if (!composed.supergraphSdl) {
    return { outcome: 'refused', report: `COMPOSITION FAILED, nothing published:\n${composed.errors.map((e) => `  - ${e}`).join('\n')}` };
  }
  const before = subgraphSdlsOf(published);
  const after = subgraphSdlsOf(composed.supergraphSdl);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name));
  const others = changed.filter((name) => name !== input.subgraph);
  if (others.length) {
    return {
      outcome: 'refused',
      report: `not published: ${others.join(', ')} also differ${others.length === 1 ? 's' : ''} from the published supergraph; each department publishes its own (npm run schema:publish -- ${others[0]})`,
    };
  }
  if (!changed.includes(input.subgraph)) return { outcome: 'unchanged', report: `${input.subgraph}: nothing to publish (its schema is the published one)` };
  const result = checkSchema({ subgraphs: input.subgraphs, committedSupergraph: published, operations: input.operations, acknowledged: input.acknowledged });
  const report = formatReport(result);
  if (!result.ok) return { outcome: 'refused', report: `${report}\nnot published` };
  const temporary = path.join(path.dirname(input.target), `.${path.basename(input.target)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, composed.supergraphSdl);
  fs.renameSync(temporary, input.target);
  return { outcome: 'published', report: `${report}\npublished ${input.subgraph} to ${input.target}: running gateways take it up within about a second` };
}
