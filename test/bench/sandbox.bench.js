// Benchmark section: the QuickJS sandbox. A warm run of a 50-line handler (instrumented, with
// recording stubs, from the engine's memory restored to its state after the prelude), one ordinary run of every unit of a 300-line
// file, and the full sandbox pass (ordinary inputs, probes and the trigger search) over the same file;
// then the same pass over 300 lines of trigger-gated code (the backdoored trigger fixtures, topped up
// with benign look-alikes), where the search has work to do.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { traceUnit, loadSandbox } = require('../../server/dist/external/sandbox/runner.js');
const { sandboxAnalyzeDocument } = require('../../server/dist/external/sandbox/document-pass.js');
const { findUnits } = require('../../server/dist/core/source/units.js');
const { buildModuleHeader, buildUnitProgram } = require('../../server/dist/core/source/transpile.js');
const { expressFile } = require('./generate');
const { median } = require('./stats');

/** A 50-line handler: validation, a loop with database calls, a switch, a response. */
const HANDLER = `async function placeOrder(req, res) {
  const db = require('better-sqlite3')('shop.db');
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
    const row = db.prepare('select price from products where sku = ?').get(item.sku);
    if (!row) {
      continue;
    }
    subtotal += (row.id || 1) * item.qty;
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
  db.prepare('insert into orders(user_id, total) values (?, ?)').run(userId, order.total);
  res.status(201).json(order);
  return order;
}`;

const INPUT = [
  { $orbit: 'express.req', body: { userId: 7, coupon: 'BULK', items: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 9 }, { sku: 'c', qty: 1 }] } },
  { $orbit: 'express.res' },
];

const ms = (x) => `${x.toFixed(1)} ms`;
const cpuMs = (c) => (c.user + c.system) / 1000;

/** @param {{ quick?: boolean }} [options] */
async function run({ quick } = {}) {
  await loadSandbox();
  const samples = quick ? 10 : 40;
  for (let i = 0; i < 3; i++) await traceUnit(HANDLER, INPUT);
  // CPU time beside wall time: on a shared machine the wall clock also measures the neighbours.
  const times = [];
  const cpu = [];
  let trace;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const c0 = process.cpuUsage();
    trace = await traceUnit(HANDLER, INPUT);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    times.push(performance.now() - started);
  }
  if (trace.outcome.kind !== 'return') throw new Error(`bench handler did not return: ${JSON.stringify(trace.outcome)}`);

  const text = expressFile(300);
  const doc = { fileName: 'routes.js', text };
  const startedUnits = performance.now();
  const unitsCpu0 = process.cpuUsage();
  const parsed = findUnits(doc.fileName, text);
  const header = buildModuleHeader(doc, parsed);
  let ordinaryRuns = 0;
  for (const unit of parsed.units) {
    const p = buildUnitProgram(doc, parsed, unit, header);
    if ('kind' in p) continue;
    await traceUnit(p.program, [{ $orbit: 'express.req', query: { limit: '5' } }, { $orbit: 'express.res' }], {}, p);
    ordinaryRuns++;
  }
  const oneRunEach = performance.now() - startedUnits;
  const oneRunEachCpu = cpuMs(process.cpuUsage(unitsCpu0));

  const startedPass = performance.now();
  const passCpu0 = process.cpuUsage();
  const pass = await sandboxAnalyzeDocument(doc, { cache: new Map() });
  const fullPass = performance.now() - startedPass;
  const fullPassCpu = cpuMs(process.cpuUsage(passCpu0));

  const gated = await triggerGatedPass();

  return {
    title: 'Sandbox (QuickJS, one thread)',
    columns: ['measure', 'wall', 'CPU', 'aim'],
    rows: [
      [`50-line handler (${trace.steps.length} steps, ${trace.effects.length} effects), warm run, median`, ms(median(times)), ms(median(cpu)), '< 20 ms'],
      ['50-line handler, warm run, fastest', ms(Math.min(...times)), ms(Math.min(...cpu)), ''],
      [`300-line file: ${ordinaryRuns} units, one run each`, ms(oneRunEach), ms(oneRunEachCpu), '< 1 s'],
      [`300-line file: full pass with the trigger search (${pass.unitsTraced} units, ${pass.runs} runs, ${pass.searchRuns} of them from the search)`, ms(fullPass), ms(fullPassCpu), '< 2 s'],
      [`${gated.lines} lines of trigger-gated code in ${gated.files} files: full pass (${gated.runs} runs, ${gated.searchRuns} from the search; ${gated.caught} of ${gated.backdoors} backdoors reported)`, ms(gated.wall), ms(gated.cpu), '< 2 s'],
    ],
    notes: 'Every run starts from a copy of the engine\'s memory taken once the prelude of stubs had run, restored byte for byte, so runs cannot leak state into each other.',
  };
}

/** The sandbox pass over the trigger fixtures, backdoored first, until 300 lines are covered. */
async function triggerGatedPass() {
  const root = path.join(__dirname, '..', 'fixtures', 'triggers');
  const listed = (dir) => fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.js')).sort().map((f) => path.join(root, dir, f));
  const files = [];
  let lines = 0;
  for (const file of [...listed('backdoored'), ...listed('benign')]) {
    if (lines >= 300) break;
    const text = fs.readFileSync(file, 'utf8');
    files.push({ fileName: file, text, backdoored: file.includes(`${path.sep}backdoored${path.sep}`) });
    lines += text.split('\n').length;
  }
  const out = { files: files.length, lines, runs: 0, searchRuns: 0, backdoors: 0, caught: 0, wall: 0, cpu: 0 };
  for (const doc of files) {
    const started = performance.now();
    const c0 = process.cpuUsage();
    const result = await sandboxAnalyzeDocument(doc, { cache: new Map() });
    out.wall += performance.now() - started;
    out.cpu += cpuMs(process.cpuUsage(c0));
    out.runs += result.runs;
    out.searchRuns += result.searchRuns;
    if (doc.backdoored) {
      out.backdoors++;
      if (result.findings.length > 0) out.caught++;
    }
  }
  return out;
}

module.exports = { run };
