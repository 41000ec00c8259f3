// Supply-chain evaluation: every package of test/fixtures/supply-chain is checked as
// `orbit-ls check <package>` would (install scripts, static rules over the files that run at
// install and load, and their top level run in the sandbox); a package is flagged when any
// finding is reported. Prints per-package results and the rates; `--json` prints them as JSON.
// Exit code 1 when fewer than 95% of the malicious packages or any benign one is flagged.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { readPackage } = require('../../server/dist/engine/supply/package');
const { checkPackage } = require('../../server/dist/workers/tasks/check-package');

const STATIC = new Set(['exfiltration', 'decoded-code-execution', 'process-at-load', 'hidden-network-host']);
const ROOT = path.join(__dirname, '..', 'fixtures', 'supply-chain');

async function evaluate() {
  const rows = [];
  for (const label of ['malicious', 'benign']) {
    for (const name of fs.readdirSync(path.join(ROOT, label)).sort()) {
      const dir = path.join(ROOT, label, name);
      const pkg = await readPackage(dir, 2_000_000);
      const r = await checkPackage({ packageJson: { path: pkg.path, text: pkg.text }, files: pkg.files, sandbox: true, staticRules: true });
      const findings = r.files.flatMap((f) => f.findings.map((x) => ({ file: path.relative(dir, f.path), rule: x.ruleId, message: x.message })));
      rows.push({ label, name, flagged: findings.length > 0, findings });
    }
  }
  const mal = rows.filter((r) => r.label === 'malicious');
  const ben = rows.filter((r) => r.label === 'benign');
  const by = (rows, test) => rows.filter((r) => r.findings.some((f) => test(f.rule))).length;
  const detectors = {
    installScripts: by(mal, (id) => id === 'install-script'),
    static: by(mal, (id) => STATIC.has(id)),
    sandbox: by(mal, (id) => id.startsWith('load-')),
  };
  return { rows, detectors, malicious: { total: mal.length, flagged: mal.filter((r) => r.flagged).length }, benign: { total: ben.length, flagged: ben.filter((r) => r.flagged).length } };
}

module.exports = { evaluate };

if (require.main === module) {
  evaluate().then((res) => {
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    else {
      for (const r of res.rows) {
        process.stdout.write(`${r.label.padEnd(9)} ${r.flagged ? 'FLAGGED' : 'clean  '} ${r.name}\n`);
        for (const f of r.findings) process.stdout.write(`            ${f.rule} ${f.file}: ${f.message}\n`);
      }
      const pct = (x) => `${((100 * x.flagged) / x.total).toFixed(1)}%`;
      process.stdout.write(`\nmalicious flagged: ${res.malicious.flagged}/${res.malicious.total} (${pct(res.malicious)})\nbenign flagged:    ${res.benign.flagged}/${res.benign.total} (${pct(res.benign)})\n`);
      const d = res.detectors;
      process.stdout.write(`malicious flagged by each part alone: install scripts ${d.installScripts}, static rules ${d.static}, sandbox load runs ${d.sandbox}\n`);
    }
    const ok = res.malicious.flagged / res.malicious.total >= 0.95 && res.benign.flagged === 0;
    process.exitCode = ok ? 0 : 1;
  });
}
