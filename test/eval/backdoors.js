// Detection and false-positive rates of the sandbox pass over test/fixtures/backdoors: a backdoored
// fixture counts as detected when it gets at least one finding, a benign one as a false positive.
// With --independent, also scores test/fixtures/verification/{hidden,clean}, a set written
// separately for the model-verification work.
// Usage: node test/eval/backdoors.js [--verbose] [--json] [--independent]   (after `npm run build`)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'backdoors');

/**
 * Runs the sandbox pass over every fixture and returns per-file results and the two rates.
 * @param {{ signal?: AbortSignal, independent?: boolean }} [options]
 */
async function evaluate({ signal, independent = false } = {}) {
  const { sandboxAnalyzeDocument } = require('../../server/dist/model/sandbox/analyze.js');
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
      results.push({ group, name: path.relative(path.join(__dirname, '..', 'fixtures'), fileName), flagged: r.findings.length > 0, findings: r.findings, errors: r.errors, runs: r.runs, ms });
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
  };
}

module.exports = { evaluate };

if (require.main === module) {
  const verbose = process.argv.includes('--verbose');
  evaluate({ independent: process.argv.includes('--independent') }).then((e) => {
    if (process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify({ detection: e.detection, falsePositives: e.falsePositives, backdoored: e.backdoored, benign: e.benign })}\n`);
      return;
    }
    for (const r of e.results) {
      const wrong = (r.group === 'backdoored') !== r.flagged;
      if (!verbose && !wrong) continue;
      process.stdout.write(`${wrong ? 'MISS ' : 'ok   '}${r.name} (${r.runs} runs, ${r.ms.toFixed(0)} ms)\n`);
      for (const f of r.findings) process.stdout.write(`       ${f.ruleId}: ${f.message}\n`);
    }
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    const total = e.results.reduce((s, r) => s + r.ms, 0);
    process.stdout.write(`detection ${pct(e.detection)} of ${e.backdoored} backdoored, false positives ${pct(e.falsePositives)} of ${e.benign} benign, ${(total / 1000).toFixed(1)} s\n`);
  });
}
