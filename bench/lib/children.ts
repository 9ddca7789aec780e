import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A server of the benchmark running as an OS process of its own (its memory is its own). */
export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** The last lines it wrote, for the error message when it dies. */
  tail(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /**
   * Relative to the repository root; run as `node --import tsx <script>` (as `npm start` does),
   * or with plain node when it is built JavaScript (`.mjs`).
   */
  script: string;
  env?: Record<string, string>;
  /** Another checkout to run the script from (bench/profile.ts's baseline); this one by default. */
  root?: string;
  /** Extra node flags (for example --cpu-prof, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
  ipc?: boolean;
  /** Ready when a line of standard output matches. */
  readyLine?: RegExp;
  /** Ready when the child sends an IPC message of this type; resolves with the message. */
  readyMessage?: string;
  timeoutMs?: number;
}

/**
 * Starts a child and waits until it says it is ready. Its output is read line by line only
 * until then; afterwards it is drained unread (our gateway logs a JSON line per request and the
 * load generator, in this process, must not pay for parsing them) except for a short tail.
 */
export async function spawnChild(options: SpawnOptions): Promise<{ child: Child; ready: { line?: RegExpMatchArray; message?: any } }> {
  // Built JavaScript (the gateway, dist/gateway.mjs) runs with plain node, as in production.
  const loader = options.script.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.script], {
    cwd: options.root ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  let tail = '';
  let ready = false;
  let stopRequested = false;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = {
    name: options.name,
    pid: proc.pid!,
    process: proc,
    tail: () => tail,
    stop: async () => {
      stopRequested = true;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const result = await new Promise<{ line?: RegExpMatchArray; message?: any }>((resolve, reject) => {
    const timer = setTimeout(() => {
      void child.stop();
      reject(new Error(`${options.name} was not ready after ${(options.timeoutMs ?? 120_000) / 1000} s:\n${tail}`));
    }, options.timeoutMs ?? 120_000);
    let buffered = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (ready || !options.readyLine) return;
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = options.readyLine.exec(line);
        if (match) {
          ready = true;
          clearTimeout(timer);
          resolve({ line: match });
          return;
        }
      }
    });
    proc.stderr!.on('data', keep);
    if (options.readyMessage) {
      proc.on('message', (message: any) => {
        if (!ready && message?.type === options.readyMessage) {
          ready = true;
          clearTimeout(timer);
          resolve({ message });
        }
      });
    }
    void exited.then((code) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before it was ready:\n${tail}`));
    });
  });
  void exited.then((code) => {
    if (!stopRequested) console.error(`${options.name} exited unexpectedly (code ${code}):\n${tail}`);
  });
  return { child, ready: result };
}

/** A TCP port free right now on 127.0.0.1 (for a child that takes its port from PORT). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** User plus system CPU seconds a process has used, from /proc (Linux; counted in hundredths). */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command's name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in bytes, from /proc (Linux); undefined where unreadable. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples a process's resident memory every `intervalMs` and keeps the peak since the last
 * `reset()`: the peak of one load run, not of the process's whole life.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peakBytes = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 50,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  reset(): void {
    this.peakBytes = 0;
    this.sample();
  }

  peak(): number {
    this.sample();
    return this.peakBytes;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sample(): void {
    const rss = residentBytes(this.pid);
    if (rss !== undefined && rss > this.peakBytes) this.peakBytes = rss;
  }
}
