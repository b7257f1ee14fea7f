/**
 * ContainerManager: the thread that deletes containers once empty and TTL nodes once expired, on ZooKeeper's
 * schedule: a pass every `znode.container.checkIntervalMs` (the first one interval after start), and within a
 * pass at most `znode.container.maxPerMinute` deletions a minute (each followed by a pause of 60000/maxPerMinute
 * ms, less the time it took). Candidates, as ZooKeeper 3.8 picks them, all without children:
 * - a container whose cversion is above 0 (it had a child once), or, with `znode.container.maxNeverUsedIntervalMs`
 *   set, one that never had a child and is older than that;
 * - a TTL node not modified for longer than its TTL (wall clock, against mtime).
 * Each deletion is a transaction of its own (one zxid, even if the node changed meanwhile and stays), and fires
 * watches as a delete does.
 *
 * Implements: zk.containers, zk.ttl-nodes.
 */
import { InterruptedError } from '../../spec/errors.ts';
import type { HostRuntime } from '../../spec/runtime.ts';
import { BackgroundThread } from './background-thread.ts';
import type { DataTree } from './data-tree.ts';
import { kindOf } from './extended-create.ts';
import type { Stat } from './stat.ts';

export const CONTAINER_MANAGER_THREAD = 'ContainerManager';

export interface ContainerSchedule {
  readonly containerCheckIntervalMs: number;
  readonly containerMaxPerMinute: number;
  readonly containerMaxNeverUsedIntervalMs: number;
}

/** Whether the node at `stat` is due for deletion at wall-clock `nowMs`. */
export function isCandidate(stat: Stat, nowMs: number, schedule: ContainerSchedule): boolean {
  if (stat.numChildren > 0) return false;
  const kind = kindOf(stat.ephemeralOwner);
  const elapsed = BigInt(Math.floor(nowMs)) - stat.mtime;
  if (kind.kind === 'container') {
    const neverUsed = schedule.containerMaxNeverUsedIntervalMs;
    return stat.cversion > 0 || (neverUsed > 0 && elapsed > BigInt(neverUsed));
  }
  return kind.kind === 'ttl' && kind.ttlMs > 0n && elapsed > kind.ttlMs;
}

export class ContainerManager {
  private readonly background: BackgroundThread;

  constructor(
    private readonly runtime: HostRuntime,
    private readonly schedule: ContainerSchedule,
    private readonly tree: DataTree,
    private readonly wallNow: () => number,
    /** Deletes `path` in a transaction of its own if it is still a candidate. */
    private readonly deleteCandidate: (path: string) => Promise<void>,
  ) {
    this.background = new BackgroundThread(runtime, CONTAINER_MANAGER_THREAD, () => this.run());
  }

  start(): void {
    this.background.start();
  }

  async shutdown(): Promise<void> {
    await this.background.stop();
  }

  /** The paths a pass would delete now. */
  candidates(): string[] {
    const now = this.wallNow();
    return this.tree
      .extendedNodes()
      .filter((n) => isCandidate(n.stat, now, this.schedule))
      .map((n) => n.path);
  }

  private async run(): Promise<void> {
    const { clock, log } = this.runtime;
    const spacing = 60_000 / this.schedule.containerMaxPerMinute;
    while (this.background.running) {
      try {
        await clock.sleep(this.schedule.containerCheckIntervalMs);
        for (const path of this.candidates()) {
          const started = clock.now();
          log.log('info', `Attempting to delete candidate container or TTL node ${path}`);
          await this.deleteCandidate(path);
          const wait = spacing - (clock.now() - started);
          if (wait > 0) await clock.sleep(wait);
        }
      } catch (err) {
        if (err instanceof InterruptedError) break;
        log.log('warn', `${CONTAINER_MANAGER_THREAD}: ignoring an exception: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
