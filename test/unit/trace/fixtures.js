// Trace builders shared by the trace tests (a helper, not a test: it only exports functions).
'use strict';

/** @typedef {import('../../../server/dist/core/trace/schema').Trace} Trace */
/** @typedef {import('../../../server/dist/core/trace/schema').Effect} Effect */
/** @typedef {import('../../../server/dist/core/trace/schema').JsonValue} JsonValue */

/**
 * A trace of n steps over a counter loop, with optional effects and outcome.
 * @param {number} n
 * @param {{ effects?: Effect[], value?: JsonValue, vary?: (i: number) => Record<string, JsonValue> | null }} [options]
 * @returns {Trace}
 */
function loopTrace(n, { effects = [], value = n, vary = () => null } = {}) {
  const steps = [];
  for (let i = 0; i < n; i++) {
    const override = vary(i);
    steps.push({ line: 2 + (i % 5), state: override ?? { i, total: i * 2 } });
  }
  return { steps, effects, outcome: { kind: 'return', value } };
}

/** @type {Effect} */
const NET = { kind: 'network', target: 'https://collect.example.net/x', args: [], line: 4 };
/** @type {Effect} */
const LOG = { kind: 'log', target: 'console.log', args: ['hi'], line: 3 };

module.exports = { loopTrace, NET, LOG };
