/**
 * The conformance handler's shape per scenario: answers inside the IO pass (as before), from one request thread
 * (ZooKeeper's pipeline: replies race IO passes, closes and stop), or from several (different connections'
 * replies race each other too); with threads, sometimes throttling by disableRecv after 1-3 outstanding requests,
 * called from the handler's thread or, as ZooKeeper does, from the IO thread as the request arrives; and lifted
 * either at once after the reply or after more work, once the factory has written that reply and gone quiet.
 * With threads, the ConnectResponse sometimes follows setSession only after a while (ZooKeeper's session creation
 * goes through its pipeline): up to most of the shortest session timeout (2 x tickTime, 4 s), so a sessionless
 * deadline (1-2 s timeouts) falls between the two, where only setSession's own touch keeps the connection.
 */
import fc from 'fast-check';
import type { HandlerShape } from '../handler/handler-shape.ts';

export const handlerShape: fc.Arbitrary<HandlerShape> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ threads: 0 }) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        threads: fc.integer({ min: 1, max: 3 }),
        throttleAt: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 2, nil: undefined }),
        inline: fc.boolean(),
        liftAfterMs: fc.constantFrom(0, 0, 1, 5),
        sessionWorkMs: fc.constantFrom(0, 0, 0, 10, 1_500, 3_500),
      })
      .map(({ threads, throttleAt, inline, liftAfterMs, sessionWorkMs }): HandlerShape => {
        const session = sessionWorkMs > 0 ? { sessionWorkMs } : {};
        if (throttleAt === undefined) return { threads, ...session };
        const lift = liftAfterMs > 0 ? { liftAfterMs } : {};
        return inline ? { threads, throttleAt, throttleFrom: 'io', ...lift, ...session } : { threads, throttleAt, ...lift, ...session };
      }),
  },
);
