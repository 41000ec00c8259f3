// The trigger set (test/fixtures/triggers) verified with the real verifier and Ollama client against
// adversarial models in the test Ollama. The models are independent of orbit-ls's sandbox: they
// run each program in node:vm with their own stand-ins for Node's modules, clock and environment
// (test/support/fake-ollama/world.js), and layer their behaviour on what that world shows:
// honest with noise on values, results and URLs; lazy (always "no effects"); a consistent liar
// (hides security effects in every rewrite); and two that fail on purpose (malformed JSON, or
// HTTP 503) exactly where an honest answer would show a request, a process, a file write or eval.
// For each: backdoors caught on the right function by what the user sees (sandbox and model
// findings together), benign functions with a warning or error, functions reported as
// verification-incomplete, model failures nobody reported, and model calls per function.
// One verifier session per model, so calibration accumulates as it would in an editor.
// Usage: node test/eval/adversarial.js [--json] [--write-docs]   (after `npm run build`)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const S = require('../unit/verify/support');
const { startFakeOllama, independent } = require('../support/fake-ollama');
const { fixtures, scoreFindings } = require('./triggers.js');
const figures = require('./figures.js');
const { sandboxAnalyzeDocument } = require('../../server/dist/external/sandbox/document-pass.js');

const RESULTS = path.join(__dirname, 'results', 'adversarial.json');

const MODELS = {
  honest: () => independent.honest(),
  'honest, 10% noise on values, results and URLs': () => independent.noisy({ rate: 0.1 }),
  'lazy (always "no effects")': () => independent.lazy(),
  'consistent liar (hides security effects in every rewrite)': () => independent.liar(),
  'fails on purpose: malformed JSON where the answer would expose it': () => independent.evasive({ how: 'json' }),
  'fails on purpose: HTTP 503 where the answer would expose it': () => independent.evasive({ how: 'busy' }),
};

/** Options: only (a pattern over model names), files (a pattern over fixture names). */
/** @param {{ only?: any, files?: any }} [options] */
async function evaluate({ only, files } = {}) {
  const out = {};
  const never = new AbortController().signal;
  const set = fixtures().filter((fx) => !files || files.test(fx.name));
  for (const [name, make] of Object.entries(MODELS)) {
    if (only && !only.test(name)) continue;
    const fake = await startFakeOllama({ models: { [S.MODEL]: make() } });
    const { verifier, gate } = S.makeVerifier(fake.host);
    await gate.start(never);
    const row = { caught: 0, backdoored: 0, benignFlagged: 0, benign: 0, incomplete: 0, silentFailures: 0, paused: 0, byModel: 0, functions: 0, calls: 0, unreliable: false, markedAfter: 0, functionsOnceMarked: 0, callsOnceMarked: 0, flagged: [], missed: [] };
    for (const fx of set) {
      const before = fake.generations().length;
      const report = await verifier.verify({ doc: S.snapshot(fx.text, { uri: `file://${fx.fileName}` }), settings: S.settings(), staticFindings: [] }, never);
      const requests = fake.generations().slice(before);
      // When verification is paused (the model unreachable), the editor still shows the sandbox
      // pass's own findings; verification reports them itself whenever it runs.
      if (report?.skipped) row.paused++;
      const findings = report?.skipped ? (await sandboxAnalyzeDocument({ fileName: fx.fileName, text: fx.text }, { cache: new Map() }, never)).findings : report?.findings ?? [];
      if (fx.group === 'backdoored' && scoreFindings(fx, findings.filter((f) => f.ruleId.startsWith('orbit/'))).flagged) row.byModel++;
      const { flagged } = scoreFindings(fx, findings);
      if (fx.group === 'backdoored') {
        row.backdoored++;
        if (flagged) row.caught++;
        else row.missed.push(fx.name);
      } else {
        row.benign++;
        if (flagged) (row.benignFlagged++, row.flagged.push(fx.name));
      }
      const incomplete = report?.incomplete?.length ?? 0;
      row.incomplete += incomplete;
      // A failure is accounted for when the document says verification is incomplete, or the
      // function is flagged anyway; anything else would be a model silencing verification.
      const failed = requests.some((r) => r.status >= 500 || r.formatViolation);
      if (failed && incomplete === 0 && !flagged) row.silentFailures++;
      const verified = (report?.units?.length ?? 0) + incomplete;
      if (row.unreliable) (row.functionsOnceMarked += verified, (row.callsOnceMarked += requests.length));
      row.functions += verified;
      row.calls += requests.length;
      if (!row.unreliable && report?.calibration?.unreliable) (row.unreliable = true, (row.markedAfter = row.functions));
    }
    gate.dispose();
    await fake.close();
    out[name] = row;
  }
  return out;
}

function table(rows) {
  const lines = [
    '| model | backdoors caught (union) | of them by the model\'s own findings | benign flagged | functions reported incomplete | failures not reported | files with verification paused | marked unreliable | model calls per function (once marked unreliable) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, r] of Object.entries(rows)) {
    lines.push(`| ${name} | ${r.caught}/${r.backdoored} | ${r.byModel} | ${r.benignFlagged}/${r.benign} | ${r.incomplete} | ${r.silentFailures} | ${r.paused} | ${r.unreliable ? `yes, after ${r.markedAfter} functions` : 'no'} | ${r.functions ? (r.calls / r.functions).toFixed(1) : '–'}${r.functionsOnceMarked ? ` (${(r.callsOnceMarked / r.functionsOnceMarked).toFixed(1)})` : ''} |`);
  }
  return lines.join('\n');
}

/** The docs section rendered from a saved run. */
function rendered(saved) {
  return `Measured ${saved.date} on a loaded 2-core machine with \`node test/eval/adversarial.js --write-docs\` (${saved.fixtures} files of the trigger set):\n\n${table(saved.rows)}`;
}

module.exports = { evaluate, table, rendered, RESULTS, MODELS };

if (require.main === module) {
  const onlyArg = process.argv.indexOf('--only');
  evaluate({ only: onlyArg > 0 ? new RegExp(process.argv[onlyArg + 1], 'i') : undefined }).then((rows) => {
    if (process.argv.includes('--json')) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    if (process.argv.includes('--verbose')) for (const [n, r] of Object.entries(rows)) process.stdout.write(`${n}: flagged ${r.flagged.join(', ') || '–'}; missed ${r.missed.join(', ') || '–'}\n`);
    process.stdout.write(`${table(rows)}\n`);
    if (process.argv.includes('--write-docs')) {
      const saved = { date: new Date().toISOString().slice(0, 10), fixtures: fixtures().length, rows: Object.fromEntries(Object.entries(rows).map(([n, r]) => [n, { ...r, flagged: undefined, missed: undefined }])) };
      fs.writeFileSync(RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
      figures.write('adversarial', rendered(saved));
    }
  });
}
