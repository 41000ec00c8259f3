// Raw template output is cross-site scripting when the value can carry someone else's markup:
// request data or content users stored. The render calls of the code that renders a view say which
// it is; a value every render call passes as server-made (literals, computed data, what a library
// or a third-party service returned for the server's own request) is not reported, and a view whose
// render calls cannot be found is reported as before.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');
const { runCheck } = require('../../../server/dist/cli/check.js');

const VIEW = [
  'h1= title',
  'script.',
  '  var dates = !{ dates };', // 3: JSON of a fetched price series
  'p!= bio', // 4: what the request sent
  'p!= profile.about', // 5: what a user stored
  'each link in links',
  '  td!= link', // 7: anchors the server built
  'p!= banner', // 8: a name no render call passes (app.locals, res.locals)
].join('\n');

const CONTROLLER = `
const express = require('express');
const User = require('../models/User');
const router = express.Router();
const SITE = process.env.SITE_NAME;

router.get('/stocks/:id', async (req, res) => {
  const response = await fetch('https://prices.example.com/series?symbol=MSFT');
  const series = await response.json();
  let dates = [];
  for (const day of Object.keys(series)) dates.push(day);
  dates = JSON.stringify(dates);
  const links = ['/a', '/b'].map((href) => \`<a href="\${href}">\${SITE}</a>\`);
  const profile = await User.findById(req.params.id);
  res.render('stocks/show', { title: 'Stocks', dates, bio: req.query.bio, profile, links });
});
module.exports = router;
`;

function rawLines(fileName, text, imports) {
  const result = analyzeDocument({ fileName, text, ...(imports ? { imports } : {}) }, DEFAULT_STATIC_OPTIONS);
  assert.deepEqual(result.errors, []);
  return result.findings.filter((f) => f.ruleId === 'xss').map((f) => text.slice(0, f.span.start).split('\n').length);
}

test('raw output of server-made locals is not reported; request data, stored content and unknown names are', () => {
  const imports = { '/app/routes/stocks.js': { fileName: '/app/routes/stocks.js', text: CONTROLLER } };
  assert.deepEqual(rawLines('/app/views/stocks/show.pug', VIEW, imports), [4, 5, 8]);
});

test('without the code that renders it, every raw output of a value is reported', () => {
  assert.deepEqual(rawLines('/app/views/stocks/show.pug', VIEW), [3, 4, 5, 7, 8]);
});

test('a local that one render call passes from the request is reported even if another passes it server-made', () => {
  const second = `
const express = require('express');
const router = express.Router();
router.get('/preview', (req, res) => res.render('stocks/show', { title: 'Preview', dates: req.query.dates, links: [] }));
module.exports = router;
`;
  const imports = {
    '/app/routes/stocks.js': { fileName: '/app/routes/stocks.js', text: CONTROLLER },
    '/app/routes/preview.js': { fileName: '/app/routes/preview.js', text: second },
  };
  assert.deepEqual(rawLines('/app/views/stocks/show.pug', VIEW, imports), [3, 4, 5, 8]);
});

test('the signed-in user and records looked up in callbacks are stored content', () => {
  const view = 'p!= me.name\np!= order.note\np!= greeting';
  const code = `
app.get('/me', (req, res) => {
  Order.findOne({ owner: req.user.id }).then((order) => {
    res.render('me', { me: req.user, order, greeting: 'Hello' });
  });
});`;
  assert.deepEqual(rawLines('/app/views/me.pug', view, { '/app/app.js': { fileName: '/app/app.js', text: code } }), [1, 2]);
});

test('orbit-ls check finds the render calls of each view in the project', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-renders-'));
  fs.mkdirSync(path.join(dir, 'views', 'stocks'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'routes'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"app"}\n');
  fs.writeFileSync(path.join(dir, 'views', 'stocks', 'show.pug'), `${VIEW}\n`);
  fs.writeFileSync(path.join(dir, 'views', 'orphan.pug'), 'p!= anything\n');
  fs.writeFileSync(path.join(dir, 'routes', 'stocks.js'), CONTROLLER);
  const previous = process.cwd();
  process.chdir(dir);
  const runs = [];
  try {
    // Once reading the renderers in the worker, once through the findings cache, which keys each
    // view by its renderers' texts; then again after the controller passes request data.
    for (const args of [['--no-cache'], ['--cache-dir', path.join(dir, '.cache')], ['--cache-dir', path.join(dir, '.cache')]]) {
      if (runs.length === 2) fs.writeFileSync(path.join(dir, 'routes', 'stocks.js'), CONTROLLER.replace('dates, bio:', 'dates: req.query.dates, bio:'));
      let out = '';
      await runCheck(['--format', 'json', '--fail-on', 'never', ...args], { out: (t) => (out += t), err: () => {}, color: false, progress: false }, new AbortController().signal);
      runs.push(JSON.parse(out).findings.filter((f) => f.ruleId === 'xss').map((f) => `${f.file}:${f.start.line}`).sort());
    }
  } finally {
    process.chdir(previous);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const want = ['views/orphan.pug:1', 'views/stocks/show.pug:4', 'views/stocks/show.pug:5', 'views/stocks/show.pug:8'];
  assert.deepEqual(runs[0], want);
  assert.deepEqual(runs[1], want);
  // The cached view is analysed again once its controller passes request data for dates.
  assert.deepEqual(runs[2], ['views/stocks/show.pug:3', ...want].sort());
});

test('a caught error is not server-made: its message can quote what the client sent', () => {
  const view = 'each error in errors\n  li!= error\np!= title';
  const code = `
router.post('/articles', async (req, res) => {
  try {
    await save(req.body);
  } catch (err) {
    res.status(422).render('articles/new', { title: 'New Article', errors: [err.toString()] });
  }
});`;
  assert.deepEqual(rawLines('/app/views/articles/new.pug', view, { '/app/routes.js': { fileName: '/app/routes.js', text: code } }), [2]);
});
