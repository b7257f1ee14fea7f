/**
 * Watch notification vocabulary: event types and keeper states (ZooKeeper's values). A notification is
 * ReplyHeader(xid -1, zxid, err 0) followed by WatcherEvent{type, state, path}.
 */
import type { Acl } from './acl.ts';

export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
} as const;

export type EventTypeValue = (typeof EventType)[keyof typeof EventType];

export const KeeperState = {
  Disconnected: 0,
  SyncConnected: 3,
  Expired: -112,
} as const;

/** A change to the tree that may fire watches. */
export interface TreeEvent {
  readonly type: EventTypeValue;
  readonly path: string;
  /** The zxid of the change; ZooKeeper 3.9 puts it in the notification's ReplyHeader. */
  readonly zxid: bigint;
  /**
   * The ACL of the node the event is about (for NodeChildrenChanged, of the parent) when it happened: ZooKeeper 3.8
   * notifies only the watchers that may READ that node, and still uses up the others' one-shot watches. Absent:
   * everyone is notified (setWatches' catch-up events).
   */
  readonly acl?: readonly Acl[];
}
