// Calibration of verdict thresholds on sandbox ground truth: real traces of orbit members,
// answered by simulated honest-but-noisy and concealing models. Shared by the calibration test
// and the benchmark. (A helper, not a test: it only exports functions.)
'use strict';
const vm = require('node:vm');
const { traceUnit, loadSandbox } = require('../../../server/dist/external/sandbox/runner.js');
const { buildOrbit } = require('../../../server/dist/core/orbit/index.js');
const T = require('../../../server/dist/core/trace/index.js');
const S = require('./simulate.js');

/** Ground-truth traces for every program of each function's orbit, normalised to the original. */
async function groundTruth(fixtures, { k = 6, seed = 5 } = {}) {
  await loadSandbox();
  const cases = [];
  for (const fx of fixtures) {
    const orbit = buildOrbit(fx.source, { k, seed, deltaMin: 0.05 });
    const inputs = fx.inputs.map((s) => JSON.parse(JSON.stringify(vm.runInNewContext(s))));
    const programs = [];
    /** @type {Array<{ code: string } & import('../../../server/dist/core/trace/normalise').VariantMapping>} */
    const members = [{ code: fx.source }, ...orbit.variants];
    for (const p of members) {
      const set = [];
      for (const args of inputs) set.push(T.normaliseTrace(await traceUnit(p.code, args, {}, { entry: fx.name }), p));
      programs.push(set);
    }
    cases.push({ name: fx.name, programs });
  }
  return cases;
}

/** Verdict rates for one error rate p, optionally re-asking the original once when a verdict
 *  rests on a single trace. */
function rates(cases, p, options = {}) {
  const rng = S.createRng(options.seed ?? 42);
  const thresholds = options.thresholds;
  const reps = options.reps ?? 3;
  const tally = { honest: 0, falseAlarms: 0, falseAfterRecheck: 0, hidden: 0, caught: 0, caughtAfterRecheck: 0 };
  const judge = (programs, answer) => {
    let sets = programs.map((set, i) => set.map((t) => answer(t, i === 0)));
    let v = T.consistencyVerdict(sets, { thresholds });
    const first = v.verdict.startsWith('inconsistent');
    if (v.singleWitness) {
      sets = [programs[0].map((t) => answer(t, true)), ...sets.slice(1)];
      v = T.consistencyVerdict(sets, { thresholds });
    }
    return [first, v.verdict.startsWith('inconsistent')];
  };
  for (let r = 0; r < reps; r++) {
    for (const c of cases) {
      tally.honest++;
      const [h1, h2] = judge(c.programs, (t) => S.noisy(t, p, rng));
      tally.falseAlarms += h1 ? 1 : 0;
      tally.falseAfterRecheck += h2 ? 1 : 0;
      const mode = S.hasSecurityEffect(c.programs[0]) ? 'effects' : 'output';
      tally.hidden++;
      const [c1, c2] = judge(c.programs, (t, isOriginal) => S.concealing(t, isOriginal, p, rng, mode));
      tally.caught += c1 ? 1 : 0;
      tally.caughtAfterRecheck += c2 ? 1 : 0;
    }
  }
  return {
    p,
    falsePositiveRate: tally.falseAlarms / tally.honest,
    falsePositiveRateAfterRecheck: tally.falseAfterRecheck / tally.honest,
    detectionRate: tally.caught / tally.hidden,
    detectionRateAfterRecheck: tally.caughtAfterRecheck / tally.hidden,
  };
}

module.exports = { groundTruth, rates };
