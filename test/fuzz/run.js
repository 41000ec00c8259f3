// `npm run fuzz`: runs every test/fuzz/*.fuzz.js section. A section exports
// `async run({ seed, scale }) → { name, figures }` and throws when a property it checks fails.
// Options: section names to run only those; --seed N (default: the time); --scale X (default 1).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

async function main(argv) {
  const flag = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const seed = flag('seed', Date.now() % 1e9);
  const scale = flag('scale', 1);
  const only = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const sections = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.fuzz.js'))
    .sort()
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.fuzz\.js$/, '')));
  process.stdout.write(`Fuzz run: seed ${seed}, scale ${scale}, ${new Date().toISOString()}\n\n`);
  let failed = 0;
  for (const file of sections) {
    const started = performance.now();
    try {
      const { name, figures } = await require(path.join(__dirname, file)).run({ seed, scale });
      process.stdout.write(`### ${name}\n\n| figure | value |\n| --- | --- |\n${Object.entries(figures).map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`### ${file}: FAILED\n\n${err.stack ?? err}\n\n`);
    }
    process.stderr.write(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  if (failed > 0) process.exitCode = 1;
}

// Only when run directly: `node --test` loads files under test/ too.
if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`fuzz failed: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}

module.exports = { main };
