/** The node host runtime: spec/runtime.ts over node:net and real time. */
export { createNodeRuntime, type NodeHostRuntime, type NodeRuntimeOptions } from './node-runtime.ts';
export { plainTcpServer, type ServerMaker } from './server-socket-channel.ts';
export type { TraceOptions } from './tracer.ts';
