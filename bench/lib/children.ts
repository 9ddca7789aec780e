import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
 * Starts a child and waits until it says it is ready. Its standard output and error go to a
 * file of their own (under the system's temporary folder, removed when the child is stopped),
 * never to a pipe into this process: our gateway and subgraphs log a JSON line per request, and
 * the load generator runs in this process. Through a pipe, every line woke the load generator
 * and had it read the line between two of its own requests: a request through a gateway paid
 * for the gateway's line, a fetch sent straight to a subgraph had no such line to pay for. The
 * file is read only for the ready line, and for the last lines when the child dies.
 */
export async function spawnChild(options: SpawnOptions): Promise<{ child: Child; ready: { line?: RegExpMatchArray; message?: any } }> {
  // Built JavaScript (the gateway, dist/gateway.mjs) runs with plain node, as in production.
  const loader = options.script.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const dir = logFolder();
  const logFile = path.join(dir, `${options.name.replace(/[^\w.-]+/g, '_')}-${process.pid}-${++spawned}.log`);
  const out = fs.openSync(logFile, 'w');
  let proc: ChildProcess;
  try {
    proc = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.script], {
      cwd: options.root ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', out, out, ...(options.ipc ? (['ipc'] as const) : [])],
    });
  } finally {
    // The child holds its own copy of the descriptor.
    fs.closeSync(out);
  }
  const tail = () => lastBytes(logFile, 4000);
  let ready = false;
  let stopRequested = false;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = {
    name: options.name,
    pid: proc.pid!,
    process: proc,
    tail,
    stop: async () => {
      stopRequested = true;
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(logFile, { force: true });
      removeIfEmpty(dir);
    },
  };
  const result = await new Promise<{ line?: RegExpMatchArray; message?: any }>((resolve, reject) => {
    let poll: NodeJS.Timeout | undefined;
    const settle = () => {
      ready = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
    };
    const timer = setTimeout(() => {
      if (poll) clearInterval(poll);
      const last = tail();
      void child.stop();
      reject(new Error(`${options.name} was not ready after ${(options.timeoutMs ?? 120_000) / 1000} s:\n${last}`));
    }, options.timeoutMs ?? 120_000);
    if (options.readyLine) {
      const readyLine = options.readyLine;
      // The file read on from where the last look stopped, a line at a time.
      let offset = 0;
      let buffered = '';
      poll = setInterval(() => {
        if (ready) return;
        const chunk = bytesFrom(logFile, offset);
        offset += chunk.length;
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const match = readyLine.exec(line);
          if (match) {
            settle();
            resolve({ line: match });
            return;
          }
        }
      }, 20);
    }
    if (options.readyMessage) {
      proc.on('message', (message: any) => {
        if (!ready && message?.type === options.readyMessage) {
          settle();
          resolve({ message });
        }
      });
    }
    void exited.then((code) => {
      if (ready) return;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      reject(new Error(`${options.name} exited with code ${code} before it was ready:\n${tail()}`));
    });
  });
  void exited.then((code) => {
    if (!stopRequested) console.error(`${options.name} exited unexpectedly (code ${code}):\n${tail()}`);
  });
  return { child, ready: result };
}

let spawned = 0;
let folder: string | undefined;

/** This run's folder for its children's output. */
function logFolder(): string {
  if (!folder) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-children-'));
    // What is left of it (a child that died, whose last lines were printed) goes with this process.
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** The folder gone once its last child's file is (a test's worker may never see its process's exit). */
function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
    if (folder === dir) folder = undefined;
  } catch {
    // Another child's file is still there.
  }
}

/** What a file holds from `offset` on (nothing when it is gone). */
function bytesFrom(file: string, offset: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(size - offset);
    const read = fs.readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** The last `count` bytes of a file, as text. */
function lastBytes(file: string, count: number): string {
  try {
    const size = fs.statSync(file).size;
    return bytesFrom(file, Math.max(0, size - count)).toString('utf8');
  } catch {
    return '';
  }
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
