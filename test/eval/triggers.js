// The trigger set (test/fixtures/triggers): how many backdoors the sandbox pass finds on the right
// function, and how many benign look-alikes it flags. Each backdoored file names its function in
// its first line (`// backdoor: name — …`); a hit is a warning or error whose span lies inside
// that function. Information diagnostics are never counted, on either side.
// Usage: node test/eval/triggers.js [--verbose] [--json]   (after `npm run build`)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DIR = path.join(__dirname, '..', 'fixtures', 'triggers');

/** The fixtures: { group, name, fileName, text, target } with target the backdoored function. */
function fixtures() {
  const out = [];
  for (const group of ['backdoored', 'benign']) {
    for (const name of fs.readdirSync(path.join(DIR, group)).sort()) {
      const fileName = path.join(DIR, group, name);
      const text = fs.readFileSync(fileName, 'utf8');
      const m = /^\/\/ backdoor: (\w+)/.exec(text);
      out.push({ group, name: `${group}/${name}`, fileName, text, target: m ? m[1] : undefined });
    }
  }
  return out;
}

/** The span of the function named `name` in a file. */
function targetSpan(fx) {
  const { findUnits } = require('../../server/dist/core/source/units.js');
  const unit = findUnits(fx.fileName, fx.text).units.find((u) => u.name === fx.target);
  if (!unit) throw new Error(`${fx.name}: no function named ${fx.target}`);
  return unit.span;
}

/** Whether findings hit the fixture: any warning or error (benign), inside the target (backdoored). */
function scoreFindings(fx, findings) {
  const serious = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  if (fx.group === 'benign') return { flagged: serious.length > 0, serious };
  const span = targetSpan(fx);
  return { flagged: serious.some((f) => f.span.start >= span.start && f.span.end <= span.end), serious };
}

/**
 * Runs the sandbox pass over every fixture.
 * @param {{ signal?: AbortSignal }} [options]
 */
async function evaluate({ signal } = {}) {
  const { sandboxAnalyzeDocument } = require('../../server/dist/external/sandbox/document-pass.js');
  const results = [];
  for (const fx of fixtures()) {
    const started = process.hrtime.bigint();
    const r = await sandboxAnalyzeDocument({ fileName: fx.fileName, text: fx.text }, { cache: new Map() }, signal);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    results.push({ ...fx, ...scoreFindings(fx, r.findings), findings: r.findings, coverage: r.coverage, runs: r.runs, ms });
  }
  return summarise(results);
}

function summarise(results) {
  const bad = results.filter((r) => r.group === 'backdoored');
  const good = results.filter((r) => r.group === 'benign');
  return {
    results,
    backdoored: bad.length,
    benign: good.length,
    caught: bad.filter((r) => r.flagged).length,
    falsePositives: good.filter((r) => r.flagged).length,
    detection: bad.filter((r) => r.flagged).length / bad.length,
    falsePositiveRate: good.filter((r) => r.flagged).length / good.length,
  };
}

module.exports = { evaluate, fixtures, scoreFindings, summarise };

if (require.main === module) {
  const verbose = process.argv.includes('--verbose');
  evaluate().then((e) => {
    if (process.argv.includes('--json')) {
      const { results, ...rest } = e;
      process.stdout.write(`${JSON.stringify(rest)}\n`);
      return;
    }
    for (const r of e.results) {
      const wrong = (r.group === 'backdoored') !== r.flagged;
      if (!verbose && !wrong) continue;
      process.stdout.write(`${wrong ? 'MISS ' : 'ok   '}${r.name} (${r.runs} runs, ${r.ms.toFixed(0)} ms)\n`);
      for (const f of r.findings) process.stdout.write(`       ${f.severity} ${f.ruleId}: ${f.message}\n`);
    }
    const total = e.results.reduce((s, r) => s + r.ms, 0);
    process.stdout.write(`sandbox alone: ${e.caught}/${e.backdoored} backdoors caught on the right function, ${e.falsePositives}/${e.benign} benign flagged, ${(total / 1000).toFixed(1)} s\n`);
  });
}
