// The seeded fuzz sections at the size `npm test` can afford (bounded by count, not time): no
// crash, no wedge, no stale publish. `npm run fuzz` runs the same sections larger.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const DIR = path.join(__dirname, '..', 'fuzz');
for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.fuzz.js')).sort()) {
  test(`fuzz section ${file} at scale 1: no crash, no wedge, no stale publish`, { timeout: 120_000 }, async () => {
    const { name, figures } = await require(path.join(DIR, file)).run({ seed: 7, scale: 1 });
    assert.equal(figures.crashes ?? 0, 0, `${name}: ${JSON.stringify(figures)}`);
    assert.equal(figures.wedges ?? 0, 0, `${name}: ${JSON.stringify(figures)}`);
    assert.equal(figures['stale publishes'] ?? 0, 0, `${name}: ${JSON.stringify(figures)}`);
  });
}
