// Test support (not a test) for the editor regeneration tests: a test Ollama whose simulated code
// model rewrites the first SQL-injectable route of the example app, writing the injectable query
// first (so the engine must cut and resume) and the parameterised one after being told why.
'use strict';
const fs = require('node:fs');
const { startFakeOllama } = require('../support/fake-ollama');
const code = require('../support/fake-ollama/code-models.js');
const { REPO } = require('./editor-support.js');

const MODEL = 'coder-sim:1b';

/** Unsafe lines are the route's body as written; safe lines the body with the rule's own fix. */
function planFor(file) {
  const { analyzeDocument } = require('../../server/dist/core/static-analysis.js');
  const { DEFAULT_STATIC_OPTIONS } = require('../../server/dist/core/types.js');
  const c = require('../../server/dist/core/constraints/index.js');
  const text = fs.readFileSync(file, 'utf8');
  const finding = analyzeDocument({ fileName: file, text }, DEFAULT_STATIC_OPTIONS).findings.find((f) => f.ruleId === 'sql-injection');
  const target = c.findTarget(file, text, finding.span, 'js');
  let body = c.originalBody(target);
  const edits = [...finding.fixes[0].edits].sort((a, b) => b.span.start - a.span.start);
  for (const e of edits) body = body.slice(0, e.span.start - target.bodyStart) + e.newText + body.slice(e.span.end - target.bodyStart);
  const lines = (b) => b.split('\n').filter((l) => l.trim() !== '');
  return { unsafe: lines(c.originalBody(target)), safe: lines(body), line: text.slice(0, finding.span.start).split('\n').length };
}

async function startCodeOllama(file) {
  const plan = planFor(file);
  const fake = await startFakeOllama({ models: { [MODEL]: code.injectsThenComplies({ ...plan, indent: '' }) } });
  return { fake, plan, settings: { ollama: { host: fake.host, model: MODEL }, verify: { trigger: 'manual' } } };
}

module.exports = { startCodeOllama, planFor, MODEL, REPO };
