import fs from 'node:fs';
import http from 'node:http';
import { postRaw } from '../lib/http.js';

// A gateway that does no work of its own, for `npm run bench:overhead -- --hop`: the floor under
// "ours ÷ critical path" that no gateway in this topology can go below. It stands where our
// gateway stands (its own process, HTTP in from the client), sends one operation's recorded
// query plan to the subgraphs (the same requests our gateway's plan sends, a Sequence one after
// another, a Parallel at once, through the benchmark's keep-alive node:http client in
// bench/lib/http.ts, as the replay does), reads each answer whole as text without parsing it,
// and answers with the bytes our gateway answered. What it leaves out is all a real gateway's
// own work: parsing and validating the operation, access and limits, the plan, each answer's
// parsing and merging, the entity representations, the result's shaping and its JSON. What it
// keeps is what the extra process costs: the client's request read, the plan's fetches sent and
// read from a second process, the answer written.
//
// BENCH_HOP_PLAN: a JSON file holding `{ plan: HopNode, answer: string }` (overhead.ts writes it).

export type HopNode = { kind: 'Sequence' | 'Parallel'; nodes: HopNode[] } | { kind: 'Fetch'; url: string; body: string } | { kind: 'Empty' };

const planFile = process.env.BENCH_HOP_PLAN;
const port = Number(process.env.PORT);
if (!planFile || !port) {
  console.error('hop.ts runs as a child of bench/overhead.ts (BENCH_HOP_PLAN, PORT)');
  process.exit(2);
}
const { plan, answer } = JSON.parse(fs.readFileSync(planFile, 'utf8')) as { plan: HopNode; answer: string };
const answerBytes = Buffer.from(answer, 'utf8');

async function run(node: HopNode, authorization: string | undefined): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await run(child, authorization);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => run(child, authorization)));
      return;
    case 'Fetch': {
      // Read whole as text (as our gateway's post does), never parsed.
      const answer = await postRaw(node.url, node.body, authorization ? { authorization } : {});
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status} from ${node.url}`);
      return;
    }
    case 'Empty':
      return;
  }
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    run(plan, req.headers.authorization).then(
      () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answerBytes.length });
        res.end(answerBytes);
      },
      (error: Error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(error.message);
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`hop ready at http://127.0.0.1:${port}/graphql`));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
