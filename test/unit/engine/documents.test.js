// The document owner with a pass registered here only: a small extra pass is one object, its
// findings are merged with the base pass's and published, and when the version moves on its
// running pass is aborted and whatever it yields for the old version is discarded.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createDocuments } = require('../../../server/dist/engine/documents.js');
const { staticPass } = require('../../../server/dist/engine/passes/static.js');
const { defaultSettings } = require('../../../server/dist/config/validate.js');

const URI = 'file:///app/a.js';
/** @returns {import('../../../server/dist/core/types').Finding} */
const finding = (ruleId, start, end) => ({ ruleId, cwe: [], severity: 'warning', message: ruleId, span: { start, end } });

/**
 * A pass in one object: every `TODO` in the text is a finding; it runs on every edit.
 * @param {(version: number, signal: AbortSignal, state?: any) => Promise<unknown>} gate
 * @returns {any} a Pass, typed loosely because its output is the test's own
 */
function todoPass(gate) {
  return {
    id: 'todo',
    label: 'the todo pass',
    runsOn: (event) => event === 'open' || event === 'change',
    async run({ doc, signal }) {
      await gate(doc.version, signal);
      if (signal.aborted) return undefined;
      const findings = [...doc.text.matchAll(/TODO/g)].map((m) => finding('todo', m.index, m.index + 4));
      return { output: { findings, notices: [] }, detail: { count: findings.length } };
    },
  };
}

/** @param {(version: number, signal: AbortSignal, state: any) => Promise<unknown>} [gate] */
function harness(gate = async () => undefined) {
  /** @type {{ doc: import('../../../server/dist/engine/document-analysis').DocumentSnapshot, published: any[], aborted: any[] }} */
  const state = { doc: { uri: URI, version: 1, text: 'TODO eval(x)', language: 'js' }, published: [], aborted: [] };
  // The base pass: one finding at `eval`, at once.
  const base = staticPass({
    analyze: async (doc) => {
      const at = doc.text.indexOf('eval');
      return { uri: doc.uri, version: doc.version, findings: at < 0 ? [] : [finding('code-injection', at, at + 4)], notices: [], errors: [], elapsedMs: 0 };
    },
    log: () => undefined,
  });
  const documents = createDocuments({
    passes: [base, todoPass((version, signal) => gate(version, signal, state))],
    snapshot: (uri) => (uri === URI ? state.doc : undefined),
    settingsFor: async () => ({ ...defaultSettings(), debounceMs: 0 }),
    onChange: (report) => state.published.push(report),
    log: () => undefined,
  });
  const edit = (text) => {
    state.doc = { ...state.doc, version: state.doc.version + 1, text };
    documents.notify(URI, 'change');
  };
  return { documents, state, edit };
}

const until = async (probe) => {
  for (let i = 0; i < 500 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(probe(), 'timed out');
};

test('an extra pass is merged with the base pass into one report, in document order, and published', async () => {
  const h = harness();
  h.documents.notify(URI, 'open');
  await until(() => h.state.published.some((r) => r.findings.length === 2));
  const report = h.documents.report(URI);
  assert.equal(report.version, 1);
  assert.deepEqual(report.findings.map((f) => f.ruleId), ['todo', 'code-injection']);
  assert.deepEqual(h.documents.detail(URI, 'todo'), { count: 1 });
  // Nothing is published until the base pass has reported for the version.
  assert.ok(h.state.published.every((r) => r.findings.some((f) => f.ruleId === 'code-injection')));
  h.documents.dispose();
});

test('an edit aborts the extra pass running for the old version, and its late output is discarded', async () => {
  // The todo pass of version 1 hangs until aborted, then yields anyway; version 2's runs at once.
  const h = harness(async (version, signal, state) => {
    if (version !== 1) return;
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    state.aborted.push(version);
  });
  h.documents.notify(URI, 'open');
  await until(() => h.state.published.length > 0);
  h.edit('eval(y) TODO TODO');
  await until(() => h.state.published.some((r) => r.version === 2 && r.findings.length === 3));
  assert.deepEqual(h.state.aborted, [1]);
  // Version 1 was only ever shown with its base findings: the aborted todo pass left nothing.
  assert.deepEqual(h.state.published.filter((r) => r.version === 1).map((r) => r.findings.map((f) => f.ruleId)), [['code-injection']]);
  assert.equal(/** @type {{ count: number }} */ (h.documents.detail(URI, 'todo')).count, 2);
  h.documents.dispose();
});

test('a close aborts every pass, drops the slots and releases waiters', async () => {
  const h = harness(async (_version, signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)));
  h.documents.notify(URI, 'open');
  const waiting = h.documents.whenReport(URI, 2);
  h.documents.close(URI);
  assert.equal(await waiting, undefined);
  assert.equal(h.documents.report(URI), undefined);
  assert.deepEqual(h.documents.uris(), []);
  h.documents.dispose();
});

test('code actions see every pass that offers them, including output that arrived after an earlier request', async () => {
  const h = harness();
  // A pass like verification: its findings are shown but honour no suppression comment, so get no actions.
  /** @type {any} a Pass */
  const quiet = { id: 'quiet', label: 'the quiet pass', codeActions: false, runsOn: (e) => e === 'save', run: async () => ({ output: { findings: [finding('orbit/x', 0, 1)], notices: [] }, detail: {} }) };
  const documents = createDocuments({
    passes: [staticPass({ analyze: async (doc) => ({ uri: doc.uri, version: doc.version, findings: [finding('code-injection', 5, 9)], notices: [], errors: [], elapsedMs: 0 }), log: () => undefined }), quiet, todoPass(async () => undefined)],
    snapshot: () => h.state.doc,
    settingsFor: async () => defaultSettings(),
    onChange: () => undefined,
    log: () => undefined,
  });
  await documents.run(URI, 'static');
  const before = documents.actionable(URI);
  assert.deepEqual(before.findings.map((f) => f.ruleId), ['code-injection']);
  await documents.run(URI, 'quiet');
  await documents.run(URI, 'todo');
  assert.deepEqual(documents.report(URI).findings.map((f) => f.ruleId), ['orbit/x', 'todo', 'code-injection']);
  const after = documents.actionable(URI);
  assert.notEqual(after, before, 'a new report once another pass reported');
  assert.deepEqual(after.findings.map((f) => f.ruleId), ['todo', 'code-injection']);
  documents.dispose();
  h.documents.dispose();
});
