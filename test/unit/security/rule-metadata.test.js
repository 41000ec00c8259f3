// What a taint rule means outside its own check — its sink, the sink's wording in cross-file
// messages, the constraint regeneration states, the attack its fix verification sends — lives in
// the rule's metadata. Every rule must fill every field that applies to it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { allRules, ruleById } = require('../../../server/dist/core/static-analysis.js');
const { Sink } = require('../../../server/dist/core/security/taint.js');
const { buildConstraintSet } = require('../../../server/dist/core/constraints/set.js');

/** The rules that follow request data to a sink. */
const TAINT_RULES = ['sql-injection', 'nosql-injection', 'command-injection', 'code-injection', 'path-traversal', 'xss', 'log-injection', 'open-redirect', 'ssrf', 'prototype-pollution', 'regex-injection'];
/** Sinks the sandbox records with the attacker's text in them: a query, a command, a path, evaluated code. */
const ATTACKED_SINKS = new Set(['sql', 'nosql', 'command', 'code', 'path']);

test('every taint rule names its sink, its sink in words, its constraint and its attack', () => {
  for (const id of TAINT_RULES) {
    const meta = ruleById(id);
    assert.ok(meta, `${id} is registered`);
    assert.ok(meta.taint, `${id} has taint metadata`);
    assert.ok(Object.hasOwn(Sink, meta.taint.sink), `${id}: sink kind ${meta.taint.sink} is one the engine knows`);
    assert.match(meta.taint.sinkNoun, /^(a|an|the) \S|^evaluated code$/, `${id}: sinkNoun reads as a noun phrase`);
    assert.match(meta.constraint ?? '', /^[A-Z].{20,}\.$/, `${id}: constraint is a sentence`);
    if (ATTACKED_SINKS.has(meta.taint.sink)) {
      assert.ok(typeof meta.taint.attackPayload === 'string' && meta.taint.attackPayload.length > 0, `${id}: an attack payload for its ${meta.taint.sink} sink`);
    } else {
      assert.equal(meta.taint.attackPayload, null, `${id}: no attack is run for a ${meta.taint.sink} sink`);
    }
  }
});

test('no two taint rules share a sink kind, and only taint rules carry taint metadata', () => {
  const withTaint = allRules().filter((r) => r.taint);
  assert.deepEqual(withTaint.map((r) => r.id).sort(), [...TAINT_RULES].sort());
  const sinks = withTaint.map((r) => r.taint.sink);
  assert.equal(new Set(sinks).size, sinks.length);
});

test('regeneration states each enabled rule by its own constraint, or by its title when it has none', () => {
  const set = buildConstraintSet({});
  for (const rule of allRules()) {
    const stated = set.constraints.find((c) => c.id === rule.id);
    assert.ok(stated, `${rule.id} is a constraint`);
    assert.equal(stated.text, rule.constraint ?? `Avoid ${rule.title.toLowerCase()} (${rule.cwe[0]}).`);
  }
});

test('the metadata handed out is a copy: changing it does not change the rule', () => {
  const first = ruleById('sql-injection');
  const copy = allRules().find((r) => r.id === 'sql-injection');
  copy.taint.sink = 'log';
  assert.equal(first.taint.sink, 'sql');
  assert.equal(allRules().find((r) => r.id === 'sql-injection').taint.sink, 'sql');
});
