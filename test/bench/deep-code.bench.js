// Benchmark section: the static pass on pathologically deep code (10,000-deep sums, 10,000-link
// member chains), which test/unit/security/policy/deep-code.test.js checks for correctness only.
'use strict';
const { analyzeDocument } = require('../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../server/dist/core/types.js');
const { median } = require('./stats');

const N = 10_000;
const APP = "const express = require('express');\nconst app = express();\n";
const CASES = [
  ['10,000-deep left-nested sum', `const total = a${' + a'.repeat(N)};`],
  ['10,000-deep sum of request reads in a handler', `app.get('/sum', (req, res) => { res.json({ n: Number(req.query.n${' + req.query.n'.repeat(N)}) }); });`],
  ['10,000-link member chain', `const leaf = a${'.b'.repeat(N)};`],
  ['10,000-link chain of request data in a condition', `app.post('/p', (req, res) => { if (req.body${'.role'.repeat(N)}) res.end(); });`],
];

async function run({ quick }) {
  const samples = quick ? 3 : 7;
  const rows = CASES.map(([name, code]) => {
    const text = `${APP}${code}\n`;
    const times = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      analyzeDocument({ fileName: 'deep.js', text }, DEFAULT_STATIC_OPTIONS);
      times.push(performance.now() - started);
    }
    return [name, `${text.length.toLocaleString('en')} chars`, `${median(times).toFixed(0)} ms`];
  });
  return {
    title: 'Static pass on deeply nested code',
    columns: ['Input', 'Size', 'Median (all rules)'],
    rows,
    notes: `Median of ${samples} runs in one process; \`npm run bench deep-code\`.`,
  };
}

module.exports = { run };
