// The ESLint comparison in docs/rules.md and docs/benchmarks.md, rendered from the last run of
// test/eval/eslint-peer.js (test/eval/results/eslint-peer.json), between
// <!-- eslint-peer:start --> and <!-- eslint-peer:end --> markers. test/unit/docs-figures.test.js
// checks that the docs hold exactly what this renders.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const RESULTS = path.join(__dirname, 'results', 'eslint-peer.json');
const DOCS = [path.join(ROOT, 'docs', 'rules.md'), path.join(ROOT, 'docs', 'benchmarks.md')];
const MARKERS = /(<!-- eslint-peer:start[^>]*-->\n)[\s\S]*?(<!-- eslint-peer:end -->)/;

function render(r) {
  const p = (x) => (x === null ? '—' : `${Math.round(x * 100)}%`);
  const frac = (s) => (s.fp === 0 ? p(s.precision) : `${p(s.precision)} (${s.tp}/${s.tp + s.fp})`);
  const out = [`Measured ${r.date} on ${r.fixtureCount} fixture files, ${r.machine}; only the classes, and the parts of classes, that both tools claim:`, ''];
  out.push('| CWE | orbit-ls precision | orbit-ls recall | ESLint precision | ESLint recall |', '| --- | --- | --- | --- | --- |');
  for (const [cwe, { orbit, eslint }] of Object.entries(r.perCwe)) {
    out.push(`| ${cwe} | ${frac(orbit)} | ${p(orbit.recall)} | ${eslint.tp + eslint.fp === 0 ? '— (no findings)' : frac(eslint)} | ${p(eslint.recall)} |`);
  }
  out.push('', 'Classes only orbit-ls covers (ESLint has no rule for them, so there is nothing to compare):', '');
  out.push('| CWE | orbit-ls precision | orbit-ls recall |', '| --- | --- | --- |');
  for (const [cwe, o] of Object.entries(r.onlyOrbit)) out.push(`| ${cwe} | ${frac(o)} | ${p(o.recall)} (${o.tp}/${o.tp + o.fn}) |`);
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const mb = (x) => `${x.toFixed(0)} MB`;
  out.push('', '| Run | orbit-ls wall | orbit-ls peak | ESLint wall | ESLint peak |', '| --- | --- | --- | --- | --- |');
  out.push(`| ${r.fixtureCount} fixture files | ${s(r.corpus.orbit.ms)} | ${mb(r.corpus.orbit.peakMb)} | ${s(r.corpus.eslint.ms)} | ${mb(r.corpus.eslint.peakMb)} |`);
  out.push(`| ${r.scaled.files.toLocaleString('en')} files | ${s(r.scaled.orbit.ms)} | ${mb(r.scaled.orbit.peakMb)} | ${s(r.scaled.eslint.ms)} | ${mb(r.scaled.eslint.peakMb)} |`);
  return `${out.join('\n')}\n`;
}

/** Each doc's text with the section replaced by the rendering of `results`. */
function rendered(results = JSON.parse(fs.readFileSync(RESULTS, 'utf8'))) {
  return DOCS.map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    if (!MARKERS.test(text)) throw new Error(`${path.relative(ROOT, file)} has no eslint-peer markers`);
    return { file, text, next: text.replace(MARKERS, (_, start, end) => `${start}${render(results)}${end}`) };
  });
}

function writeDocs(results) {
  for (const { file, next } of rendered(results)) fs.writeFileSync(file, next);
}

module.exports = { RESULTS, rendered, writeDocs, render };
