/**
 * The part of node-zookeeper-client (an npm devDependency: a ZooKeeper client written by others, used by the
 * tests as a real client) that the tests call. The package ships no types.
 */
declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  export interface Stat {
    czxid: Buffer;
    mzxid: Buffer;
    ctime: Buffer;
    mtime: Buffer;
    version: number;
    cversion: number;
    aversion: number;
    ephemeralOwner: Buffer;
    dataLength: number;
    numChildren: number;
    pzxid: Buffer;
  }

  export class Exception extends Error {
    readonly code: number;
    getCode(): number;
    getName(): string;
    static readonly NO_NODE: number;
    static readonly NODE_EXISTS: number;
    static readonly BAD_VERSION: number;
    static readonly NOT_EMPTY: number;
    static readonly NO_CHILDREN_FOR_EPHEMERALS: number;
    static readonly BAD_ARGUMENTS: number;
    static readonly SESSION_EXPIRED: number;
    static readonly CONNECTION_LOSS: number;
  }

  export class Event {
    readonly type: number;
    readonly name: string;
    readonly path: string;
    getType(): number;
    getName(): string;
    getPath(): string;
    static readonly NODE_CREATED: number;
    static readonly NODE_DELETED: number;
    static readonly NODE_DATA_CHANGED: number;
    static readonly NODE_CHILDREN_CHANGED: number;
  }

  export const CreateMode: { PERSISTENT: number; EPHEMERAL: number; PERSISTENT_SEQUENTIAL: number; EPHEMERAL_SEQUENTIAL: number };
  export const ACL: { OPEN_ACL_UNSAFE: unknown[] };

  type Callback<T> = (error: Exception | Error | null, result: T) => void;

  export interface TransactionResult {
    type: number;
    path?: string;
    stat?: Stat;
    err?: number;
  }

  export interface Transaction {
    create(path: string, data?: Buffer, acls?: unknown[], mode?: number): Transaction;
    setData(path: string, data: Buffer | null, version?: number): Transaction;
    check(path: string, version?: number): Transaction;
    remove(path: string, version?: number): Transaction;
    commit(callback: Callback<TransactionResult[]>): void;
  }

  export interface Client extends EventEmitter {
    connect(): void;
    close(): void;
    getSessionId(): Buffer;
    getSessionPassword(): Buffer;
    getSessionTimeout(): number;
    getState(): { name: string; code: number };
    create(path: string, data: Buffer | null, mode: number, callback: Callback<string>): void;
    create(path: string, data: Buffer | null, callback: Callback<string>): void;
    create(path: string, callback: Callback<string>): void;
    remove(path: string, version: number, callback: (error: Exception | Error | null) => void): void;
    exists(path: string, watcher: ((event: Event) => void) | undefined, callback: Callback<Stat | null>): void;
    getData(path: string, watcher: ((event: Event) => void) | undefined, callback: (error: Exception | Error | null, data: Buffer, stat: Stat) => void): void;
    setData(path: string, data: Buffer | null, version: number, callback: Callback<Stat>): void;
    getChildren(path: string, watcher: ((event: Event) => void) | undefined, callback: (error: Exception | Error | null, children: string[], stat: Stat) => void): void;
    transaction(): Transaction;
    /** Internal, used by the tests to stop the client's pings. */
    connectionManager: { socket: Socket };
  }

  export interface ClientOptions {
    sessionTimeout?: number;
    spinDelay?: number;
    retries?: number;
  }

  export function createClient(connectionString: string, options?: ClientOptions): Client;
}
