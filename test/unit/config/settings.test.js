// The settings schema: defaults, layering, and what happens to values of the wrong type.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const { resolveSettings, defaultSettings, staticOptionsFrom } = require('../../../server/dist/config/validate.js');

test('defaults: debounce 200 ms, pool of cores − 1 (at least 1), no rule overrides', () => {
  const s = defaultSettings();
  assert.equal(s.debounceMs, 200);
  assert.equal(s.pool.size, Math.max(1, os.availableParallelism() - 1));
  assert.deepEqual(s.rules, {});
  assert.deepEqual(s.extraSources, []);
  assert.ok(s.analysisTimeoutMs >= 1000);
  assert.ok(s.maxFileSize >= 1_000_000);
});

test('null and undefined layers mean defaults, without problems', () => {
  assert.deepEqual(resolveSettings(null, undefined), { settings: defaultSettings(), problems: [] });
});

test('an empty array for the section (Neovim\'s empty Lua table) means defaults, without a warning', () => {
  assert.deepEqual(resolveSettings([]), { settings: defaultSettings(), problems: [] });
  assert.deepEqual(resolveSettings(null, [], undefined), { settings: defaultSettings(), problems: [] });
  // Inside the section too: an empty table where a group or the rule map goes sets nothing.
  const { settings, problems } = resolveSettings({ sandbox: { enabled: false }, rules: { xss: 'off' } }, { sandbox: [], rules: [], pool: [] });
  assert.deepEqual(problems, []);
  assert.equal(settings.sandbox.enabled, false);
  assert.deepEqual(settings.rules, { xss: 'off' });
  assert.deepEqual(resolveSettings({ rules: [], extraSources: [] }), { settings: defaultSettings(), problems: [] });
  // A non-empty array is still not a settings object.
  assert.match(resolveSettings([1]).problems[0].message, /orbit: expected an object of settings, got \[1\]/);
});

test('sandbox settings: on by default, unexpected effects off, budgets in milliseconds', () => {
  const { sandbox } = defaultSettings();
  assert.deepEqual(sandbox, { enabled: true, unexpectedEffects: false, timeMs: 1000, budgetMs: 20_000 });
  const { settings, problems } = resolveSettings({ sandbox: { enabled: 'no', budgetMs: 100 } });
  assert.equal(settings.sandbox.enabled, true);
  assert.deepEqual(problems.map((p) => p.key), ['orbit.sandbox.enabled', 'orbit.sandbox.budgetMs']);
});

test('later layers win key by key, nested groups and rule maps merge', () => {
  const { settings, problems } = resolveSettings(
    { debounceMs: 50, pool: { size: 3 }, rules: { 'sql-injection': 'warning' } },
    { debounceMs: 75, rules: { 'command-injection': 'off' } },
  );
  assert.deepEqual(problems, []);
  assert.equal(settings.debounceMs, 75);
  assert.equal(settings.pool.size, 3);
  assert.deepEqual(settings.rules, { 'sql-injection': 'warning', 'command-injection': 'off' });
});

test('a value of the wrong type falls back to its default and the problem names the key and the fallback', () => {
  const { settings, problems } = resolveSettings({ debounceMs: '100', pool: { size: 0 } });
  assert.equal(settings.debounceMs, 200);
  assert.equal(settings.pool.size, defaultSettings().pool.size);
  assert.deepEqual(
    problems.map((p) => p.key),
    ['orbit.debounceMs', 'orbit.pool.size'],
  );
  assert.match(problems[0].message, /^orbit\.debounceMs: expected an integer ≥ 0 and ≤ 10000, got "100"; using the default 200$/);
  assert.match(problems[1].message, /^orbit\.pool\.size: expected an integer ≥ 1 and ≤ 64, got 0; using the default \d+$/);
});

test('a bad rule level drops that entry only; the others apply', () => {
  const { settings, problems } = resolveSettings({ rules: { 'sql-injection': 'off', 'command-injection': 'fatal' } });
  assert.deepEqual(settings.rules, { 'sql-injection': 'off' });
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /orbit\.rules: rule "command-injection": expected one of "error" \| "warning" \| "information" \| "hint" \| "off", got "fatal"/);
});

test('non-string extraSources entries are dropped with a problem', () => {
  const { settings, problems } = resolveSettings({ extraSources: ['ctx.state.input', 42] });
  assert.deepEqual(settings.extraSources, ['ctx.state.input']);
  assert.match(problems[0].message, /orbit\.extraSources: ignored non-string entry 42/);
});

test('a group given as a scalar, an unknown key and a non-object layer are problems, not crashes', () => {
  const { settings, problems } = resolveSettings('fast', { pool: 4, debounceMS: 10 });
  assert.equal(settings.pool.size, defaultSettings().pool.size);
  const messages = problems.map((p) => p.message).join('\n');
  assert.match(messages, /orbit: expected an object of settings, got "fast"/);
  assert.match(messages, /orbit\.pool: expected an object, got 4; using the defaults of orbit\.pool\.\*/);
  assert.match(messages, /orbit\.debounceMS is not a setting of orbit-ls; ignoring it/);
});

test('static options for core come from the settings', () => {
  const { settings } = resolveSettings({ rules: { 'sql-injection': 'hint' }, extraSources: ['x.y'], maxFileSize: 10 });
  assert.deepEqual(staticOptionsFrom(settings), { rules: { 'sql-injection': 'hint' }, extraSources: ['x.y'], maxFileSize: 10 });
});
