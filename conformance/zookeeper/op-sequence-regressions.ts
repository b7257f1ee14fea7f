/**
 * Op sequences the differential fuzz (op-sequence-diff.ts) once found the reference answering differently from
 * Apache ZooKeeper 3.8.0, each with the lines ZooKeeper's play showed (play-normaliser.ts), which the reference now
 * shows too. Kept as regression cases: the suite plays them on the reference alone (no Java needed) and, when
 * ZooKeeper is there, on both. The lines are those of a play under the root REGRESSION_ROOT (one of them depends on
 * the full paths).
 */
import type { AclEntry } from './request-frames.ts';
import type { OpSequence, ZkOp } from './op-sequence.ts';

export const REGRESSION_ROOT = '/regression';

const OPEN: readonly AclEntry[] = [[31, 'world', 'anyone']];
/** Every permission but READ, for everyone. */
const NO_READ: readonly AclEntry[] = [[30, 'world', 'anyone']];
const create = (session: number, path: string, acl = OPEN): ZkOp => ({ session, kind: 'create', op: 'create', path, data: 'x', acl, flags: 0 });

export interface Regression {
  readonly name: string;
  readonly sequence: OpSequence;
  /** Per session, the lines ZooKeeper 3.8.0 showed. */
  readonly zookeeper: readonly (readonly string[])[];
}

