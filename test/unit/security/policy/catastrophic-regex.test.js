// Which regular expressions backtrack exponentially: nested repetition and repeated identical
// alternatives do; repetition split by a separator the repeated part cannot match does not.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { catastrophic } = require('../../../../server/dist/core/security/rules/policy/catastrophic-regex.js');

const BAD = ['(a+)+$', '^(\\w+\\s?)*$', '(a|a)*', '(.*a){12}', '^(?:[a-z0-9]+)*$', '^(([a-z])+.)+[A-Z]([a-z])+$', '(?:x+x+)+y', '^(\\d+)*$', '([a-zA-Z]+)*@', '^([a-zA-Z0-9_\\.\\-])+\\@(([a-zA-Z0-9\\-])+\\.)+([a-zA-Z0-9]{2,4})+$', '^(\\w{1,3})*!'];
const GOOD = [
  '^[a-z]+$',
  '^(\\d{3})-(\\d{4})$',
  '^([a-zA-Z0-9_.+-]+)@([a-zA-Z0-9-]+\\.)+[a-z]{2,}$',
  '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  '^\\d+(\\.\\d+)?$',
  '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
  '^(\\d+\\.)+\\d+$',
  '^[0-9+\\-*/(). ]+$',
  '^(\\d+\\s*[+\\-*/]\\s*)+\\d+$',
  '^(\\w+,)*\\w+$',
  '^([a-f0-9]{2})+$',
  '^(\\d{1,3}\\.){3}\\d{1,3}$',
  '^([a-z]{2,8}-)+[a-z]+$',
];

test('nested or ambiguous repetition is catastrophic', () => {
  for (const p of BAD) assert.ok(catastrophic(p), p);
});

test('linear patterns, including separator-delimited repetition, are not', () => {
  for (const p of GOOD) assert.equal(catastrophic(p), undefined, p);
});
