// Test support (not a test): runs the orbit-ls server in-process over real JSON-RPC framing
// (vscode-jsonrpc stream readers and writers on in-memory pipes) and drives it like an editor.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const rpc = require('vscode-jsonrpc/node');
const { createConnection } = require('vscode-languageserver/node');
const { TextDocument } = require('vscode-languageserver-textdocument');
const { startServer } = require('../../server/dist/protocol/server.js');
const { VULNERABLE, FIXED } = require('../support/express-app');

/** Line and character of the first occurrence of `needle`, so tests never hard-code positions. */
function positionOf(text, needle, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" not found`);
  const doc = TextDocument.create('file:///x', 'javascript', 0, text);
  return doc.positionAt(at);
}

function rangeOf(text, needle) {
  const start = positionOf(text, needle);
  const doc = TextDocument.create('file:///x', 'javascript', 0, text);
  return { start, end: doc.positionAt(doc.offsetAt(start) + needle.length) };
}

function applyEdits(text, edits) {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'javascript', 0, text), edits);
}

/** The text edits of a WorkspaceEdit for one document, whichever form the server used. */
function editsFor(workspaceEdit, uri) {
  if (workspaceEdit.documentChanges) return workspaceEdit.documentChanges.filter((c) => c.textDocument.uri === uri).flatMap((c) => c.edits);
  return workspaceEdit.changes?.[uri] ?? [];
}

const CLIENT_CAPABILITIES = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, workspaceEdit: { documentChanges: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true, dataSupport: true },
  },
  window: { workDoneProgress: true },
};

/**
 * Starts a server and an editor-like client. Options: capabilities, initializationOptions,
 * configuration (function of a ConfigurationItem returning the answer; default null, as eglot),
 * workerFilename (a substitute worker module), rootUri (the workspace folder; none by default).
 */
async function startSession(options = {}) {
  const up = new PassThrough();
  const down = new PassThrough();
  const serverConnection = createConnection(new rpc.StreamMessageReader(up), new rpc.StreamMessageWriter(down));
  startServer(serverConnection, { workerFilename: options.workerFilename });
  const client = rpc.createMessageConnection(new rpc.StreamMessageReader(down), new rpc.StreamMessageWriter(up));

  const published = [];
  const messages = [];
  const logs = [];
  const configurationRequests = [];
  let listeners = [];
  const notify = () => (listeners = listeners.filter((l) => !l()));
  client.onNotification('textDocument/publishDiagnostics', (p) => {
    published.push(p);
    notify();
  });
  client.onNotification('window/showMessage', (p) => {
    messages.push(p);
    notify();
  });
  client.onNotification('window/logMessage', (p) => { logs.push(p); });
  client.onNotification('$/progress', () => undefined);
  client.onRequest('workspace/configuration', (p) => {
    configurationRequests.push(p);
    return p.items.map((item) => (options.configuration ? options.configuration(item) : null));
  });
  client.onRequest('window/workDoneProgress/create', () => null);
  client.onRequest('client/registerCapability', () => null);
  client.listen();

  const initializeResult = await client.sendRequest('initialize', {
    processId: null,
    rootUri: options.rootUri ?? null,
    capabilities: options.capabilities ?? CLIENT_CAPABILITIES,
    initializationOptions: options.initializationOptions,
  });
  await client.sendNotification('initialized', {});

  /** Resolves with the first value of `probe()` that is not undefined, re-checked on each message. */
  const waitFor = (probe, what, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; published: ${JSON.stringify(published.map((p) => [p.uri, p.version, p.diagnostics.length]))}`)), timeoutMs);
      const check = () => {
        const value = probe();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      if (!check()) listeners.push(check);
    });

  const session = {
    client,
    initializeResult,
    published,
    messages,
    logs,
    configurationRequests,
    waitFor,
    open(uri, text, { languageId = 'javascript', version = 1 } = {}) {
      return client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    },
    /** Replaces the whole text (as one incremental change covering the document). */
    replace(uri, version, oldText, newText) {
      const doc = TextDocument.create(uri, 'javascript', 0, oldText);
      const range = { start: { line: 0, character: 0 }, end: doc.positionAt(oldText.length) };
      return client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: newText }] });
    },
    change(uri, version, contentChanges) {
      return client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    },
    closeDocument(uri) {
      return client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    },
    /** The diagnostics published for `uri` at `version` (or the next ones when version is omitted). */
    diagnostics(uri, version, timeoutMs) {
      const seen = published.length;
      return waitFor(() => {
        const found = published.filter((p, i) => p.uri === uri && (version === undefined ? i >= seen : p.version === version));
        return found.length > 0 ? found[found.length - 1].diagnostics : undefined;
      }, `diagnostics for ${uri} v${version}`, timeoutMs);
    },
    publishedFor(uri) {
      return published.filter((p) => p.uri === uri);
    },
    async stop() {
      await client.sendRequest('shutdown');
      client.dispose();
      serverConnection.dispose();
      up.end();
      down.end();
    },
  };
  return session;
}

/**
 * Writes a substitute worker whose analyzeStatic reacts to markers in the text: VULN → one
 * finding per marker, SLOW → 300 ms busy, HANG → never returns, THROW → throws, EXIT → the
 * thread exits. Everything else yields no findings.
 */
function fakeWorker() {
  const file = path.join(os.tmpdir(), `orbit-fake-worker-${process.pid}.js`);
  fs.writeFileSync(
    file,
    `'use strict';
exports.warmUp = () => ({ elapsedMs: 0, findings: 0, errors: [] });
exports.analyzeStatic = ({ document }) => {
  // It keeps no text between tasks: edits alone are answered with a request for the text.
  if (document.text === undefined) return { findings: [], errors: [], needsText: true };
  const text = document.text;
  if (text.includes('HANG')) for (;;) {}
  if (text.includes('THROW')) throw new Error('fake worker failure');
  if (text.includes('EXIT')) process.exit(3);
  if (text.includes('SLOW')) { const end = Date.now() + 300; while (Date.now() < end) {} }
  const findings = [];
  for (let at = text.indexOf('VULN'); at >= 0; at = text.indexOf('VULN', at + 1)) {
    findings.push({ ruleId: 'fake-rule', cwe: ['CWE-89'], severity: 'error', message: 'fake finding (CWE-89)', span: { start: at, end: at + 4 },
      fixes: [{ title: 'Replace VULN', edits: [{ span: { start: at, end: at + 4 }, newText: 'SAFE' }] }] });
  }
  return { findings, errors: [] };
};
`,
  );
  return file;
}

module.exports = { startSession, fakeWorker, positionOf, rangeOf, applyEdits, editsFor, VULNERABLE, FIXED, CLIENT_CAPABILITIES };
