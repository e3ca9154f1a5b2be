// Canonicalization stays bounded on hostile input.
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonize } from '../verify/canonize.js';

/** n blank nodes, each linked to all others: a symmetric "poison" graph for RDFC-1.0. */
function clique(n) {
  const graph = [];
  for (let i = 0; i < n; i++) {
    graph.push({ '@id': `_:b${i}`, 'urn:example:p': [...Array(n).keys()].filter((j) => j !== i).map((j) => ({ '@id': `_:b${j}` })) });
  }
  return { '@graph': graph };
}

test('a poison graph hits the work limit (maxWorkFactor 1) instead of freezing', async () => {
  await assert.rejects(canonize(clique(6)), /too complex to canonicalize/);
});

test('the time limit aborts canonicalization', async () => {
  await assert.rejects(canonize(clique(9), { maxWorkFactor: Infinity, timeoutMs: 200 }), /took longer than|too complex/);
});
