import fs from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';

export interface SupergraphWatchEvents {
  /** A new supergraph is in use (after the subgraphs it names answered a health check). */
  updated(file: string): void;
  /** A changed file was not taken: the gateway keeps the supergraph it had, and says why. */
  rejected(file: string, reason: string): void;
}

/**
 * The supergraph read from a file and taken up again whenever the file changes, without a
 * restart and without dropping a request: @apollo/gateway's `supergraphSdl` hook hands each new
 * text to `update`, which builds the new schema and query planner beside the old and swaps them
 * for the requests that start after it (requests in flight finish on the old one).
 *
 * A new text is taken only if it loads (a supergraph that does not parse or whose join
 * directives are broken is refused by `update`) and every subgraph it names answers the
 * gateway's health check; otherwise the old supergraph stays and `rejected` says why. This is
 * what Apollo's managed federation and Hive's CDN do online, here with a file that
 * `npm run schema:publish` writes (atomically: a rename, so a half-written file is never read).
 * The file is polled (fs.watchFile), which also sees a rename over it.
 */
export function watchedSupergraph(file: string, events: SupergraphWatchEvents, intervalMs = 1000): SupergraphSdlHook {
  return async ({ update, healthCheck }) => {
    let current = fs.readFileSync(file, 'utf8');
    let checking = Promise.resolve();
    const onChange = (now: fs.Stats, before: fs.Stats) => {
      if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
      // One change at a time, in order: a second publish waits for the first one's check.
      checking = checking.then(async () => {
        let next: string;
        try {
          next = fs.readFileSync(file, 'utf8');
        } catch (error) {
          return events.rejected(file, `could not read it: ${(error as Error).message}`);
        }
        if (next === current) return;
        try {
          await healthCheck(next);
          update(next);
          current = next;
          events.updated(file);
        } catch (error) {
          events.rejected(file, (error as Error).message.split('\n')[0]!);
        }
      });
    };
    fs.watchFile(file, { interval: intervalMs, persistent: false }, onChange);
    return {
      supergraphSdl: current,
      cleanup: async () => {
        fs.unwatchFile(file, onChange);
        await checking;
      },
    };
  };
}
