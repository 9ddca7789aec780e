import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgres } from './embedded.js';

describe('the embedded database', () => {
  let engine: EmbeddedPostgres;
  beforeAll(async () => {
    engine = await EmbeddedPostgres.open(undefined);
  }, 60_000);
  afterAll(() => engine.close());

  it('lets the event loop go round while a queue of statements runs (timers, sockets, Ctrl-C)', async () => {
    // Statements one after another for 300 ms, as a migration sends them: PGlite answers in this
    // thread, so without the gate's pause nothing else (this interval) would run until the end.
    const pool = engine.poolFor('public');
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    const started = performance.now();
    let statements = 0;
    try {
      while (performance.now() - started < 300) {
        const client = await pool.connect();
        await client.query('SELECT 1', []);
        client.release();
        statements++;
      }
    } finally {
      clearInterval(interval);
    }
    expect(statements).toBeGreaterThan(50);
    // The gate pauses once the loop has not gone round for 20 ms: about 15 times in 300 ms.
    expect(ticks).toBeGreaterThanOrEqual(5);
  });
});
