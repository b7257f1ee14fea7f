/** Writes every form of a conformance result under one folder and says where each went. */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from '../../spec/result/conformance-report.ts';
import { badgeSvg, readmeSnippet, shieldsEndpoint } from './badge.ts';
import { junitXml } from './junit.ts';
import { markdownSummary } from './markdown.ts';
import { htmlReport } from './html.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';

export const REPORT_FILES = {
  json: 'cnxnspec-result.json',
  markdown: 'cnxnspec-summary.md',
  junit: 'cnxnspec-junit.xml',
  badge: 'cnxnspec-badge.svg',
  endpoint: 'cnxnspec-badge.json',
  html: 'cnxnspec-report.html',
} as const;

/** `traces[i]`: the shrunk trace of `report.failures[i]`, drawn in the HTML report. */
export function writeReport(dir: string, report: ConformanceReport, traces: readonly (readonly TraceEvent[])[] = []): Record<keyof typeof REPORT_FILES, string> {
  mkdirSync(dir, { recursive: true });
  const paths = Object.fromEntries(Object.entries(REPORT_FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof REPORT_FILES, string>;
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(
    paths.markdown,
    `${markdownSummary(report)}\n## Badge\n\nPublish \`${REPORT_FILES.endpoint}\` where it can be fetched, then paste:\n\n\`\`\`markdown\n${readmeSnippet('https://example.org/path/to/cnxnspec-badge.json')}\n\`\`\`\n`,
  );
  writeFileSync(paths.junit, junitXml(report));
  writeFileSync(paths.badge, badgeSvg(report));
  writeFileSync(paths.endpoint, shieldsEndpoint(report));
  writeFileSync(paths.html, htmlReport(report, traces));
  return paths;
}
