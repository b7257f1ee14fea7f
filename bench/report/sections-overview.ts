/** The report's opening sections: the machine, the issue's targets with their verdicts, and the servers. */
import type { RunResult } from '../results.ts';
import { commonCauses, whyMissed } from './findings.ts';
import { showSpread, spread } from '../stats.ts';
import { table } from './md-table.ts';
import { isMarginal, judgeTargets } from './targets.ts';

export function machineSection(result: RunResult): string[] {
  const m = result.machine;
  const load = (l: readonly number[] | undefined) => (l ? l.map((x) => x.toFixed(2)).join(' / ') : '-');
  const loads = spread(result.servers.flatMap((s) => s.reps.map((r) => r.loadAvg1)));
  return [
    '## The machine',
    '',
    ...table(
      ['fact', 'value'],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores (load generator and every server share them)`],
        ['memory', `${m.memoryGiB.toFixed(1)} GiB`],
        ['kernel', m.kernel],
        ['Node', m.node],
        ['Java', m.java ?? 'not found'],
        ['Apache ZooKeeper', m.zookeeper ?? `not run: ${result.zookeeperSkipped ?? 'unknown'}`],
        ['ulimit -n (soft / hard)', `${m.ulimitSoft} / ${m.ulimitHard}`],
        ['net.core.somaxconn / tcp_max_syn_backlog', `${m.somaxconn ?? '?'} / ${m.synBacklog ?? '?'}`],
        ['load average (1 / 5 / 15 min) at start', load(m.loadStart)],
        ['load average at end', load(m.loadEnd)],
        ...(loads ? [['1-min load average as each server started: median (min-max)', showSpread(loads, 2)]] : []),
      ],
    ),
    '',
    'Other engineers share these cores, so the load average above includes their work: compare servers within this run ' +
      '(as ratios), not with figures from another run. All servers listen on 127.0.0.1; the load generator is this ' +
      'project\'s own code (raw sockets, jute frames from `reference/server/frames.ts`) in one node process, and each ' +
      'server runs in a process of its own, started fresh for every repetition.',
    '',
  ];
}

export function serversSection(result: RunResult): string[] {
  const handler = result.handlerNote ? result.handlerNote : 'EchoHandler';
  return [
    '## Servers',
    '',
    ...table(
      ['id', 'server', 'measured'],
      result.servers.map((s) => [s.spec.id, s.spec.label, s.skipped ? `skipped: ${s.skipped}` : `${s.reps.length} repetition(s)${s.reps.some((r) => r.errors.length) ? ' (with errors, below)' : ''}`]),
    ),
    '',
    `The node servers serve ${handler.split(' | ')[0]} behind the connection layer` +
      `${handler.includes(' | ') ? ` (${handler.split(' | ')[1]})` : ''}: the handshake and the ping reply, which is all these ` +
      'phases ask of a server; what is measured is the connection layer. ZooKeeper runs its full request pipeline ' +
      '(session creation, ping through the processors), with `-Xmx1000m`, a temp dataDir, `maxClientCnxns=0`, ' +
      '`admin.enableServer=false`, and `-Dzookeeper.nio.sessionlessCnxnTimeout` set like the reference\'s ' +
      `\`sessionlessCnxnTimeout\` (${result.settings.sessionlessMs} ms). ` +
      'The listen backlog decides a storm more than the factory does: a SYN that finds the accept queue full is ' +
      'retransmitted a second later. So every server but the two "default" ones gets an explicit backlog of 4096 ' +
      '(= net.core.somaxconn here); ZooKeeper NIO keeps the JDK\'s 50 by default and the reference node\'s 511.',
    '',
  ];
}

export function targetsSection(result: RunResult): string[] {
  const verdicts = judgeTargets(result);
  const lines = [
    '## Targets (issue 17): `cnxnspec serve` (the reference NIO factory at its defaults) against Apache ZooKeeper 3.8',
    '',
    ...table(
      ['target', 'this run', 'verdict', 'the bare node:net floor in this run'],
      verdicts.map((v) => [
        v.target,
        v.figure,
        (v.met === undefined ? 'not judged' : v.met ? '**met**' : '**missed**') + (isMarginal(v) ? ' (within 10%)' : ''),
        v.floor === undefined ? 'not measured' : `${v.floor.figure}: ${v.floor.met ? 'would meet it' : 'would miss it too'}`,
      ]),
    ),
    '',
    'The last column applies the same target to the floor: one Node process that only reads frames and answers them, ' +
      'with no factory, queues or logical threads. Where the floor misses a target, no factory in one Node process could ' +
      'have met it in this run. ZooKeeper\'s figures move more from run to run than the Node servers\' (see the quiet ' +
      'side-by-side under "Where the time goes"), so look at several runs before calling a target out of reach.',
    '',
  ];
  if (verdicts.some(isMarginal)) {
    lines.push(
      '"Within 10%": the figure lies within 10% of the target, where on this shared machine the verdict can flip from one ' +
        'run to the next; the min-max ranges in the tables below show how far single repetitions moved.',
      '',
    );
  }
  const missed = verdicts.filter((v) => v.met === false);
  if (missed.length > 0) {
    lines.push('### Why a target was missed, and what would close it', '');
    if (missed.some((v) => v.id.startsWith('storm') || v.id.startsWith('pings') || v.id === 'p99')) lines.push(...commonCauses());
    for (const v of missed) lines.push(`- **${v.target}** (${v.figure}): ${whyMissed(v.id, v, result)}`);
    lines.push('');
  }
  return lines;
}
