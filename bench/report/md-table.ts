/** Markdown helpers shared by the report's sections. */
import type { RunResult, ServerResult } from '../results.ts';

export function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

/** The plaintext servers that have at least one repetition (the TLS ones have a section of their own). */
export function measured(result: RunResult): ServerResult[] {
  return result.servers.filter((s) => s.reps.length > 0 && s.spec.tls !== true);
}

/** The servers over TLS that have at least one repetition. */
export function measuredTls(result: RunResult): ServerResult[] {
  return result.servers.filter((s) => s.reps.length > 0 && s.spec.tls === true);
}

export function find(result: RunResult, id: string): ServerResult | undefined {
  return result.servers.find((s) => s.spec.id === id && s.reps.length > 0);
}
