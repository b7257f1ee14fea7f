// Test fixture: a third-party factory module written in plain JavaScript (no types), loaded by path.
export function createFactory(runtime) {
  let address;
  return {
    name: `PlainJsFactory on ${runtime.kind}`,
    async configure(addr) { address = addr; },
    async start() {},
    async startup() {},
    async stop() {},
    async join() {},
    async shutdown() {},
    localAddress: () => address,
    connections: () => [],
    async closeSession() { return false; },
  };
}
