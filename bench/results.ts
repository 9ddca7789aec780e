import type { BenchConfig } from './config.js';
import type { Comparison } from './floor.js';
import type { LoadResult } from './lib/load.js';

// The shape of bench/results/latest.json: everything the markdown table is made from.

export interface GatewayRun extends LoadResult {
  /** Peak resident memory of the gateway process during the run, in MiB. */
  peakMemoryMiB: number;
}

export interface OperationRun {
  clients: number;
  ours: GatewayRun;
  hive: GatewayRun;
  /** Our gateway with fixes from bench/experiments (`ours+dedup`, ...) and Hive without deduplication, when asked for. */
  extras: Record<string, GatewayRun>;
  /** The query plan's fetches sent straight to the subgraphs (no gateway). */
  direct: LoadResult;
  /** Sum along the plan's critical path of each fetch's median during the direct run. */
  criticalPathP50: number;
  criticalPath: string[];
  /** Our throughput divided by Hive Gateway's. */
  throughputVsHive: number;
  /** Our median divided by the critical path's. */
  p50VsCriticalPath: number;
}

/** A load of simulated officials (bench/users.ts) on one gateway, with the writer beside it. */
export interface UsersLoad extends GatewayRun {
  writes: number;
  /** The writer's answered writes, each from sent to answered (ms): what a write waits (leases included). */
  writeMs: number[];
  writeErrors: number;
  firstWriteError?: string;
}

/**
 * One operation at one client count with the users' mix, four ways in a row: our gateway and
 * Hive Gateway, each with every reader on the one shared administrator token and with each
 * reader on a token of its own (the public with none).
 */
export interface UsersRun {
  operation: string;
  clients: number;
  /** Readers by role in the distinct-token runs. */
  mix: Record<string, number>;
  /** Household view: how many different households the readers open between them (each its own, in turn). */
  households?: number;
  oursShared: UsersLoad;
  oursDistinct: UsersLoad;
  hiveShared: UsersLoad;
  hiveDistinct: UsersLoad;
  /** Throughput with distinct tokens over throughput with the shared token, same gateway, same run. */
  oursDistinctVsShared: number;
  hiveDistinctVsShared: number;
  /** Our throughput over Hive Gateway's, both with the distinct tokens. */
  oursVsHiveDistinct: number;
  /** The same with the shared token. */
  oursVsHiveShared: number;
  /** Our median over Hive Gateway's, both with the distinct tokens (below 1: ours answers sooner). */
  p50OursVsHiveDistinct: number;
}

export interface StatementVariant {
  variant: string;
  /** What the answer holds, for the reader ("126 communes", "100 households"). */
  holds: string;
  /** The number in `holds`, to compare variants by the size of their answers. */
  size: number;
  statements: number;
}

export interface OperationResult {
  name: string;
  variables: Record<string, unknown>;
  answerBytes: number;
  /** Our gateway's answer against Hive Gateway's (and every extra gateway's). */
  differential: { identical: boolean; detail?: string };
  /** The capturing planner's answer equals our gateway's (so the replay does the same work). */
  captureMatches: boolean;
  plan: string;
  statementsPerRequest: { ours: number; hive: number; bySubgraph: Record<string, number> };
  statementVariants: StatementVariant[];
  runs: OperationRun[];
}

export interface FloorRun {
  clients: number;
  floor: LoadResult;
  ours: { p50: number; throughput: number };
  /** Our median over the floor's, and the floor's throughput over ours. */
  p50VsFloor: number;
  throughputFloorVsOurs: number;
}

export interface FloorResult {
  operation: string;
  statements: number;
  comparison: Comparison;
  runs: FloorRun[];
}

export interface GrowthResult {
  operation: string;
  scale: number;
  households: number;
  statementsPerRequest: number;
  runs: LoadResult[];
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  seconds: number;
  config: BenchConfig;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string };
  datasets: Array<{ scale: number; database: string; households: number; generatedSeconds: number; generatedAt: string }>;
  operations: OperationResult[];
  floor: FloorResult[];
  users: UsersRun[];
  growth: GrowthResult[];
  memory: { oursPeakMiBAt50: number | null; hivePeakMiBAt50: number | null; oursPeakMiB: number; hivePeakMiB: number };
  targets: Target[];
  /** Checks that failed (differential, floor, errors under load): the run exits non-zero. */
  failures: string[];
  /** What went wrong outside our gateway (Hive Gateway's failed requests in the users' runs), reported only. */
  notes: string[];
}
