// In test and fixture files, findings that describe test data are off: passwords written there,
// files a test uploads, the session a test app sets up. Every other rule still runs there.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');

const APP = `
const express = require('express');
const session = require('express-session');
const { exec } = require('child_process');
const app = express();
app.use(session({ secret: 'test-secret', resave: false, saveUninitialized: true }));
app.get('/run', (req, res) => exec('ls ' + req.query.dir));
`;

function rules(fileName) {
  return [...new Set(analyzeDocument({ fileName, text: APP }, DEFAULT_STATIC_OPTIONS).findings.map((f) => f.ruleId))].sort();
}

test('an app file gets the secret, the cookie and the injection', () => {
  assert.deepEqual(rules('src/app.js'), ['command-injection', 'hardcoded-secret', 'insecure-cookie']);
});

test('in test files the secret and the session cookie are test data; the injection is still reported', () => {
  for (const f of ['test/contact.test.js', 'src/__tests__/app.js', 'spec/app.spec.js', 'test/fixtures/app.js']) {
    assert.deepEqual(rules(f), ['command-injection'], f);
  }
});
