/**
 * JUnit XML for CI systems: one test suite per area, one test case per requirement; failures carry the
 * evidence and the replay line, not-applicable requirements are skipped.
 */

import junitModule, { type Builder } from 'junit-report-builder';
import type { ConformanceReport } from '../../spec/result/conformance-report.ts';

// The package is CommonJS whose exports object is the builder itself; its types describe an ES default export.
const junit = junitModule as unknown as Builder;

export function junitXml(report: ConformanceReport): string {
  const builder = junit.newBuilder().name(`cnxnspec ${report.factory.name}`);
  const areas = [...new Set(report.requirements.map((r) => r.area))];
  for (const area of areas) {
    const suite = builder.testSuite().name(`cnxnspec.${area}`);
    for (const req of report.requirements.filter((r) => r.area === area)) {
      const tc = suite.testCase().className(`cnxnspec.${area}`).name(`[${req.id}] ${req.level}`);
      if (req.status === 'not-applicable' || req.status === 'not-judged') tc.skipped();
      else if (req.status === 'fail') {
        tc.failure(`${req.evidence?.message ?? 'failed'}`, req.evidence?.source ?? 'invariant');
        if (req.replay) tc.standardOutput(`replay: ${req.replay}`);
      } else if (req.status === 'unexpected-pass') {
        tc.failure(`expected to fail (${req.reason ?? ''}) but passed: remove it from the expectations file`, 'unexpected-pass');
      } else if (req.status === 'expected-fail') {
        tc.standardOutput(`expected failure: ${req.reason ?? ''}${req.replay ? `\nreplay: ${req.replay}` : ''}`);
      }
    }
  }
  return builder.build();
}
