/**
 * NettyContext: the narrow view of the factory that its loops, handlers and connections get, so what each may
 * touch is written down here.
 */
import type { HostRuntime } from '../../spec/runtime.ts';
import type { RequestHandler } from '../../spec/server-cnxn-factory.ts';
import type { NettyRegistry } from './netty-registry.ts';
import type { NettySettings } from './netty-settings.ts';

export interface NettyContext {
  readonly runtime: HostRuntime;
  readonly settings: NettySettings;
  readonly registry: NettyRegistry;
  /** Per-address limit from configure; 0 or less means none. */
  readonly maxClientCnxns: number;
  readonly secure: boolean;
  isStopped(): boolean;
  /** The server behind the factory, once startup() has attached one. */
  handler(): RequestHandler | undefined;
}
