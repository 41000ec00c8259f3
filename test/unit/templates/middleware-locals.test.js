// Names a template writes raw that no render call passes come from middleware: res.locals and
// app.locals, connect-flash messages, the view-helpers package. When every file that renders or sets
// locals has been read, such a name is not reported if every value the project gives it is
// server-made (constant flash messages, csurf's token, view-helpers' pagination); a flash type that
// holds request data, a local made from the request, and a name some render call passes still are.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { rawXssLines } = require('../../support/view-findings.js');
const { checkIn } = require('../../support/run-check.js');
const { ALL_RENDERERS } = require('../../../server/dist/core/templates/template-files.js');

const MESSAGES = [
  'each inf in info',
  '  li!= inf', // 2: constant flash messages
  'each e in errors',
  '  li!= e', // 4: passport puts the strategy's own messages here
  'each s in notices',
  '  li!= s', // 6: a flash type that carries what the client sent
  'p= csrf_token', // 7: escaped, never reported
  '!= csrf_token', // 8: csurf's random token
  '!= createPagination(pages, page)', // 9: view-helpers builds it from page numbers
  'p!= referrer', // 10: a local made from the request
  'p!= title', // 11: a render call passes it
  'p!= appVersion', // 12: app.locals from package.json
].join('\n');

const EXPRESS = `
const helpers = require('view-helpers');
const pkg = require('../package.json');
module.exports = (app, passport) => {
  app.locals.appVersion = pkg.version;
  app.use(helpers(pkg.name));
  app.use((req, res, next) => {
    res.locals.csrf_token = req.csrfToken();
    res.locals.referrer = req.get('Referrer');
    res.locals.notices = req.flash('notice');
    next();
  });
  app.post('/login', passport.authenticate('local', { failureRedirect: '/login', failureFlash: true }));
};
`;

const CONTROLLER = `
exports.destroy = async (req, res) => {
  await req.article.remove();
  req.flash('info', 'Deleted successfully');
  req.flash('notice', 'Saved ' + req.body.title);
  res.render('articles/index', { title: req.query.title, page: 1, pages: 3 });
};
`;

function rawLines(files) {
  return rawXssLines('/app/views/includes/messages.pug', MESSAGES, files);
}

test('middleware locals whose every value is server-made are not reported; request data and rendered names are', () => {
  const files = { '/app/config/express.js': EXPRESS, '/app/controllers/articles.js': CONTROLLER, [ALL_RENDERERS]: '' };
  assert.deepEqual(rawLines(files), [4, 6, 10, 11]);
});

test('a constant failureFlash keeps passport messages server-made', () => {
  const files = { '/app/config/express.js': EXPRESS.replace('failureFlash: true', "failureFlash: 'Invalid email or password.'"), '/app/controllers/articles.js': CONTROLLER, [ALL_RENDERERS]: '' };
  assert.deepEqual(rawLines(files), [6, 10, 11]);
});

test('without every renderer read, names no render call passes are reported as before', () => {
  const files = { '/app/config/express.js': EXPRESS, '/app/controllers/articles.js': CONTROLLER };
  assert.deepEqual(rawLines(files), [2, 4, 6, 8, 9, 10, 11, 12]);
});

test('a render call that passes locals it cannot list keeps every middleware name reported', () => {
  const opaque = CONTROLLER.replace("res.render('articles/index', { title: req.query.title, page: 1, pages: 3 })", "res.render('articles/index', req.query)");
  const files = { '/app/config/express.js': EXPRESS, '/app/controllers/articles.js': opaque, [ALL_RENDERERS]: '' };
  assert.deepEqual(rawLines(files), [2, 4, 6, 8, 9, 10, 11, 12]);
});

test('orbit-ls check reads the middleware beside the views folder', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-locals-'));
  fs.mkdirSync(path.join(dir, 'app', 'views', 'includes'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'app', 'controllers'));
  fs.mkdirSync(path.join(dir, 'config'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"app","version":"1.0.0"}\n');
  fs.writeFileSync(path.join(dir, 'app', 'views', 'includes', 'messages.pug'), `${MESSAGES}\n`);
  fs.writeFileSync(path.join(dir, 'config', 'express.js'), EXPRESS);
  fs.writeFileSync(path.join(dir, 'app', 'controllers', 'articles.js'), CONTROLLER);
  const { out } = await checkIn(dir, ['--format', 'json', '--fail-on', 'never', '--no-cache']);
  fs.rmSync(dir, { recursive: true, force: true });
  const lines = JSON.parse(out).findings.filter((f) => f.ruleId === 'xss').map((f) => f.start.line);
  assert.deepEqual(lines, [4, 6, 10, 11]);
});
