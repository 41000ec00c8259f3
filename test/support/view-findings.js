// The lines of a view that the xss rule reports, given the project files that render it or set
// its locals (keyed by path), as the editor and check pass them.
'use strict';
const assert = require('node:assert/strict');
const { analyzeDocument } = require('../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../server/dist/core/types.js');

/** @param {string} fileName @param {string} view @param {Record<string, string>} files */
function rawXssLines(fileName, view, files) {
  /** @type {Record<string, { fileName: string, text: string }>} */
  const imports = {};
  for (const [name, text] of Object.entries(files)) imports[name] = { fileName: name, text };
  const result = analyzeDocument({ fileName, text: view, imports }, DEFAULT_STATIC_OPTIONS);
  assert.deepEqual(result.errors, []);
  return result.findings.filter((f) => f.ruleId === 'xss').map((f) => view.slice(0, f.span.start).split('\n').length);
}

module.exports = { rawXssLines };
