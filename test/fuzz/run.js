// `npm run fuzz`: runs every test/fuzz/*.fuzz.js section with one seed and prints its figures.
// A section exports `async function run({ seed, scale })` returning `{ name, figures: {...} }`;
// scale 1 is the size `npm test` uses, the runner defaults to 20. Options: --seed=N --scale=N,
// and section names to run only those (`--seed N` works too). A section that throws counts as
// a failure and the others still run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

async function main(argv) {
  const option = (name, fallback) => {
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    if (eq) return Number(eq.split('=')[1]);
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const seed = option('seed', 12);
  const scale = option('scale', 20);
  const only = argv.filter((a, i) => !a.startsWith('--') && !(argv[i - 1]?.startsWith('--') && !argv[i - 1].includes('=')));
  const sections = fs.readdirSync(__dirname).filter((f) => f.endsWith('.fuzz.js')).sort().filter((f) => only.length === 0 || only.includes(f.replace(/\.fuzz\.js$/, '')));
  process.stdout.write(`Fuzz: seed ${seed}, scale ${scale}, ${new Date().toISOString().slice(0, 10)}\n\n`);
  let bad = 0;
  for (const file of sections) {
    const started = performance.now();
    try {
      const { name, figures } = await require(path.join(__dirname, file)).run({ seed, scale });
      process.stdout.write(`### ${name}\n\n| Figure | Value |\n| --- | --- |\n${Object.entries(figures).map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n\n`);
      bad += (figures.crashes ?? 0) + (figures.wedges ?? 0) + (figures['stale publishes'] ?? 0);
    } catch (err) {
      bad++;
      process.stdout.write(`### ${file}: FAILED\n\n${err.stack ?? err}\n\n`);
    }
    process.stderr.write(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  if (bad > 0) process.exitCode = 1;
}

// Only when run directly: `node --test` loads files under test/ too.
if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`fuzz failed: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}

module.exports = { main };
