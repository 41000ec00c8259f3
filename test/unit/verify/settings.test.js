// The verification settings: Ollama defaults agree with the backend's own, and wrong values fall
// back with a message naming the key.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { resolveSettings, defaultSettings } = require('../../../server/dist/config/validate.js');
const { DEFAULT_OLLAMA_SETTINGS } = require('../../../server/dist/external/llm/ollama/index.js');

test('the orbit.ollama defaults are the backend defaults; an empty host list means OLLAMA_HOST or the local default', () => {
  const { ollama, verify } = defaultSettings();
  assert.equal(ollama.model, DEFAULT_OLLAMA_SETTINGS.model);
  assert.equal(ollama.concurrency, DEFAULT_OLLAMA_SETTINGS.concurrency);
  assert.equal(ollama.idleTimeoutMs, DEFAULT_OLLAMA_SETTINGS.idleTimeoutMs);
  assert.equal(ollama.firstChunkTimeoutMs, DEFAULT_OLLAMA_SETTINGS.firstChunkTimeoutMs);
  assert.deepEqual(ollama.host, []);
  assert.deepEqual({ trigger: verify.trigger, maxOrbit: verify.maxOrbit, adaptive: verify.adaptive }, { trigger: 'onSave', maxOrbit: 8, adaptive: true });
});

test('a wrong trigger or deltaMin falls back to the default with a message', () => {
  const { settings, problems } = resolveSettings({ verify: { trigger: 'always', deltaMin: 2 } });
  assert.equal(settings.verify.trigger, 'onSave');
  assert.equal(settings.verify.deltaMin, 0.05);
  assert.match(problems.map((p) => p.message).join('\n'), /orbit\.verify\.trigger: expected one of "onSave" \| "onIdle" \| "manual", got "always"/);
  assert.match(problems.map((p) => p.message).join('\n'), /orbit\.verify\.deltaMin: expected a number ≥ 0 and ≤ 0\.9, got 2; using the default 0\.05/);
});
