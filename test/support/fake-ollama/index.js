// The test Ollama for unit, protocol and editor tests: start it, plug simulated models in, read
// what the client sent. See server.js for how closely it follows Ollama, models.js for models
// built on the sandbox's traces and independent.js for models built on an independent world model
// in node:vm (world.js).
//
//   const { startFakeOllama, models } = require('../../support/fake-ollama');
//   const fake = await startFakeOllama({ models: { 'qwen2.5-coder:7b': models.honest(traceOf) } });
//   ... createOllamaBackend({ host: fake.host, model: 'qwen2.5-coder:7b' }) ...
//   fake.generations()[0].request.format; await fake.waitFor((rs) => rs[0].aborted);
//   await fake.close();
'use strict';

const { startFakeOllama, normaliseName } = require('./server.js');
const models = require('./models.js');
const independent = require('./independent.js');
const { parseTracePrompt, promptText, tokenize } = require('./prompt.js');

module.exports = { startFakeOllama, normaliseName, models, independent, parseTracePrompt, promptText, tokenize };
