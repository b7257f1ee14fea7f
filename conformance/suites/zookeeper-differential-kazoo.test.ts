/**
 * Differential with a real client in another language: kazoo, the Python ZooKeeper client most Python users run
 * (Debian's python3-kazoo), runs one workload (conformance/zookeeper/kazoo-workload.py: plain operations and their
 * errors, multi, one-shot and re-registering watches, ACLs with digest auth, and its recipes -- lock, counter,
 * queues, election, semaphore, barrier, party, tree cache -- over three sessions) against Apache ZooKeeper 3.8 and
 * against `cnxnspec serve` with each reference factory. What the workload prints leaves out what servers may choose
 * (zxids, times, session ids), so the two outputs must be equal.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findApacheZooKeeper } from '../zookeeper/apache-zookeeper.ts';
import { playWorkload, workloadDifferential } from '../zookeeper/workload-differential.ts';

/** kazoo's command() sends these; server_version() reads envi. */
const WHITELIST = 'ruok,envi';
const WORKLOAD = fileURLToPath(new URL('../zookeeper/kazoo-workload.py', import.meta.url));

/** Debian's interpreter, where python3-kazoo installs; a python3 first on PATH (pyenv, venv) may not see it. */
function findKazooPython(): { python: string } | { reason: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    const probe = spawnSync(python, ['-c', 'import kazoo'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return { python };
  }
  return { reason: 'kazoo is not installed: apt-get install python3-kazoo (.ci/run does)' };
}

const apache = findApacheZooKeeper();
const kazoo = findKazooPython();
const skip = !apache.found ? `Apache ZooKeeper is not available: ${apache.reason}` : 'reason' in kazoo ? kazoo.reason : false;

workloadDifferential({
  title: 'kazoo (Python) sees the same results, errors, watch events and recipe outcomes from',
  apache,
  skip,
  apacheConfig: [`4lw.commands.whitelist=${WHITELIST}`],
  serveConfig: [`4lw.commands.whitelist=${WHITELIST}`],
  run: (port) => ('reason' in kazoo ? Promise.reject(new Error(kazoo.reason)) : playWorkload('kazoo', kazoo.python, [WORKLOAD], port)),
});
