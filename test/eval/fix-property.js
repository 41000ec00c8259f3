// `npm run eval:fixes [dir…]`: the fix property (test/support/fix-property.js) over real code —
// every quick fix orbit-ls offers, applied one at a time, must leave a file that loads, remove its
// finding and add none. Directories come from the arguments or from ORBIT_REAL_CORPUS (several
// separated by the path delimiter); each is walked for JS/TS sources, node_modules skipped.
// Exit code 1 when any fix breaks the property.
'use strict';
const path = require('node:path');
const { sourceFiles, checkFiles } = require('../support/fix-property');

function main(argv) {
  const dirs = argv.length > 0 ? argv : (process.env.ORBIT_REAL_CORPUS ?? '').split(path.delimiter).filter(Boolean);
  if (dirs.length === 0) {
    process.stderr.write('usage: npm run eval:fixes -- <dir>…   (or set ORBIT_REAL_CORPUS to one or more directories)\n');
    return 2;
  }
  let failed = 0;
  for (const dir of dirs) {
    const root = path.resolve(dir);
    const s = checkFiles(sourceFiles(root), { root });
    const rules = Object.entries(s.byRule).map(([id, n]) => `${id} ${n}`).join(', ') || 'none';
    process.stdout.write(`${dir}: ${s.files} files, ${s.findings} findings, ${s.fixes} fixes applied (${rules}); ${s.failures.length} broke the property\n`);
    for (const f of s.failures) process.stdout.write(`  ${f.file}:${f.line ?? '-'} ${f.ruleId} — ${f.problems.join('; ')}\n`);
    failed += s.failures.length;
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { main };
