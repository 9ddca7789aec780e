import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { runMain } from './lib/main.js';

// npx tsx bench/profile-summary.ts FILE.cpuprofile [--requests N] [--last SECONDS] [--top 40]
//
// What a V8 CPU profile (`npm run bench:profile -- --cpu-prof DIR`, or node --cpu-prof) says
// per request, as text: each function's self time and inclusive time, divided by --requests.
// --last keeps only the profile's last SECONDS, so that a process's start (module loading,
// compiling) and warm-up do not count: bench:profile prints how many requests each round made.
// A function is its name, file and line; a builtin (JSON.parse, a socket write) is counted as
// the self time of the JavaScript that called it when V8 does not show it on its own. Inclusive
// time counts a function once per sample however deep it recurs; for an async function it is
// only the part of each continuation's stack it is on. Last, self time by where the code comes
// from: each npm package, Node's own JavaScript, V8's builtins and collector, and our code (the
// project's files and the built gateway bundle, which leaves the packages outside it).

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Summary {
  /** Sampled time per request, idle included, in ms. */
  totalMs: number;
  self: Array<[string, number]>;
  inclusive: Array<[string, number]>;
  /** Self time per request by package (node_modules), `node` internals, `ours`, or V8's own entries. */
  byPackage: Array<[string, number]>;
}

/** Where a function's code comes from: an npm package's name, `node`, `ours`, or V8's entry as it is ((idle), (garbage collector), a builtin). */
function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(V8 builtins: JSON, socket writes, ...)';
  if (url.startsWith('node:')) return 'node';
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0) return 'ours';
  const [scope, name] = url.slice(at + '/node_modules/'.length).split('/');
  return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
}

const label = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;

/** Self and inclusive time per function, per request, over the profile's last `lastSeconds` (all of it when undefined). */
function summarize(profile: Profile, requests: number, lastSeconds?: number): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const from = lastSeconds === undefined ? -Infinity : profile.endTime - lastSeconds * 1e6;
  const perNode = new Map<number, number>();
  let clock = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    clock += delta;
    if (clock < from) continue;
    perNode.set(profile.samples[i]!, (perNode.get(profile.samples[i]!) ?? 0) + delta);
  }
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of perNode) {
    total += us;
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    const where = origin(node.callFrame.url, node.callFrame.functionName);
    byPackage.set(where, (byPackage.get(where) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const perRequest = (m: Map<string, number>) => [...m].map(([k, us]): [string, number] => [k, us / 1000 / requests]).sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000 / requests, self: perRequest(self), inclusive: perRequest(inclusive), byPackage: perRequest(byPackage) };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      requests: { type: 'string', default: '1' },
      last: { type: 'string' },
      top: { type: 'string', default: '40' },
    },
  });
  const file = positionals[0];
  const requests = Number(values.requests);
  const top = Number(values.top);
  const last = values.last === undefined ? undefined : Number(values.last);
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [--requests N] [--last SECONDS] [--top 40]');
  if (!(requests > 0) || !(top > 0) || (last !== undefined && !(last > 0))) throw new Error('--requests, --top and --last must be positive numbers');
  const summary = summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, requests, last);
  const rows = (list: Array<[string, number]>) => list.slice(0, top).map(([name, ms]) => `${ms.toFixed(3).padStart(9)} ms  ${name}`);
  console.log(`${summary.totalMs.toFixed(2)} ms sampled per request (idle included), over ${requests} request(s)`);
  console.log(
    [
      '',
      'self time per request:',
      ...rows(summary.self),
      '',
      'inclusive time per request:',
      ...rows(summary.inclusive),
      '',
      'self time per request by where the code comes from:',
      ...rows(summary.byPackage),
    ].join('\n'),
  );
  return 0;
}

await runMain(main);