export const REGRESSIONS: readonly Regression[] = [
  {
    name: 'a check outside a multi',
    sequence: {
      sessions: 1,
      ops: [
        create(0, 'a'),
        { session: 0, kind: 'checkVersion', path: 'a', version: 0 },
        { session: 0, kind: 'checkVersion', path: 'a', version: 3 },
        { session: 0, kind: 'checkVersion', path: 'x', version: -1 },
        { session: 0, kind: 'sync', path: 'a' },
      ],
    },
    // A passing check (#2) is answered with nothing, a failing one with its error; each uses a zxid (sync shows +4).
    zookeeper: [
      [
        '#1 ok zxid +1 {"path":"~/a"}',
        '#3 BADVERSION zxid +3',
        '#4 NONODE zxid +4',
        '#5 ok zxid +4 {"path":"~/a"}',
      ],
    ],
  },
  {
    name: 'checkWatches and removeWatches of a watch another session holds',
    sequence: {
      sessions: 2,
      ops: [
        create(0, 'c'),
        { session: 0, kind: 'read', op: 'getData', path: 'c', watch: true },
        { session: 1, kind: 'checkWatches', path: 'c', type: 2 },
        { session: 1, kind: 'checkWatches', path: 'c', type: 3 },
        { session: 1, kind: 'checkWatches', path: 'c', type: 1 },
        { session: 1, kind: 'removeWatches', path: 'c', type: 2 },
      ],
    },
    // checkWatches is OK when any session watches the path (#3, #4); removeWatches only removes the asker's own (#6).
    zookeeper: [
      [
        '#1 ok zxid +1 {"path":"~/c"}',
        '#2 ok zxid +1 {"data":"x","stat":{"czxid":"+1","mzxid":"+1","version":0,"cversion":0,"aversion":0,"ephemeralOwner":"0","dataLength":1,"numChildren":0,"pzxid":"+1"}}',
      ],
      [
        '#3 ok zxid +1',
        '#4 ok zxid +1',
        '#5 NOWATCHER zxid +1',
        '#6 NOWATCHER zxid +1',
      ],
    ],
  },
  {
    name: 'notifications about nodes the watcher may not read',
    sequence: {
      sessions: 2,
      ops: [
        { session: 1, kind: 'read', op: 'exists', path: 'c', watch: true },
        create(0, 'c', NO_READ),
        { session: 0, kind: 'setACL', path: 'c', acl: OPEN, version: -1 },
        { session: 0, kind: 'setData', path: 'c', data: 'y', version: -1 },
        { session: 1, kind: 'addWatch', path: '', mode: 1 },
        create(0, 'd', [[31, 'ip', '10.0.0.0/8']]),
        create(0, 'e', [[31, 'ip', '127.0.0.1']]),
        { session: 1, kind: 'read', op: 'getChildren', path: 'e', watch: true },
        { session: 0, kind: 'setACL', path: 'e', acl: NO_READ, version: -1 },
        create(0, 'e/f'),
      ],
    },
    // No NodeCreated for c (no READ), and the exists watch is used up by it: no NodeDataChanged after c is opened;
    // d is for 10.0.0.0/8 only, e for 127.0.0.1; once e is unreadable its child watch fires for nobody, while the
    // recursive watch still reports the readable e/f.
    zookeeper: [
      [
        '#2 ok zxid +1 {"path":"~/c"}',
        '#3 ok zxid +2 {"stat":{"czxid":"+1","mzxid":"+1","version":0,"cversion":0,"aversion":1,"ephemeralOwner":"0","dataLength":1,"numChildren":0,"pzxid":"+1"}}',
        '#4 ok zxid +3 {"stat":{"czxid":"+1","mzxid":"+3","version":1,"cversion":0,"aversion":1,"ephemeralOwner":"0","dataLength":1,"numChildren":0,"pzxid":"+1"}}',
        '#6 ok zxid +4 {"path":"~/d"}',
        '#7 ok zxid +5 {"path":"~/e"}',
        '#9 ok zxid +6 {"stat":{"czxid":"+5","mzxid":"+5","version":0,"cversion":0,"aversion":1,"ephemeralOwner":"0","dataLength":1,"numChildren":0,"pzxid":"+5"}}',
        '#10 ok zxid +7 {"path":"~/e/f"}',
      ],
      [
        '#1 NONODE zxid +0',
        '#5 ok zxid +3 {"err":0}',
        'event type 1 state 3 ~/e',
        '#8 ok zxid +5 {"children":[]}',
        'event type 1 state 3 ~/e/f',
      ],
    ],
  },
  {
    name: 'the ephemerals of a closed session, in the order a watcher sees them go',
    sequence: {
      sessions: 2,
      ops: [
        create(0, 'a'),
        { session: 1, kind: 'addWatch', path: 'a', mode: 1 },
        ...Array.from({ length: 7 }, (): ZkOp => ({ session: 0, kind: 'create', op: 'create', path: 'a/', data: null, acl: OPEN, flags: 3 })),
        { session: 0, kind: 'create', op: 'create', path: 'a/x', data: null, acl: OPEN, flags: 1 },
        { session: 0, kind: 'closeSession' },
      ],
    },
    // Played under /regression: the deletions go in the order of Java's HashSet of the full paths, not by name.
    zookeeper: [
      [
        '#1 ok zxid +1 {"path":"~/a"}',
        '#3 ok zxid +2 {"path":"~/a/0000000000"}',
        '#4 ok zxid +3 {"path":"~/a/0000000001"}',
        '#5 ok zxid +4 {"path":"~/a/0000000002"}',
        '#6 ok zxid +5 {"path":"~/a/0000000003"}',
        '#7 ok zxid +6 {"path":"~/a/0000000004"}',
        '#8 ok zxid +7 {"path":"~/a/0000000005"}',
        '#9 ok zxid +8 {"path":"~/a/0000000006"}',
        '#10 ok zxid +9 {"path":"~/a/x"}',
        '#11 ok zxid +10',
      ],
      [
        '#2 ok zxid +1 {"err":0}',
        'event type 1 state 3 ~/a/0000000000',
        'event type 1 state 3 ~/a/0000000001',
        'event type 1 state 3 ~/a/0000000002',
        'event type 1 state 3 ~/a/0000000003',
        'event type 1 state 3 ~/a/0000000004',
        'event type 1 state 3 ~/a/0000000005',
        'event type 1 state 3 ~/a/0000000006',
        'event type 1 state 3 ~/a/x',
        'event type 2 state 3 ~/a/0000000000',
        'event type 2 state 3 ~/a/x',
        'event type 2 state 3 ~/a/0000000002',
        'event type 2 state 3 ~/a/0000000001',
        'event type 2 state 3 ~/a/0000000004',
        'event type 2 state 3 ~/a/0000000003',
        'event type 2 state 3 ~/a/0000000006',
        'event type 2 state 3 ~/a/0000000005',
      ],
    ],
  },
];
