import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differingSteps } from './workload-steps.ts';

test('client workloads: steps are compared in order, and a step one run lacks is named', () => {
  assert.deepEqual(differingSteps([['a', 1], ['b', [2]]], [['a', 1], ['b', [2]]]), []);
  assert.deepEqual(differingSteps([['a', 1], ['b', [2]]], [['a', 1], ['b', [3]]]), ['b: Apache ZooKeeper [2], reference [3]']);
  assert.deepEqual(differingSteps([['a', 1], ['b', 2]], [['a', 1]]), ['b: Apache ZooKeeper 2, reference (no such step)']);
  assert.deepEqual(differingSteps([['a', 1]], [['x', 1], ['b', 2]]), ['a: Apache ZooKeeper 1, reference (step x) 1', 'b: Apache ZooKeeper (no such step), reference 2']);
});
