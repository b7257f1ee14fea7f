/**
 * The badge a factory's README shows: `cnxnspec | 25/25 MUST`, green when every checked MUST requirement
 * passed, yellow when the only failures are expected ones, red otherwise. Both an SVG (badge-maker) and a
 * shields.io endpoint JSON, so it can be served from a repository or a CI artifact.
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
  const color = failing > 0 ? 'red' : report.counts['expected-fail'] > 0 ? 'yellow' : 'brightgreen';
  return { label: 'cnxnspec', message: `${report.must.passed}/${report.must.checked} MUST`, color };
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
