// Per-rule precision and recall over the security fixture corpus (test/fixtures/security), judged
// by the `// expect: <rule-id>` markers. Run with `npm run eval:rules`; require() it to get numbers.
//
//   TP  a marked line that the rule flags
//   FP  a line the rule flags without a marker for it (anywhere in the corpus)
//   FN  a marked line the rule does not flag
// Findings in other rules' fixtures are counted as FP like any other, but also shown apart
// ("FP elsewhere"): those fixtures were written for another rule and are not labelled for this
// one, so some of those may be real problems the corpus does not mark.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { analyze, lineOf, expectations, FIXTURES } = require('../unit/security/harness');
const { allRules } = require('../../server/dist/core/security/registry.js');

/** Every fixture file under `root`, with the rule directory it belongs to. */
function corpus(root = FIXTURES) {
  const out = [];
  const visit = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (/\.(js|jsx|ts|tsx)$/.test(e.name)) out.push({ file: full, owner: path.relative(root, full).split(path.sep)[0] });
    }
  };
  visit(root);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

function count(map, key) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Scores every registered rule on the corpus; also returns the raw mismatches for debugging. */
function evaluate(root = FIXTURES) {
  const rules = new Map(allRules().map((m) => [m.id, { id: m.id, cwe: m.cwe, tp: 0, fp: 0, fn: 0, fpElsewhere: 0, files: 0 }]));
  const mismatches = [];
  const files = corpus(root);
  const started = process.hrtime.bigint();
  for (const { file, owner } of files) {
    const text = fs.readFileSync(file, 'utf8');
    const result = analyze(text, path.basename(file));
    const want = new Map();
    const got = new Map();
    for (const e of expectations(text)) count(want, `${e.line}:${e.ruleId}`);
    for (const f of result.findings) count(got, `${lineOf(text, f.span.start)}:${f.ruleId}`);
    for (const key of new Set([...want.keys(), ...got.keys()])) {
      const ruleId = key.slice(key.indexOf(':') + 1);
      const r = rules.get(ruleId);
      if (!r) continue;
      const w = want.get(key) ?? 0;
      const g = got.get(key) ?? 0;
      r.tp += Math.min(w, g);
      if (g > w) {
        r.fp += g - w;
        if (owner !== ruleId) r.fpElsewhere += g - w;
        mismatches.push({ kind: 'FP', ruleId, file: path.relative(root, file), line: Number(key.split(':')[0]) });
      }
      if (w > g) {
        r.fn += w - g;
        mismatches.push({ kind: 'FN', ruleId, file: path.relative(root, file), line: Number(key.split(':')[0]) });
      }
    }
    if (rules.has(owner)) rules.get(owner).files++;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const scored = [...rules.values()].map((r) => ({
    ...r,
    precision: r.tp + r.fp === 0 ? null : r.tp / (r.tp + r.fp),
    recall: r.tp + r.fn === 0 ? null : r.tp / (r.tp + r.fn),
    /** Precision counting only false positives inside the rule's own fixtures. */
    ownPrecision: r.tp + r.fp - r.fpElsewhere === 0 ? null : r.tp / (r.tp + r.fp - r.fpElsewhere),
  }));
  return { rules: scored, mismatches, files: files.length, ms };
}

function pct(x) {
  return x === null ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`;
}

function table(report) {
  const lines = [];
  const head = ['rule', 'CWE', 'files', 'TP', 'FP', 'FN', 'precision', 'recall', 'FP elsewhere', 'own precision'];
  const rows = report.rules.map((r) => [r.id, r.cwe[0], String(r.files), String(r.tp), String(r.fp), String(r.fn), pct(r.precision), pct(r.recall), String(r.fpElsewhere), pct(r.ownPrecision)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  const t = report.rules.reduce((a, r) => ({ tp: a.tp + r.tp, fp: a.fp + r.fp, fn: a.fn + r.fn }), { tp: 0, fp: 0, fn: 0 });
  lines.push('', `all rules: precision ${pct(t.tp / (t.tp + t.fp))}, recall ${pct(t.tp / (t.tp + t.fn))} over ${report.files} files in ${report.ms.toFixed(0)} ms`);
  return lines.join('\n');
}

const DOC = path.join(__dirname, '..', '..', 'docs', 'rules.md');
const START = '<!-- rules-table:start (written by node test/eval/rules.js --write-docs) -->';
const END = '<!-- rules-table:end -->';

/** The summary table of docs/rules.md: metadata from the registry, figures from `report`. */
function docsTable(report, date = new Date().toISOString().slice(0, 10)) {
  const meta = new Map(allRules().map((m) => [m.id, m]));
  const p = (x) => (x === null ? '—' : `${Math.round(x * 100)}%`);
  const rows = report.rules.map((r) => {
    const m = meta.get(r.id);
    return `| [${r.id}](#${r.id}) | ${m.cwe.join(', ')} | ${m.defaultSeverity} | ${m.hasFix ? 'yes' : 'no'} | ${p(r.precision)} | ${p(r.ownPrecision)} | ${p(r.recall)} (${r.tp}/${r.tp + r.fn}) |`;
  });
  return [
    `Measured ${date} on ${report.files} fixture files:`,
    '',
    '| Rule | CWE | Severity | Fix | Precision | Own precision | Recall |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const RESULTS = path.join(__dirname, 'results', 'rules.json');

/** The figures the docs table shows, as saved with --write-docs. */
function savedFigures(report, date) {
  return { date, files: report.files, rules: report.rules.map(({ id, tp, fp, fn, precision, ownPrecision, recall }) => ({ id, tp, fp, fn, precision, ownPrecision, recall })) };
}

/** Saves this run's figures to results/rules.json and replaces the table in docs/rules.md with them. */
function writeDocs(report) {
  const saved = savedFigures(report, new Date().toISOString().slice(0, 10));
  fs.writeFileSync(RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
  const text = fs.readFileSync(DOC, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/rules.md has no ${START} … ${END} block`);
  fs.writeFileSync(DOC, `${text.slice(0, a + START.length)}\n${docsTable(saved, saved.date)}\n${text.slice(b)}`);
}

module.exports = { evaluate, corpus, table, docsTable, savedFigures, RESULTS, DOC, START, END };

if (require.main === module) {
  const report = evaluate();
  process.stdout.write(`${table(report)}\n`);
  if (process.argv.includes('--write-docs')) writeDocs(report);
  if (process.argv.includes('--verbose')) {
    for (const m of report.mismatches) process.stdout.write(`${m.kind} ${m.ruleId} ${m.file}:${m.line}\n`);
  }
}
