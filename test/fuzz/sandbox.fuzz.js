// `npm run fuzz` section: many seeded hostile functions through the sandbox, and files of them
// around a backdoor. Fails (throws) on the first violated property; returns figures otherwise.
'use strict';
const { attackSandbox } = require('./sandbox-check');

async function run({ seed = 1, scale = 1 } = {}) {
  // Scale 1 is the size npm test runs (40 functions); the runner's default, 20, makes 400.
  const count = Math.max(40, Math.round(20 * scale));
  const { violations, figures } = await attackSandbox({ seed, count });
  if (violations.length > 0) throw new Error(`sandbox fuzz, seed ${seed}: ${violations.length} violation(s):\n${violations.slice(0, 20).join('\n')}`);
  return { name: 'sandbox hostiles', figures: { seed, ...figures } };
}

module.exports = { run };
