/**
 * The badge a factory's README shows: how many requirements were judged out of every requirement the spec has,
 * and what became of them: `cnxnspec | 41/66 judged, all pass` (green), `..., 1 expected fail` (yellow) or
 * `..., 2 fail` (red). It never presents a pass over what was judged as a pass over the spec. Both an SVG
 * (badge-maker) and a shields.io endpoint JSON, so it can be served from a repository or a CI artifact.
 */

import { makeBadge } from 'badge-maker';
import type { ConformanceReport } from '../../spec/result/conformance-report.ts';

export interface BadgeData {
  readonly label: string;
  readonly message: string;
  readonly color: 'brightgreen' | 'yellow' | 'red';
}

export function badgeData(report: ConformanceReport): BadgeData {
  const failing = report.counts.fail + report.counts['unexpected-pass'];
  const expected = report.counts['expected-fail'];
  const verdict = failing > 0 ? `${failing} fail` : expected > 0 ? `${expected} expected fail` : 'all pass';
  const color = failing > 0 ? 'red' : expected > 0 ? 'yellow' : 'brightgreen';
  return { label: 'cnxnspec', message: `${report.judged.judged}/${report.judged.total} judged, ${verdict}`, color };
}

export function badgeSvg(report: ConformanceReport): string {
  return makeBadge(badgeData(report));
}

/** shields.io's endpoint format: https://shields.io/badges/endpoint-badge */
export function shieldsEndpoint(report: ConformanceReport): string {
  const { label, message, color } = badgeData(report);
  return `${JSON.stringify({ schemaVersion: 1, label, message, color }, null, 2)}\n`;
}

/** What a third party pastes into its README, given where it publishes the endpoint JSON. */
export function readmeSnippet(endpointUrl: string): string {
  return `[![cnxnspec](https://img.shields.io/endpoint?url=${encodeURIComponent(endpointUrl)})](https://github.com/cnxnspec/cnxnspec)`;
}
