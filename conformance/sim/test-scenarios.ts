/**
 * Small programs against the host runtime that the simulation's tests and bench run: they use threads, queues,
 * selectors and sockets the way a factory does, without being one.
 */

import { OP_ACCEPT, OP_READ, type HostRuntime, type SocketChannel } from '../../spec/runtime.ts';

/**
 * Three threads handing items around with queues and wakeups: AcceptThread offers and wakes the selector,
 * NIOWorker-0 takes and passes on, SelectorThread-0 selects (with a timeout) and polls. About 4 runtime calls
 * per round and thread.
 */
export async function handoff(rt: HostRuntime, rounds: number): Promise<void> {
  const sel = await rt.openSelector();
  const work = rt.newQueue<{ id: string }>('work');
  const done = rt.newQueue<string>('done@SelectorThread-0');
  const producer = rt.thread('AcceptThread', async () => {
    for (let i = 0; i < rounds; i++) {
      await work.offer({ id: `item${i}` });
      await sel.wakeup();
      await rt.clock.sleep(i % 3);
    }
  });
  const worker = rt.thread('NIOWorker-0', async () => {
    for (let i = 0; i < rounds; i++) {
      const item = await work.take();
      await done.offer(item.id);
      await sel.wakeup();
    }
  });
  const selector = rt.thread('SelectorThread-0', async () => {
    let got = 0;
    while (got < rounds) {
      await sel.select(5);
      while ((await done.poll()) !== undefined) got++;
      await rt.clock.sleep(1);
    }
  });
  for (const t of [producer, worker, selector]) t.start();
  for (const t of [producer, worker, selector]) await t.join();
  await sel.close();
}

export interface EchoServer {
  readonly ready: Promise<number>;
}

/**
 * An echo server in the NIO shape: AcceptThread accepts and hands each channel over through
 * `acceptedQueue@SelectorThread-0` with a wakeup; SelectorThread-0 registers, echoes what it reads and closes at
 * EOF. Ends after `connections` connections have closed; then AcceptThread is interrupted and the socket closed.
 */
export async function echoServer(rt: HostRuntime, port: number, connections: number): Promise<void> {
  const server = await rt.openServerSocket();
  await server.bind({ host: '0.0.0.0', port }, 10);
  const acceptSelector = await rt.openSelector();
  await server.register(acceptSelector, OP_ACCEPT);
  const ioSelector = await rt.openSelector();
  const accepted = rt.newQueue<SocketChannel>('acceptedQueue@SelectorThread-0');
  const acceptor = rt.thread('AcceptThread', async () => {
    for (;;) {
      await acceptSelector.select();
      const ch = await server.accept();
      if (!ch) continue;
      await accepted.offer(ch);
      await ioSelector.wakeup();
    }
  });
  const selector = rt.thread('SelectorThread-0', async () => {
    let closed = 0;
    const buf = new Uint8Array(3);
    while (closed < connections) {
      const ready = await ioSelector.select();
      for (let ch = await accepted.poll(); ch; ch = await accepted.poll()) await ch.register(ioSelector, OP_READ);
      for (const key of ready) {
        const ch = key.channel as SocketChannel;
        const n = await ch.read(buf);
        if (n > 0) await ch.write(buf.subarray(0, n));
        if (n < 0) {
          await ch.close('client_closed');
          closed++;
        }
      }
    }
  });
  acceptor.start();
  selector.start();
  await selector.join();
  acceptor.interrupt();
  await acceptor.join();
  await server.close();
}
