// Benchmark section: where the time of one edit goes, phase by phase, in CPU milliseconds of the
// thread that analyses (the worker's work, run in-process): the text copied into the worker, the
// parse (fresh, and incremental from the previous version), the taint facts, the rules by family
// (taint, policy, supply chain), and the result copied back. Same file shapes and edits as the
// latency section: a generated Express app, one comment line inserted inside the middle handler per edit.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { expressFile } = require('./generate');
const { handlerBodyLine } = require('./latency.bench');

const DIST = path.join(__dirname, '..', '..', 'server', 'dist', 'core');
const { parseDocument, parseDocumentIncrementally } = require(path.join(DIST, 'source', 'parse.js'));
const { buildTaintFacts } = require(path.join(DIST, 'security', 'engine.js'));
const { runRules } = require(path.join(DIST, 'security', 'registry.js'));
const { applySuppressions } = require(path.join(DIST, 'security', 'suppression.js'));
const { levelsForFile } = require(path.join(DIST, 'security', 'test-files.js'));
const { DEFAULT_STATIC_OPTIONS } = require(path.join(DIST, 'types.js'));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU ms spent in each family's rules since the last reset. */
const spent = {};

/** Times every rule's check under its family's name (the registry holds these same objects). */
function timeRules() {
  const families = {
    taint: fs.readdirSync(path.join(DIST, 'security', 'rules')).filter((f) => f.endsWith('.js')).flatMap((f) => Object.values(require(path.join(DIST, 'security', 'rules', f)))),
    policy: require(path.join(DIST, 'security', 'rules', 'policy', 'index.js')).POLICY_RULES,
    supply: require(path.join(DIST, 'security', 'rules', 'supply', 'index.js')).SUPPLY_CHAIN_RULES,
  };
  for (const [family, rules] of Object.entries(families)) {
    for (const rule of rules) {
      if (!rule || typeof rule.check !== 'function' || rule.timed) continue;
      const check = rule.check;
      rule.timed = true;
      rule.check = (ctx) => {
        const t = cpu();
        try {
          return check(ctx);
        } finally {
          spent[family] = (spent[family] ?? 0) + cpu() - t;
        }
      };
    }
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(lines, edits) {
  let text = expressFile(lines);
  const line = handlerBodyLine(text, lines);
  const slot = {};
  parseDocumentIncrementally(slot, text, 'js', []);
  const levels = levelsForFile('app.js', DEFAULT_STATIC_OPTIONS.rules);
  const rows = {};
  const add = (k, v) => (rows[k] ??= []).push(v);
  timeRules();
  for (let i = 0; i < edits + 3; i++) {
    const all = text.split('\n');
    all.splice(line, 0, `// edit ${i}`);
    text = all.join('\n');
    const keep = i >= 3 ? add : () => {};
    let t = cpu();
    structuredClone({ text });
    keep('text into the worker', cpu() - t);
    t = cpu();
    parseDocument(text, 'js', []);
    keep('parse, fresh', cpu() - t);
    t = cpu();
    const parsed = parseDocumentIncrementally(slot, text, 'js', []);
    keep('parse, incremental', cpu() - t);
    t = cpu();
    const facts = buildTaintFacts(parsed.sourceFile, { extraSources: [] });
    keep('taint facts', cpu() - t);
    for (const k of Object.keys(spent)) spent[k] = 0;
    t = cpu();
    const findings = runRules({ sourceFile: parsed.sourceFile, text, language: 'js', facts, levels }, []);
    keep('rules, all', cpu() - t);
    for (const [family, ms] of Object.entries(spent)) keep(`rules, ${family}`, ms);
    t = cpu();
    const out = applySuppressions(text, findings);
    structuredClone({ findings: out, errors: [] });
    keep('suppressions and result out of the worker', cpu() - t);
  }
  return Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
}

async function run({ quick }) {
  const small = measure(1000, quick ? 10 : 40);
  const large = measure(10000, quick ? 4 : 12);
  return {
    title: 'Where an edit goes (CPU ms of the analysing thread, median per edit)',
    columns: ['Phase', '1,000 lines', '10,000 lines'],
    rows: Object.keys(small).map((k) => [k, small[k].toFixed(1), large[k].toFixed(1)]),
    notes: 'The worker parses incrementally; "parse, fresh" is what the same parse costs without the kept tree.',
  };
}

module.exports = { run };
