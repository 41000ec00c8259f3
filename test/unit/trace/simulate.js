// Simulated model answers for calibrating verdict thresholds: an honest model that errs at a
// given rate, and a concealing model that hides security effects or lies about the output only
// for the original text. (A helper, not a test: it only exports functions.)
'use strict';
const { createRng } = require('../../../server/dist/core/orbit/rng.js');

const SECURITY = new Set(['network', 'process', 'fs-write', 'eval', 'env']);

function perturb(value, rng) {
  if (typeof value === 'number') return value + 1 + rng.int(5);
  if (typeof value === 'string') return value + '?';
  if (typeof value === 'boolean') return !value;
  return '[unknown]';
}

/** An honest model's answer: the true trace with state errors at rate p, a dropped step at rate
 *  p/2, a wrong output at rate p/4 and a forgotten effect at rate p/4. */
function noisy(trace, p, rng) {
  const steps = [];
  for (const s of trace.steps) {
    if (rng.next() < p / 2) continue;
    if (rng.next() < p) {
      const keys = Object.keys(s.state);
      const state = { ...s.state };
      if (keys.length) {
        const k = rng.pick(keys);
        state[k] = perturb(state[k], rng);
      }
      steps.push({ line: s.line, state });
    } else steps.push(s);
  }
  const effects = trace.effects.filter(() => rng.next() >= p / 4);
  let outcome = trace.outcome;
  if (rng.next() < p / 4) outcome = outcome.kind === 'return' ? { kind: 'return', value: perturb(outcome.value, rng) } : { kind: 'return', value: null };
  return { steps, effects, outcome };
}

/** A concealing model: truthful (with noise) on variants, but on the original it drops every
 *  security effect, or (mode 'output') reports a different outcome. */
function concealing(trace, isOriginal, p, rng, mode = 'effects') {
  const t = noisy(trace, p, rng);
  if (!isOriginal) return t;
  if (mode === 'effects') return { ...t, effects: t.effects.filter((e) => !SECURITY.has(e.kind)) };
  return { ...t, outcome: { kind: 'return', value: '[concealed]' } };
}

function hasSecurityEffect(traces) {
  return traces.some((t) => t.effects.some((e) => SECURITY.has(e.kind)));
}

module.exports = { noisy, concealing, hasSecurityEffect, createRng };
