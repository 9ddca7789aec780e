import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { serveGateway } from '../gateway/gateway.js';
import { Authenticator, authConfigFromEnv } from '../platform/auth.js';
import { loadOperations } from '../platform/operations.js';
import { benchHeaders } from './auth.js';
import { closedLoop, httpTask, percentile } from './lib/load.js';
import { postRaw } from './lib/http.js';
import { runMain } from './lib/main.js';
import { PlanCapture, settleAnswers } from './plan.js';
import { BenchStack, SUPERGRAPH_PATH } from './stack.js';

// npm run bench:inprocess -- --database-url postgres://…/db [--operations a,b] [--rounds 5 --seconds 1.5]
//
// The gateway's own path alone, precise enough to see a tenth of a millisecond (issue 19). The
// subgraphs' answers to each operation's query plan are recorded once from the real subgraphs
// (bench/plan.ts); then the gateway runs in this process (gateway/gateway.ts, the code as it
// is, not the built bundle) in front of stub subgraphs that give those recorded answers, and
// one client asks. With no other process on the machine's cores, a p50 here moves by about
// ±0.03 ms, where the full stack's (bench:overhead) moves by 10 %. What it measures is what
// the gateway adds besides the subgraphs' work: two loopback HTTP exchanges, Apollo Server's
// pipeline, the plan's execution, the shaping, the log line.

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_scale_0_1' },
    operations: { type: 'string', default: 'commune-households,commune-household-records,household-360,commune-consistency,coverage-gaps' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '1.5' },
  },
});

async function recordAnswers(names: string[]): Promise<Map<string, Map<string, string>>> {
  const stack = await BenchStack.start(values['database-url'], 5);
  const capture = new PlanCapture(SUPERGRAPH_PATH, stack.subgraphUrls);
  const answers = new Map<string, Map<string, string>>();
  try {
    await capture.start();
    for (const op of loadOperations().filter((o) => names.includes(o.name))) {
      const captured = await capture.capture(op.name, op.document, op.variables);
      await settleAnswers(captured);
      for (const f of captured.fetches.values()) {
        if (!answers.has(f.subgraph)) answers.set(f.subgraph, new Map());
        answers.get(f.subgraph)!.set(f.body, f.answer);
      }
    }
  } finally {
    await capture.stop().catch(() => {});
    await stack.stop();
  }
  return answers;
}

/** A subgraph that gives the recorded answer to each recorded request body, and says so when asked anything else. */
async function stubSubgraph(answers: Map<string, string>): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET') {
        res.end('{"ready":true}');
        return;
      }
      const answer = answers.get(Buffer.concat(chunks).toString('utf8'));
      if (answer === undefined) res.statusCode = 500;
      res.end(answer ?? '{"errors":[{"message":"no recorded answer for this request"}]}');
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

async function main(): Promise<number> {
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  if (!(rounds >= 1) || !(seconds > 0)) throw new Error('--rounds must be at least 1 and --seconds more than 0');
  const names = values.operations.split(',').filter(Boolean);
  const operations = loadOperations().filter((o) => names.includes(o.name));
  const unknown = names.filter((n) => !operations.some((o) => o.name === n));
  if (unknown.length) throw new Error(`no operation ${unknown.join(', ')} in schema/operations`);

  const answers = await recordAnswers(names);
  const stubs = await Promise.all(
    ['registry', 'credit', 'housing', 'social_insurance', 'employment', 'livelihoods'].map(
      async (name) => [name, await stubSubgraph(answers.get(name) ?? new Map())] as const,
    ),
  );
  const running = await serveGateway({
    subgraphUrls: Object.fromEntries(stubs.map(([name, stub]) => [name, stub.url])),
    port: 0,
    host: '127.0.0.1',
    auth: new Authenticator(authConfigFromEnv()),
    // The log line is made as in production; where it goes is not what is measured.
    logDestination: fs.createWriteStream('/dev/null'),
    signIn: null,
  });
  const rows: string[] = [];
  try {
    for (const op of operations) {
      const body = JSON.stringify({ query: op.document, variables: op.variables });
      const first = await postRaw(running.url, body, benchHeaders());
      if (first.status !== 200 || first.body.includes('"errors"')) throw new Error(`${op.name}: ${first.status} ${first.body.slice(0, 300)}`);
      const task = httpTask({ url: running.url, body, headers: benchHeaders(), expectBody: first.body });
      await closedLoop({ clients: 1, seconds: 2, task });
      const p50s: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const run = await closedLoop({ clients: 1, seconds, task });
        if (run.errors || run.mismatches) throw new Error(`${op.name}: ${run.errors} errors, ${run.mismatches} answers differed (${run.firstError ?? ''})`);
        p50s.push(run.p50);
      }
      const sorted = [...p50s].sort((a, b) => a - b);
      const row = `| ${op.name} | **${percentile(sorted, 50).toFixed(3)} ms** | ${sorted[0]!.toFixed(3)}-${sorted.at(-1)!.toFixed(3)} ms |`;
      console.log(row);
      rows.push(row);
    }
  } finally {
    await running.close();
    for (const [, stub] of stubs) stub.server.close();
  }
  console.log(
    `\nThe gateway in this process before stub subgraphs giving recorded answers, one client, ${rounds} rounds of ${seconds} s:\n\n` +
      '| operation | p50 (median of rounds) | range |\n|---|---|---|\n' +
      rows.join('\n'),
  );
  return 0;
}

await runMain(main);
