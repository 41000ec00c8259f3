// The regeneration experiment: on vulnerable functions from test/fixtures/security, simulated code
// models with a set propensity to write each vulnerability; unconstrained generation vs
// generate-then-check-and-retry (post-hoc) vs streaming constrained generation. Secure rate,
// behaviour preserved (sandbox), tokens and time. The models are simulated: see docs/benchmarks.md.
// Usage: node test/eval/regeneration.js [--propensity 0.3,0.6,0.9] [--seeds 2] [--no-sandbox] [--json] [--write-docs]
//        node test/eval/regeneration.js --model qwen2.5-coder:7b [--host http://127.0.0.1:11434]
//        (the second form asks a real Ollama model instead of the simulated ones)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'security');
/** @type {Array<import('../../server/dist/engine/regenerate/generate').GenerationMode>} */
const STRATEGIES = ['unconstrained', 'posthoc', 'constrained'];
const RESULTS = path.join(__dirname, 'results', 'regeneration.json');

/** Every vulnerable function with a finding: the unsafe statements are the original ones, the safe
 *  ones what the rule's quick fix makes of them, aligned one to one (the whole body as one
 *  statement where the fix changes the number of lines). Where the rule offers no fix inside the
 *  body, the simulated model knows no safe version and writes the original; and where the fixed
 *  version still has a finding, no strategy can succeed. Such functions are kept and scored
 *  (`securable: false`), so the rates cover every vulnerable function, not only winnable ones. */
function corpus() {
  const { analyzeDocument } = require('../../server/dist/core/static-analysis.js');
  const { DEFAULT_STATIC_OPTIONS } = require('../../server/dist/core/types.js');
  const c = require('../../server/dist/core/constraints/index.js');
  const out = [];
  for (const rule of fs.readdirSync(FIXTURES).sort()) {
    const dir = path.join(FIXTURES, rule, 'vulnerable');
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      const language = /\.ts$/.test(name) ? 'ts' : 'js';
      const byBody = new Map();
      for (const f of analyzeDocument({ fileName: name, text }, DEFAULT_STATIC_OPTIONS).findings) {
        const target = c.findTarget(name, text, f.span, language);
        if (!target) continue;
        const fix = f.fixes?.[0];
        const entry = byBody.get(target.bodyStart) ?? { target, findings: [], edits: [] };
        entry.findings.push(f);
        if (fix && fix.edits.every((e) => e.span.start >= target.bodyStart && e.span.end <= target.bodyEnd)) entry.edits.push(...fix.edits);
        byBody.set(target.bodyStart, entry);
      }
      for (const { target, findings, edits } of byBody.values()) {
        const unsafeBody = c.originalBody(target);
        const safeBody = applyEdits(unsafeBody, edits.map((e) => ({ ...e, span: { start: e.span.start - target.bodyStart, end: e.span.end - target.bodyStart } })));
        // The simulated model writes line by line, so a cut inside a block resumes cleanly.
        let unsafe = lines(unsafeBody);
        let safe = lines(safeBody);
        if (unsafe.length !== safe.length) (unsafe = [unsafe.join('\n')]), (safe = [safe.join('\n')]);
        const set = c.buildConstraintSet({ focus: { ruleId: findings[0].ruleId, message: findings[0].message } });
        const check = c.analyseBody(target, set, `\n${safe.join('\n')}\n`, 0);
        const securable = edits.length > 0 && check.findings.length === 0 && check.syntax.length === 0;
        out.push({ id: `${rule}/${name}:${target.unit.line}`, rule: findings[0].ruleId, target, set, safe, unsafe, securable });
      }
    }
  }
  return out;
}

function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  let floor = Infinity;
  for (const e of sorted) {
    if (e.span.end > floor) continue; // overlapping fixes: keep the later one
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
    floor = e.span.start;
  }
  return out;
}

/** The body's non-blank lines with their indentation. */
function lines(body) {
  // The fixtures' "// expect: rule" markers are for the rule tests, not code a model would write.
  return body.split('\n').map((l) => l.replace(/\s*\/\/ expect: .*$/, '').trimEnd()).filter((l) => l.trim() !== '');
}

/**
 * Runs every strategy on every function for each propensity and seed (securableOnly: only the
 * functions the rule's own fix secures, for a quick comparison of the strategies).
 * @param {{ propensities?: any[], seeds?: number, sandbox?: boolean, limit?: number, securableOnly?: boolean,
 *           feedback?: number, maxAttempts?: number, model?: string, host?: string }} [options]
 * @returns {Promise<{ rows: object[], functions: number, securable: number, runs: object[] }>}
 */
