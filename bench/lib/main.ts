import { closeAgent } from './http.js';

/** Runs a benchmark script's main and exits with its code (1 on a throw, with the stack), the harness's client closed. */
export async function runMain(main: () => Promise<number>): Promise<never> {
  let code = 1;
  try {
    code = await main();
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  } finally {
    closeAgent();
  }
  process.exit(code);
}
