/**
 * The NIO factory's settings: FactoryOptions with the spec/knobs defaults filled in and checked. Read once, in
 * configure, as ZooKeeper reads its properties there.
 *
 * Implements: nio.thread-counts (defaults by core count, N < 1 refused).
 */
import { availableParallelism } from 'node:os';
import {
  defaultSelectorThreads,
  defaultWorkerThreads,
  GLOBAL_OUTSTANDING_LIMIT,
  JUTE_MAXBUFFER,
  SESSIONLESS_CNXN_TIMEOUT_MS,
  SHUTDOWN_TIMEOUT_MS,
} from '../../spec/knobs.ts';
import type { FactoryOptions } from '../../spec/server-cnxn-factory.ts';
import { configError, integer } from '../option-values.ts';

/** Reference-only options on top of the spec's FactoryOptions. */
export interface NioFactoryOptions extends FactoryOptions {
  /**
   * Reading from a connection stops while more than this many reply bytes wait in its outgoingBuffers, and
   * resumes once they drain below it (default 1 MiB). ZooKeeper has no such bound; see wire.slow-reader.
   */
  readonly outgoingHighWaterBytes?: number;
  /**
   * While output is over the high-water mark, complete frames go on being read but are parked unprocessed, up to
   * this many bytes (default 64 KiB); so a lagging client's pings still reach the connection and keep its session
   * (wire.slow-reader). Past it, reading stops altogether.
   */
  readonly parkedInputBytes?: number;
}

export interface NioSettings {
  readonly cores: number;
  readonly numSelectorThreads: number;
  /** 0 means no worker pool: IO runs on the selector threads. */
  readonly numWorkerThreads: number;
  readonly sessionlessCnxnTimeout: number;
  readonly maxCnxns: number;
  readonly juteMaxBuffer: number;
  readonly globalOutstandingLimit: number;
  readonly shutdownTimeout: number;
  readonly outgoingHighWaterBytes: number;
  readonly parkedInputBytes: number;
}

export const DEFAULT_OUTGOING_HIGH_WATER_BYTES = 1024 * 1024;
export const DEFAULT_PARKED_INPUT_BYTES = 64 * 1024;

/** Fills in and checks the NIO settings. Implements: nio.thread-counts. */
export function resolveNioSettings(options: NioFactoryOptions = {}): NioSettings {
  const cores = integer('cores', options.cores, availableParallelism());
  if (cores < 1) throw configError(`cores must be at least 1, got ${cores}`);
  const numSelectorThreads = integer('numSelectorThreads', options.numSelectorThreads, defaultSelectorThreads(cores));
  if (numSelectorThreads < 1) {
    throw configError(
      `numSelectorThreads must be at least 1 (got ${numSelectorThreads}); set zookeeper.nio.numSelectorThreads to 1 or more, or leave it unset`,
    );
  }
  const numWorkerThreads = Math.max(0, integer('numWorkerThreads', options.numWorkerThreads, defaultWorkerThreads(cores)));
  const sessionlessCnxnTimeout = integer('sessionlessCnxnTimeout', options.sessionlessCnxnTimeout, SESSIONLESS_CNXN_TIMEOUT_MS);
  if (sessionlessCnxnTimeout < 1) {
    throw configError(
      `sessionlessCnxnTimeout must be at least 1 ms (got ${sessionlessCnxnTimeout}); it is also the expiry bucket interval`,
    );
  }
  // A negative total limit means no limit, as in ZooKeeper (which warns and uses 0).
  const maxCnxns = Math.max(0, integer('maxCnxns', options.maxCnxns, 0));
  const juteMaxBuffer = integer('juteMaxBuffer', options.juteMaxBuffer, JUTE_MAXBUFFER);
  if (juteMaxBuffer < 0) throw configError(`juteMaxBuffer must not be negative, got ${juteMaxBuffer}`);
  const globalOutstandingLimit = integer('globalOutstandingLimit', options.globalOutstandingLimit, GLOBAL_OUTSTANDING_LIMIT);
  const shutdownTimeout = integer('shutdownTimeout', options.shutdownTimeout, SHUTDOWN_TIMEOUT_MS);
  const outgoingHighWaterBytes = integer(
    'outgoingHighWaterBytes',
    options.outgoingHighWaterBytes,
    DEFAULT_OUTGOING_HIGH_WATER_BYTES,
  );
  if (outgoingHighWaterBytes < 1) throw configError(`outgoingHighWaterBytes must be at least 1, got ${outgoingHighWaterBytes}`);
  const parkedInputBytes = integer('parkedInputBytes', options.parkedInputBytes, DEFAULT_PARKED_INPUT_BYTES);
  if (parkedInputBytes < 0) throw configError(`parkedInputBytes must not be negative (0 turns parking off), got ${parkedInputBytes}`);
  return {
    cores,
    numSelectorThreads,
    numWorkerThreads,
    sessionlessCnxnTimeout,
    maxCnxns,
    juteMaxBuffer,
    globalOutstandingLimit,
    shutdownTimeout,
    outgoingHighWaterBytes,
    parkedInputBytes,
  };
}
