/**
 * When a factory connection last read a complete frame from its client, if the factory says (the reference NIO
 * factory does: `lastFrameReadAt()`). A client whose requests are parked behind its own unread output (a slow
 * reader, wire.slow-reader) still has its pings read; counting those frames keeps its session alive, as
 * ZooKeeper, which reads everything, keeps it. A factory that does not say falls back to touches by requests.
 */
import type { ServerConnection } from '../../spec/server-cnxn-factory.ts';

interface FrameClock {
  lastFrameReadAt(): number;
}

/** Runtime-clock ms of the last frame `cnxn` read, or undefined when the factory does not tell. */
export function lastFrameReadAt(cnxn: ServerConnection): number | undefined {
  const clock = (cnxn as Partial<FrameClock>).lastFrameReadAt;
  if (typeof clock !== 'function') return undefined;
  const at = clock.call(cnxn);
  return at >= 0 ? at : undefined;
}
