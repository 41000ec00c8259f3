// Detection and false-positive rates of the sandbox pass over test/fixtures/backdoors. A backdoored
// fixture counts as detected only when a warning or error lands inside the function that holds
// the backdoor (the file's outermost function, or the one named below when a file has several);
// a finding elsewhere in the file is not a hit. A benign fixture counts as a false positive when
// it gets any warning or error. With --independent, also scores test/fixtures/verification/
// {hidden,clean}, a set written separately for the model-verification work (its first line names
// the function: "hidden: name").
// Usage: node test/eval/backdoors.js [--verbose] [--json] [--independent] [--write-docs]   (after `npm run build`)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const figures = require('./figures.js');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'backdoors');
const RESULTS = path.join(__dirname, 'results', 'backdoors.json');
/** Files with several outermost functions: the one that holds the backdoor. */
const TARGETS = { 'auth-service-class.ts': 'validate' };

/** The span of the function holding the backdoor. */
function targetSpan(fileName, text) {
  const { findUnits } = require('../../server/dist/core/source/units.js');
  const units = findUnits(fileName, text).units;
  const named = TARGETS[path.basename(fileName)] ?? /^\/\/ hidden: (\w+)/.exec(text)?.[1];
  const outer = units.filter((u) => !units.some((o) => o !== u && o.span.start <= u.span.start && o.span.end >= u.span.end));
  const unit = named ? units.find((u) => u.name === named) : outer.length === 1 ? outer[0] : undefined;
  if (!unit) throw new Error(`${fileName}: cannot tell which function holds the backdoor; name it in TARGETS`);
  return unit.span;
}

/**
 * Runs the sandbox pass over every fixture and returns per-file results and the two rates.
 * @param {{ signal?: AbortSignal, independent?: boolean }} [options]
 */
async function evaluate({ signal, independent = false } = {}) {
  const { sandboxAnalyzeDocument } = require('../../server/dist/external/sandbox/document-pass.js');
  const results = [];
  const groups = [['backdoored', path.join(FIXTURES, 'backdoored')], ['benign', path.join(FIXTURES, 'benign')]];
  const verification = path.join(__dirname, '..', 'fixtures', 'verification');
  if (independent && fs.existsSync(verification)) {
    groups.push(['backdoored', path.join(verification, 'hidden')], ['benign', path.join(verification, 'clean')]);
  }
  for (const [group, dir] of groups) {
    for (const name of fs.readdirSync(dir).sort()) {
      const fileName = path.join(dir, name);
      const text = fs.readFileSync(fileName, 'utf8');
      const started = process.hrtime.bigint();
      const r = await sandboxAnalyzeDocument({ fileName, text }, { cache: new Map() }, signal);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const serious = r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
      let flagged = serious.length > 0;
      let elsewhere = false;
      if (group === 'backdoored') {
        const span = targetSpan(fileName, text);
        flagged = serious.some((f) => f.span.start >= span.start && f.span.end <= span.end);
        elsewhere = !flagged && serious.length > 0;
      }
      results.push({ group, set: path.basename(path.dirname(path.dirname(fileName))), name: path.relative(path.join(__dirname, '..', 'fixtures'), fileName), flagged, elsewhere, findings: r.findings, errors: r.errors, runs: r.runs, ms });
    }
  }
  const bad = results.filter((r) => r.group === 'backdoored');
  const good = results.filter((r) => r.group === 'benign');
  return {
    results,
    detection: bad.filter((r) => r.flagged).length / bad.length,
    falsePositives: good.filter((r) => r.flagged).length / good.length,
    backdoored: bad.length,
    benign: good.length,
    caught: bad.filter((r) => r.flagged).length,
    benignFlagged: good.filter((r) => r.flagged).length,
    /** Backdoored files with a finding only outside the backdoor's function (not counted). */
    elsewhere: bad.filter((r) => r.elsewhere).length,
  };
}

/** Per set: caught on the right function, findings only elsewhere, benign flagged. */
function bySet(e) {
  const out = {};
  for (const r of e.results) {
    const s = (out[r.set] ??= { backdoored: 0, caught: 0, elsewhere: 0, benign: 0, benignFlagged: 0 });
    if (r.group === 'backdoored') (s.backdoored++, (s.caught += r.flagged ? 1 : 0), (s.elsewhere += r.elsewhere ? 1 : 0));
    else (s.benign++, (s.benignFlagged += r.flagged ? 1 : 0));
  }
  return out;
}

function rendered(saved) {
  const label = { backdoors: '`test/fixtures/backdoors/` (written while tuning the sandbox)', verification: '`test/fixtures/verification/` (written separately for the verification experiment)' };
  const lines = [
    `Measured ${saved.date} with \`node test/eval/backdoors.js --independent --write-docs\`; a backdoor counts only when a warning or error lands inside the function that holds it:`,
    '',
    '| set | caught on the right function | findings only elsewhere in the file (not counted) | benign flagged |',
    '| --- | --- | --- | --- |',
  ];
  for (const [set, s] of Object.entries(saved.sets)) {
    lines.push(`| ${label[set] ?? set} | ${s.caught}/${s.backdoored} (${((100 * s.caught) / s.backdoored).toFixed(1)}%) | ${s.elsewhere} | ${s.benignFlagged}/${s.benign} |`);
  }
  return lines.join('\n');
}

module.exports = { evaluate, bySet, rendered, targetSpan, RESULTS };

if (require.main === module) {
  const verbose = process.argv.includes('--verbose');
  evaluate({ independent: process.argv.includes('--independent') || process.argv.includes('--write-docs') }).then((e) => {
    if (process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify({ detection: e.detection, falsePositives: e.falsePositives, backdoored: e.backdoored, benign: e.benign, sets: bySet(e) })}\n`);
      return;
    }
    for (const r of e.results) {
      const wrong = (r.group === 'backdoored') !== r.flagged;
      if (!verbose && !wrong) continue;
      process.stdout.write(`${wrong ? 'MISS ' : 'ok   '}${r.name} (${r.runs} runs, ${r.ms.toFixed(0)} ms)${r.elsewhere ? ' — a finding, but outside the backdoor\'s function' : ''}\n`);
      for (const f of r.findings) process.stdout.write(`       ${f.severity} ${f.ruleId}: ${f.message}\n`);
    }
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    const total = e.results.reduce((s, r) => s + r.ms, 0);
    process.stdout.write(`detection on the right function ${pct(e.detection)} of ${e.backdoored} backdoored (${e.elsewhere} more with a finding elsewhere only), false positives ${pct(e.falsePositives)} of ${e.benign} benign, ${(total / 1000).toFixed(1)} s\n`);
    if (process.argv.includes('--write-docs')) {
      const saved = { date: new Date().toISOString().slice(0, 10), sets: bySet(e) };
      fs.writeFileSync(RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
      figures.write('backdoors', rendered(saved));
    }
  });
}