async function evaluate({ propensities = [0.3, 0.6, 0.9], seeds = 2, sandbox = true, limit, securableOnly = false, feedback = 0.3, maxAttempts = 5, model, host } = {}) {
  const { startFakeOllama } = require('../support/fake-ollama');
  const code = require('../support/fake-ollama/code-models.js');
  const { createOllamaBackend } = require('../../server/dist/external/llm/ollama/index.js');
  const { generateBody, verifyBody } = require('../../server/dist/engine/regenerate/index.js');
  const { formatBody } = require('../../server/dist/core/constraints/index.js');
  const functions = corpus().filter((f) => !securableOnly || f.securable).slice(0, limit);
  /** @type {Record<string, Function>} */
  const models = {};
  for (const p of propensities) functions.forEach((f, i) => (models[`f${i}-p${p}:sim`] = code.secureCoder({ safe: f.safe, unsafe: f.unsafe, propensity: p, feedback, indent: '' })));
  // With a real model there is no propensity to set: one row per strategy, labelled with the model.
  if (model) propensities = [model];
  const fake = model ? { close: async () => undefined } : await startFakeOllama({ models });
  const { resolveOllamaHost } = require('../../server/dist/external/llm/ollama/index.js');
  const backendFor = (i, p) =>
    model
      ? createOllamaBackend({ host: resolveOllamaHost(host, process.env), model, firstChunkTimeoutMs: 280_000 })
      : createOllamaBackend({ host: fake.host, model: `f${i}-p${p}:sim` });
  const runs = [];
  try {
    for (const p of propensities) {
      for (const [i, f] of functions.entries()) {
        const backend = backendFor(i, p);
        for (let seed = 1; seed <= seeds; seed++) {
          for (const mode of STRATEGIES) {
            const signal = new AbortController().signal;
            /** @type {import('../../server/dist/engine/regenerate/generate').GenerationConfig} */
            const config = { mode, budget: { maxAttempts, maxTokens: 20_000, maxMs: model ? 600_000 : 60_000 }, seed: seed * 101, temperature: 0.2 };
            const outcome = await generateBody(f.target, f.set, backend, config, signal);
            let secure = false;
            let behaviour = 'not-run';
            if (outcome.kind === 'generated') {
              const v = await verifyBody(f.target, f.set, formatBody(f.target, outcome.body), { ruleId: f.rule, sandbox }, signal);
              secure = !v.problems.some((x) => /finding|parse|signature/.test(x));
              behaviour = v.behaviour;
            }
            runs.push({ p, fn: f.id, securable: f.securable, seed, mode, secure, behaviour, tokens: outcome.tokens, ms: outcome.elapsedMs, calls: outcome.attempts, modelError: outcome.kind === 'model-failed' ? outcome.failure.detail : undefined });
          }
        }
      }
    }
  } finally {
    await fake.close();
  }
  const rows = [];
  for (const p of propensities) {
    for (const mode of STRATEGIES) {
      const rs = runs.filter((r) => r.p === p && r.mode === mode);
      const ran = rs.filter((r) => r.behaviour !== 'not-run');
      rows.push({
        propensity: p,
        mode,
        runs: rs.length,
        secureRate: rs.filter((r) => r.secure).length / rs.length,
        secureRateSecurable: rs.filter((r) => r.securable).length ? rs.filter((r) => r.securable && r.secure).length / rs.filter((r) => r.securable).length : undefined,
        behaviourPreserved: ran.length ? ran.filter((r) => r.behaviour === 'preserved').length / ran.length : undefined,
        sandboxed: ran.length,
        tokens: rs.reduce((a, r) => a + r.tokens, 0) / rs.length,
        calls: rs.reduce((a, r) => a + r.calls, 0) / rs.length,
        ms: rs.reduce((a, r) => a + r.ms, 0) / rs.length,
        modelErrors: rs.filter((r) => r.modelError).length,
      });
    }
  }
  return { rows, functions: functions.length, securable: functions.filter((f) => f.securable).length, runs };
}

function table({ rows, functions, securable }) {
  const pct = (x) => (x === undefined ? 'n/a' : `${(100 * x).toFixed(0)}%`);
  const lines = [
    `${functions} vulnerable functions (${securable} of them securable by the rule's own fix, which is the simulated model's only safe version); ${typeof rows[0]?.propensity === 'string' ? `model ${rows[0].propensity}` : 'simulated models'}; mean per function and run.`,
    '',
    '| propensity | strategy | secure (all functions) | secure (securable ones) | behaviour preserved (sandboxed runs) | output tokens | model calls | time (ms) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.propensity} | ${r.mode} | ${pct(r.secureRate)} | ${pct(r.secureRateSecurable)} | ${pct(r.behaviourPreserved)} (${r.sandboxed}) | ${r.tokens.toFixed(0)} | ${r.calls.toFixed(2)} | ${r.ms.toFixed(0)} |`);
  }
  const errors = rows.reduce((a, r) => a + r.modelErrors, 0);
  if (errors > 0) lines.push('', `${errors} run(s) ended with a model error (is Ollama running, and the model pulled?).`);
  return lines.join('\n');
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const options = {
    propensities: opt('--propensity')?.split(',').map(Number) ?? [0.3, 0.6, 0.9],
    seeds: Number(opt('--seeds') ?? 2),
    sandbox: !argv.includes('--no-sandbox'),
    model: opt('--model'),
    host: opt('--host'),
  };
  evaluate(options).then((result) => {
    process.stdout.write(argv.includes('--json') ? `${JSON.stringify(result, null, 2)}\n` : `${table(result)}\n`);
    if (argv.includes('--write-docs')) {
      const { runs, ...summary } = result;
      const args = argv.filter((a) => a !== '--write-docs' && a !== '--json').join(' ');
      const saved = { date: new Date().toISOString().slice(0, 10), args, ...summary };
      fs.writeFileSync(RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
      require('./figures.js').write('regeneration', rendered(saved));
    }
  });
}

/** The docs section rendered from a saved run. */
function rendered(saved) {
  return `Measured ${saved.date} on a loaded 2-core machine with \`node test/eval/regeneration.js ${saved.args} --write-docs\`:\n\n${table(saved)}`;
}

module.exports = { evaluate, corpus, table, rendered, RESULTS };
