/**
 * A client workload's output, as the kazoo and Curator workloads print it: [step, observation] pairs in the order
 * the steps ran. Two runs of one workload, against Apache ZooKeeper and against the reference, are compared step by
 * step, so a difference names the step where the servers parted.
 */
export type WorkloadSteps = [string, unknown][];

/** One line per step whose observation differs, or that one run has and the other lacks. */
export function differingSteps(expected: WorkloadSteps, actual: WorkloadSteps): string[] {
  const lines: string[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const got = actual[i];
    if (want !== undefined && got !== undefined && want[0] === got[0] && JSON.stringify(want[1]) === JSON.stringify(got[1])) continue;
    lines.push(`${want?.[0] ?? got?.[0]}: Apache ZooKeeper ${want ? JSON.stringify(want[1]) : '(no such step)'}, reference ${got ? `${want === undefined || got[0] === want[0] ? '' : `(step ${got[0]}) `}${JSON.stringify(got[1])}` : '(no such step)'}`);
  }
  return lines;
}
