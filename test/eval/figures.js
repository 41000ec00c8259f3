// Generated sections of the docs: each lies between `<!-- NAME:start … -->` and `<!-- NAME:end -->`
// in any of the docs below, and is written by its script from a saved run (test/eval/results/).
// test/unit/docs-figures.test.js checks every section against its saved run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const DOCS = ['docs/benchmarks.md', 'docs/method.md', 'README.md'];

function markers(name) {
  return { start: `<!-- ${name}:start (written by node test/eval/${name}.js --write-docs) -->`, end: `<!-- ${name}:end -->` };
}

/** Every doc holding the section: { file, current } with the text between its markers. */
function sections(name) {
  const { start, end } = markers(name);
  const out = [];
  for (const file of DOCS) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    let from = 0;
    for (;;) {
      const a = text.indexOf(start, from);
      if (a < 0) break;
      const b = text.indexOf(end, a);
      if (b < 0) throw new Error(`${file}: ${start} has no end marker`);
      out.push({ file, current: text.slice(a + start.length, b).trim() });
      from = b;
    }
  }
  return out;
}

/** Replaces the section in every doc that holds it. */
function write(name, body) {
  const { start, end } = markers(name);
  let found = 0;
  for (const file of DOCS) {
    const full = path.join(ROOT, file);
    const text = fs.readFileSync(full, 'utf8');
    const parts = text.split(start);
    if (parts.length === 1) continue;
    const next = parts.map((part, i) => (i === 0 ? part : `\n${body.trim()}\n${part.slice(part.indexOf(end))}`)).join(start);
    found += parts.length - 1;
    fs.writeFileSync(full, next);
  }
  if (found === 0) process.stderr.write(`no ${start} marker in ${DOCS.join(', ')}; nothing written\n`);
}

module.exports = { sections, write, markers, DOCS };
