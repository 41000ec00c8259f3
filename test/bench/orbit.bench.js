// Benchmark section: building an orbit of k = 8 for a 50-line function, and the pairwise
// similarity matrix for 9 traces of 200 steps; with the verdict calibration on sandbox traces.
'use strict';
const { buildOrbit } = require('../../server/dist/core/orbit/index.js');
const { similarityMatrix, DEFAULT_WEIGHTS } = require('../../server/dist/core/trace/index.js');
const { medianAndP95 } = require('./stats');

/** A realistic 50-line handler: validation, a loop, a switch, a database call, a response. */
const HANDLER = `async function placeOrder(req, res, db) {
  // Validate the body before touching the database.
  const { userId, items, coupon } = req.body;
  if (!userId || !Array.isArray(items)) {
    return res.status(400).json({ error: 'userId and items are required' });
  }
  const maxItems = 50;
  if (items.length > maxItems) {
    return res.status(413).json({ error: 'too many items: ' + items.length });
  }
  let subtotal = 0;
  let count = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.qty <= 0) {
      return res.status(400).json({ error: 'bad quantity for ' + item.sku });
    }
    const row = await db.query('select price from products where sku = ?', [item.sku]);
    if (!row) {
      continue;
    }
    subtotal += row.price * item.qty;
    count += item.qty;
  }
  let discount = 0;
  switch (coupon) {
    case 'WELCOME':
      discount = subtotal * 0.1;
      break;
    case 'BULK':
      discount = count >= 10 ? subtotal * 0.15 : 0;
      break;
    default:
      discount = 0;
  }
  const shipping = subtotal > 100 ? 0 : 5 * 100;
  const total = subtotal - discount + shipping;
  const label = count > 1 ? 'items' : 'item';
  const order = {
    userId,
    count,
    total: Math.round(total * 100) / 100,
    summary: count + ' ' + label,
  };
  await db.query('insert into orders(user_id, total) values (?, ?)', [userId, order.total]);
  // The response mirrors what was stored.
  res.status(201).json(order);
  console.log('order placed for ' + userId);
  return order;
}`;

function time(fn, { warmup, samples }) {
  for (let i = 0; i < warmup; i++) fn(i);
  const times = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    fn(i);
    times.push(performance.now() - t0);
  }
  return medianAndP95(times);
}

/** Nine traces of 200 steps: the same loop, each with a few steps changed, plus effects. */
/** @returns {import('../../server/dist/core/trace/schema').Trace[][]} */
function nineTraces() {
  /** @type {import('../../server/dist/core/trace/schema').Trace[][]} */
  const programs = [];
  for (let p = 0; p < 9; p++) {
    const steps = [];
    for (let i = 0; i < 200; i++) {
      const off = (i * 7 + p) % 50 === 0 ? p : 0;
      steps.push({ line: 3 + (i % 12), state: { i, total: i * 3 + off, label: `row-${i % 10}` } });
    }
    /** @type {import('../../server/dist/core/trace/schema').Effect[]} */
    const effects = [
      { kind: 'db', target: 'select price from products', args: [p], line: 18 },
      { kind: 'log', target: 'console.log', args: ['done'], line: 40 },
      ...(p === 4 ? [{ kind: /** @type {const} */ ('network'), target: 'https://collect.example.net/x', args: [], line: 20 }] : []),
    ];
    programs.push([{ steps, effects, outcome: { kind: 'return', value: { total: 600 + p } } }]);
  }
  return programs;
}

async function calibrationNotes(quick) {
  // The calibration needs the sandbox and the test helpers; it is skipped if either is missing.
  let helpers;
  try {
    helpers = require('../unit/trace/calibrate.js');
  } catch {
    return 'Calibration skipped: the sandbox is not built.';
  }
  const corpus = require('../fixtures/orbit/index.js');
  const cases = await helpers.groundTruth(corpus.filter((_, i) => i % (quick ? 16 : 4) === 0));
  const lines = [
    `Verdict calibration on sandbox traces of ${cases.length} corpus functions (orbit k = 6): an honest model with error rate p, ` +
      'and a model that conceals security effects (or lies about the output) for the original only. "Recheck" re-asks the original once when a verdict rests on a single trace.',
    '',
    '| p | false alarms | after recheck | concealment caught |',
    '| - | - | - | - |',
  ];
  for (const p of [0, 0.05, 0.1, 0.2]) {
    const r = helpers.rates(cases, p);
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    lines.push(`| ${p} | ${pct(r.falsePositiveRate)} | ${pct(r.falsePositiveRateAfterRecheck)} | ${pct(r.detectionRateAfterRecheck)} |`);
  }
  return lines.join('\n');
}

async function run({ quick = false } = {}) {
  const samples = quick ? 15 : 60;
  const lines = HANDLER.split('\n').length;
  let made = 0;
  const orbit = time((i) => {
    made = buildOrbit(HANDLER, { k: 8, seed: i + 1, deltaMin: 0.05 }).variants.length;
  }, { warmup: 20, samples });
  const traces = nineTraces();
  const lcs = time(() => similarityMatrix(traces), { warmup: 20, samples: samples * 3 });
  const positional = time(() => similarityMatrix(traces, { ...DEFAULT_WEIGHTS, alignment: 'positional' }), { warmup: 20, samples: samples * 3 });
  const ms = (x) => `${x.toFixed(2)} ms`;
  return {
    title: 'Orbit and trace consistency',
    columns: ['measure', 'median', 'p95', 'target'],
    rows: [
      [`orbit k = 8, ${lines}-line function (${made} variants)`, ms(orbit.median), ms(orbit.p95), '< 30 ms'],
      ['similarity matrix, 9 traces × 200 steps (LCS alignment)', ms(lcs.median), ms(lcs.p95), '< 10 ms'],
      ['similarity matrix, 9 traces × 200 steps (positional)', ms(positional.median), ms(positional.p95), '< 10 ms'],
    ],
    notes: await calibrationNotes(quick),
  };
}

module.exports = { run, HANDLER };
