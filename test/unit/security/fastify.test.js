// Fastify hands requests to code in its own ways: decorators used as hooks, and plugins whose
// parameter is the instance. Request data inside them is a source; the instance is not.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { analyze, lineOf } = require('./harness');

function found(text, fileName = 'plugin.ts') {
  return analyze(text, fileName).findings.map((f) => `${lineOf(text, f.span.start)}:${f.ruleId}`);
}

test('a decorator that takes the request (used as a hook) reads client data', () => {
  const text = [
    "import fp from 'fastify-plugin';",
    "import { exec } from 'child_process';",
    'export default fp(async (fastify) => {',
    "  fastify.decorate('runReport', async function (request, reply) {",
    "    exec('report ' + request.query.name);",
    '  });',
    '});',
  ].join('\n');
  assert.deepEqual(found(text), ['5:command-injection']);
});

test('a decorator typed with FastifyRequest reads client data whatever its parameter is called', () => {
  const text = [
    "import type { FastifyInstance, FastifyRequest } from 'fastify';",
    "import { exec } from 'child_process';",
    'export async function plugin(app: FastifyInstance) {',
    "  app.decorate('audit', async (r: FastifyRequest) => { exec('audit ' + (r.headers as any)['x-user']); });",
    '}',
  ].join('\n');
  assert.deepEqual(found(text), ['4:command-injection']);
});

test('a decorator that is a plain helper does not make its arguments client data', () => {
  const text = [
    "import fp from 'fastify-plugin';",
    "import { exec } from 'child_process';",
    'export default fp(async (fastify) => {',
    "  fastify.decorate('convert', (file, format) => exec('convert ' + file.path + ' ' + format));",
    '});',
  ].join('\n');
  assert.deepEqual(found(text), []);
});

test('routes declared inside a registered plugin get the request; the plugin instance is not one', () => {
  const text = [
    "const { exec } = require('child_process');",
    'module.exports = async function (app) {',
    '  app.register(async (instance) => {',
    "    instance.post('/b', async function (request) { exec('b ' + request.body.name); });",
    "    exec('tool ' + instance.url);",
    '  });',
    '};',
  ].join('\n');
  assert.deepEqual(found(text, 'routes.js'), ['4:command-injection']);
});
