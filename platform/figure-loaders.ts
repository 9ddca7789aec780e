import type DataLoader from 'dataloader';
import type { KeptRequest } from './kept.js';

/** A commune's figure as a resolver asks for it: the commune, and what else it is asked with (a period, a year, a date). */
export interface CommuneAsk<A> {
  commune: string;
  args: A;
}

/** The DataLoader key of a CommuneAsk (the kept answers' key too): its commune, then its arguments. */
export function communeAskKey<A>(argsKey: (args: A) => string): (ask: CommuneAsk<A>) => string {
  return (ask) => `${ask.commune}|${argsKey(ask.args)}`;
}

/**
 * A kept loader of one figure per commune, the way every department builds them: keys are
 * objects (never strings built in a resolver and parsed again here), batched into one `fetch`
 * per distinct arguments (`argsKey` says when two are the same) for all the communes asked with
 * them, so 126 communes cost what one does. A commune `fetch` leaves out gets `none(args)`.
 * Answers are kept per commune (platform/kept.ts).
 */
export function communeFigureLoader<A, V>(
  kept: KeptRequest,
  field: string,
  argsKey: (args: A) => string,
  fetch: (args: A, communes: readonly string[]) => Promise<ReadonlyMap<string | null, V>>,
  none: (args: A) => V,
): DataLoader<CommuneAsk<A>, V, string> {
  return kept.loader<CommuneAsk<A>, V>(
    field,
    (ask) => ask.commune,
    async (asks) => {
      const groups = new Map<string, { args: A; communes: Set<string> }>();
      for (const ask of asks) {
        const id = argsKey(ask.args);
        let group = groups.get(id);
        if (!group) groups.set(id, (group = { args: ask.args, communes: new Set() }));
        group.communes.add(ask.commune);
      }
      const answers = new Map(await Promise.all([...groups].map(async ([id, group]) => [id, await fetch(group.args, [...group.communes])] as const)));
      return asks.map((ask) => answers.get(argsKey(ask.args))?.get(ask.commune) ?? none(ask.args));
    },
    { cacheKeyFn: communeAskKey(argsKey) },
  );
}
