/** The public surface of spec/: data and types only, no I/O. */
export * from './requirement.ts';
export { requirements } from './requirements/index.ts';
export * from './knobs.ts';
export * from './disconnect-reasons.ts';
export * from './errors.ts';
export * from './runtime.ts';
export * from './server-cnxn-factory.ts';
export type * from './trace/events.ts';
export * from './trace/schema.ts';
export * from './result/conformance-report.ts';
export * from './result/schema.ts';
export * from './invariants/index.ts';
export * from './trace/digest.ts';
