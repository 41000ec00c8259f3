// `npm run bench`: runs every section in test/bench/*.bench.js and prints one markdown table per
// section, ready for docs/benchmarks.md. A section exports `run({ quick }) → { title, columns,
// rows, notes? }`. Options: section names to run only those; --quick for fewer samples.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function table({ title, columns, rows, notes }) {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [`### ${title}`, '', line(columns), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line), ...(notes ? ['', notes] : []), ''].join('\n');
}

async function main(argv) {
  const quick = argv.includes('--quick');
  const only = argv.filter((a) => !a.startsWith('--'));
  const sections = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .sort()
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.js$/, '')));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`Machine: ${os.availableParallelism()} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n`);
  for (const file of sections) {
    const started = performance.now();
    const result = await require(path.join(__dirname, file)).run({ quick });
    process.stdout.write(`${table(result)}\n`);
    process.stderr.write(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

// Only when run directly: `node --test test/` loads every file under test/, this one included.
if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}

module.exports = { main };
