import type { BenchResults } from './results.js';
import { percentile } from './lib/load.js';

const ms = (n: number) => (!Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const rps = (n: number) => (!Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (n: number) => (!Number.isFinite(n) ? '–' : `${n.toFixed(2)}×`);
const mib = (n: number | null) => (n === null || !Number.isFinite(n) ? '–' : `${n.toFixed(0)} MiB`);

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The whole report as markdown: what `npm run bench` prints and writes to latest.md. */
export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const main = r.datasets.find((d) => d.scale === r.config.scale);
  out.push(`## Benchmark (${r.mode}), ${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(
    `Scale ${r.config.scale} (${main?.households.toLocaleString('en') ?? '?'} registry households), seed ${r.config.seed}; ` +
      `${r.config.seconds} s per run after ${r.config.warmupSeconds} s of warm-up; ${r.machine.cpus} cores (${r.machine.cpuModel}), ` +
      `Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; ${r.config.poolSize} connections per subgraph. ` +
      `Latencies in ms, throughput in requests per second; the whole run took ${(r.seconds / 60).toFixed(1)} min.`,
  );
  out.push('');
  out.push('### Targets');
  out.push('');
  out.push(
    table(
      ['target', 'goal', 'measured', 'met'],
      r.targets.map((t) => [t.name, t.goal, t.measured, t.met ? 'yes' : '**no**']),
    ),
  );
  out.push('');
  if (r.failures.length) {
    out.push('### Failed checks');
    out.push('');
    for (const f of r.failures) out.push(`- ${f}`);
    out.push('');
  }
  out.push("### Operations: our gateway, Hive Gateway, and the plan's fetches called directly");
  out.push('');
  const extras = [...new Set(r.operations.flatMap((o) => o.runs.flatMap((run) => Object.keys(run.extras))))];
  const header = ['operation', 'clients', 'ours p50', 'ours p95', 'ours req/s', 'Hive p50', 'Hive p95', 'Hive req/s', 'ours ÷ Hive req/s'];
  for (const name of extras) header.push(`${name} p50`, `${name} req/s`, `${name} ÷ Hive req/s`);
  header.push('direct p50', 'critical path p50', 'ours p50 ÷ critical path', 'ours MiB', 'Hive MiB');
  const rows: string[][] = [];
  for (const op of r.operations) {
    for (const run of op.runs) {
      const row = [
        op.name,
        String(run.clients),
        ms(run.ours.p50),
        ms(run.ours.p95),
        rps(run.ours.throughput),
        ms(run.hive.p50),
        ms(run.hive.p95),
        rps(run.hive.throughput),
        ratio(run.throughputVsHive),
      ];
      for (const name of extras) {
        const extra = run.extras[name];
        row.push(extra ? ms(extra.p50) : '–', extra ? rps(extra.throughput) : '–', extra ? ratio(extra.throughput / run.hive.throughput) : '–');
      }
      row.push(ms(run.direct.p50), ms(run.criticalPathP50), ratio(run.p50VsCriticalPath), mib(run.ours.peakMemoryMiB), mib(run.hive.peakMemoryMiB));
      rows.push(row);
    }
  }
  out.push(table(header, rows));
  out.push('');
  out.push(
    '"direct": the subgraph requests our gateway\'s query plan makes, sent straight to the subgraphs in the plan\'s order by the same number of clients; ' +
      '"critical path": the sum, along the plan\'s slowest chain, of each fetch\'s median in that run.',
  );
  out.push('');
  out.push('### Per operation: answer, query plan, SQL statements per request');
  out.push('');
  out.push(
    table(
      ['operation', 'answer bytes', 'ours = Hive', 'query plan', 'SQL/request (ours)', 'SQL/request (Hive)', 'by subgraph'],
      r.operations.map((op) => [
        op.name,
        op.answerBytes.toLocaleString('en'),
        op.differential.identical ? 'identical' : `**differs**: ${op.differential.detail ?? ''}`,
        `\`${op.plan}\``,
        String(op.statementsPerRequest.ours),
        String(op.statementsPerRequest.hive),
        Object.entries(op.statementsPerRequest.bySubgraph)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${s} ${n}`)
          .join(', '),
      ]),
    ),
  );
  out.push('');
  const variants = r.operations.filter((op) => op.statementVariants.length > 0);
  if (variants.length) {
    out.push('SQL statements per request as the answer grows:');
    out.push('');
    out.push(
      table(
        ['operation', 'variant', 'answer holds', 'SQL/request'],
        variants.flatMap((op) => op.statementVariants.map((v) => [op.name, v.variant, v.holds, String(v.statements)])),
      ),
    );
    out.push('');
  }
  if (r.users?.length) {
    out.push('### Officials each with their own token, against one shared token');
    out.push('');
    out.push(
      table(
        [
          'operation',
          'clients',
          'readers',
          'ours shared p50',
          'ours shared req/s',
          'ours distinct p50',
          'ours distinct req/s',
          'ours distinct ÷ shared',
          'Hive shared req/s',
          'Hive distinct p50',
          'Hive distinct req/s',
          'Hive distinct ÷ shared',
          'ours ÷ Hive (distinct)',
          'p50 ours ÷ Hive (distinct)',
          'ours ÷ Hive (shared)',
          'writes (ours/Hive, distinct)',
          'write p50 (ours/Hive, distinct)',
          'failed reads+writes (ours/Hive, distinct)',
        ],
        r.users.map((u) => [
          u.operation,
          String(u.clients),
          Object.entries(u.mix)
            .map(([role, n]) => `${n} ${role}`)
            .join(', ') + (u.households ? `; ${u.households} households` : ''),
          ms(u.oursShared.p50),
          rps(u.oursShared.throughput),
          ms(u.oursDistinct.p50),
          rps(u.oursDistinct.throughput),
          ratio(u.oursDistinctVsShared),
          rps(u.hiveShared.throughput),
          ms(u.hiveDistinct.p50),
          rps(u.hiveDistinct.throughput),
          ratio(u.hiveDistinctVsShared),
          ratio(u.oursVsHiveDistinct),
          ratio(u.p50OursVsHiveDistinct),
          ratio(u.oursVsHiveShared),
          `${u.oursDistinct.writes}/${u.hiveDistinct.writes}`,
          `${writeP50(u.oursDistinct)}/${writeP50(u.hiveDistinct)}`,
          `${u.oursDistinct.errors + u.oursDistinct.writeErrors}/${u.hiveDistinct.errors + u.hiveDistinct.writeErrors}`,
        ]),
      ),
    );
    out.push('');
    out.push(
      '"shared": every reader sends the one administrator token of bench/auth.ts, so identical subgraph fetches in flight are merged; ' +
        '"distinct": each reader is a person of its own (bench/users.ts: analysts, caseworkers each of two communes of their own, the public with no token sending the registered operation; ' +
        "for the household view, which only caseworkers and administrators may open, four caseworkers to one administrator, each opening households of its own in turn, a caseworker's from its communes, the same households in the shared-token runs). " +
        `In all four runs a credit writer records a repayment through the gateway under load every ${r.config.writerIntervalMs} ms${r.config.writerIntervalMs ? '' : ' (off)'}; answers are checked for being whole (no errors), since the figures may change under them.` +
        (r.config.usersRounds > 1
          ? ` Each row is ${r.config.usersRounds} rounds of the four runs, every other in reverse order: req/s over all rounds, p50 the rounds' mean.`
          : ''),
    );
    out.push('');
  }
  if (r.notes?.length) {
    out.push('Notes (not failures of our gateway):');
    out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  if (r.floor.length) {
    out.push('### The floor: the same figures by hand-written SQL on the databases');
    out.push('');
    out.push(
      table(
        ['operation', 'clients', 'SQL p50', 'SQL req/s', 'ours p50', 'ours req/s', 'ours p50 ÷ SQL p50', 'SQL req/s ÷ ours', 'fields equal'],
        r.floor.flatMap((f) =>
          f.runs.map((run) => [
            f.operation,
            String(run.clients),
            ms(run.floor.p50),
            rps(run.floor.throughput),
            ms(run.ours.p50),
            rps(run.ours.throughput),
            ratio(run.p50VsFloor),
            ratio(run.throughputFloorVsOurs),
            f.comparison.mismatches.length
              ? `**${f.comparison.mismatches.length} differ**`
              : `${f.comparison.checked - f.comparison.withheld} of ${f.comparison.checked}${f.comparison.withheld ? ` (${f.comparison.withheld} withheld)` : ''}`,
          ]),
        ),
      ),
    );
    out.push('');
    out.push(
      `One statement per subgraph schema (${r.floor.map((f) => `${f.operation}: ${f.statements}`).join(', ')}), run in parallel on a pool as large as the subgraphs' together.`,
    );
    out.push('');
  }
  if (r.growth.length) {
    out.push('### Growth with the data');
    out.push('');
    const clients = [...new Set(r.growth.flatMap((g) => g.runs.map((run) => run.clients)))].sort((a, b) => a - b);
    out.push(
      table(
        ['operation', 'scale', 'households', 'SQL/request', ...clients.flatMap((c) => [`p50 @${c}`, `p95 @${c}`, `req/s @${c}`])],
        r.growth.map((g) => [
          g.operation,
          String(g.scale),
          g.households.toLocaleString('en'),
          String(g.statementsPerRequest),
          ...clients.flatMap((c) => {
            const run = g.runs.find((x) => x.clients === c);
            return run ? [ms(run.p50), ms(run.p95), rps(run.throughput)] : ['–', '–', '–'];
          }),
        ]),
      ),
    );
    out.push('');
  }
  out.push(
    `Peak gateway memory (resident): ours ${mib(r.memory.oursPeakMiBAt50)} under 50 clients (${mib(r.memory.oursPeakMiB)} over the run), ` +
      `Hive Gateway ${mib(r.memory.hivePeakMiBAt50)} under 50 clients (${mib(r.memory.hivePeakMiB)} over the run).`,
  );
  out.push('');
  return out.join('\n');
}

/** The median of a load's writes, from sent to answered ('–' with none; older results have none). */
function writeP50(load: { writeMs?: readonly number[] }): string {
  const sorted = [...(load.writeMs ?? [])].sort((a, b) => a - b);
  return sorted.length ? ms(percentile(sorted, 50)) : '–';
}
