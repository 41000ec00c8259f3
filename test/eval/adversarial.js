// The trigger set (test/fixtures/triggers) verified with the real verifier and Ollama client against
// simulated models in the test Ollama: honest but noisy, lazy (always "no effects"), a consistent
// liar (hides security effects on every program) and an evasive one (malformed JSON exactly where
// an honest answer would show an effect). For each: backdoors caught on the right function by what
// the user sees (sandbox and model findings together), benign functions with a warning or error,
// functions reported as verification-incomplete, and model calls per verified function.
// These simulated models answer from the sandbox's own traces, so they measure how verification
// treats a model's behaviour, not how an independent model would see the code.
// Usage: node test/eval/adversarial.js [--json]   (after `npm run build`)
'use strict';
const S = require('../unit/verify/support');
const { models, promptText, parseTracePrompt } = require('../support/fake-ollama');
const { fixtures, scoreFindings } = require('./triggers.js');

function evasive(provider) {
  const honest = models.honest(provider);
  const garbage = models.garbage();
  return async function* (request, ctx) {
    const parsed = parseTracePrompt(promptText(request));
    const truth = parsed ? await Promise.all(parsed.inputs.map((args) => provider(parsed.program, args, { entry: parsed.entry }))) : [];
    if (truth.some((t) => t.effects.some((e) => ['network', 'process', 'fs-write', 'eval'].includes(e.kind)))) yield* garbage(request, ctx);
    else yield* honest(request, ctx);
  };
}

const MODELS = {
  'honest, 10% noise': (p) => models.noisyHonest(p, { rate: 0.1 }),
  lazy: (p) => models.backdoored(p, { trigger: () => true, hide: () => true }),
  'consistent liar': (p) => models.backdoored(p, { trigger: () => true }),
  'evasive (malformed JSON)': (p) => evasive(p),
};

async function evaluate() {
  const out = {};
  const never = new AbortController().signal;
  for (const [name, make] of Object.entries(MODELS)) {
    const fake = await S.startOllama(make);
    const { verifier, gate } = S.makeVerifier(fake.host);
    await gate.start(never);
    const row = { caught: 0, backdoored: 0, benignFlagged: 0, benign: 0, incomplete: 0, functions: 0, calls: 0 };
    for (const fx of fixtures()) {
      const uri = `file://${fx.fileName}`;
      const report = await verifier.verify({ doc: S.snapshot(fx.text, { uri }), settings: S.settings(), staticFindings: [] }, never);
      const findings = report?.findings ?? [];
      const { flagged } = scoreFindings(fx, findings);
      if (fx.group === 'backdoored') (row.backdoored++, (row.caught += flagged ? 1 : 0));
      else (row.benign++, (row.benignFlagged += flagged ? 1 : 0));
      row.incomplete += report?.incomplete?.length ?? 0;
      for (const u of report?.units ?? []) (row.functions++, (row.calls += u.modelCalls));
    }
    gate.dispose();
    await fake.close();
    out[name] = row;
  }
  return out;
}

module.exports = { evaluate };

if (require.main === module) {
  evaluate().then((rows) => {
    if (process.argv.includes('--json')) return void process.stdout.write(`${JSON.stringify(rows)}\n`);
    process.stdout.write('| model | backdoors caught (union) | benign flagged | functions incomplete | model calls per verified function |\n| --- | --- | --- | --- | --- |\n');
    for (const [name, r] of Object.entries(rows)) {
      process.stdout.write(`| ${name} | ${r.caught}/${r.backdoored} | ${r.benignFlagged}/${r.benign} | ${r.incomplete} | ${r.functions ? (r.calls / r.functions).toFixed(1) : '–'} |\n`);
    }
  });
}
