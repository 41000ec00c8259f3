// Handlebars helpers in raw output: a helper the project registers is server-made for a call when
// every value it returns is, given which arguments the template passes are server-made (literals,
// loop positions, a record's MongoDB `_id`). A helper that returns what it was given, one that is
// defined but not registered, and any helper when not every renderer was read, are reported.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { rawXssLines } = require('../../support/view-findings.js');
const { checkIn } = require('../../support/run-check.js');
const { ALL_RENDERERS } = require('../../../server/dist/core/templates/template-files.js');

const VIEW = [
  '<h3>{{story.title}} {{{editIcon story.user user story._id false}}}</h3>', // 1: markup around the record key
  '{{#each stories}}{{{editIcon user ../user _id}}}{{/each}}', // 2: the same inside a loop
  '<small>{{{editIcon story.user user story.title}}}</small>', // 3: quotes what a user wrote
  '<p>{{{bold story.title}}}</p>', // 4: returns its argument inside markup
  '<p>{{{stripTags story.body}}}</p>', // 5: a regex strip of stored text
  '<p>{{{shout "hello"}}}</p>', // 6: defined, never registered
].join('\n');

const APP = `
const exphbs = require('express-handlebars');
const { editIcon, bold, stripTags } = require('./helpers/hbs');
app.engine('.hbs', exphbs({ helpers: { editIcon, bold, stripTags }, extname: '.hbs' }));
app.use((req, res, next) => { res.locals.user = req.user || null; next(); });
router.get('/stories/:id', async (req, res) => {
  const story = await Story.findById(req.params.id).populate('user').lean();
  res.render('stories/show', { story });
});
`;

const HELPERS = `
module.exports = {
  editIcon: function (storyUser, loggedUser, storyId, floating = true) {
    if (storyUser._id.toString() == loggedUser._id.toString()) {
      return floating ? \`<a href="/stories/edit/\${storyId}" class="fab">edit</a>\` : \`<a href="/stories/edit/\${storyId}">edit</a>\`;
    }
    return '';
  },
  bold: (s) => '<b>' + s + '</b>',
  stripTags: function (input) { return input.replace(/<(?:.|\\n)*?>/gm, ''); },
  shout: () => '<b>HELLO</b>',
};
`;

function rawLines(files) {
  return rawXssLines('/app/views/stories/show.hbs', VIEW, files);
}

test('a registered helper that quotes only record keys and literals is server-made; one that returns its argument is not', () => {
  assert.deepEqual(rawLines({ '/app/app.js': APP, '/app/helpers/hbs.js': HELPERS, [ALL_RENDERERS]: '' }), [3, 4, 5, 6]);
});

test('without the helper definitions every helper call is reported', () => {
  assert.deepEqual(rawLines({ '/app/app.js': APP, [ALL_RENDERERS]: '' }), [1, 2, 3, 4, 5, 6]);
});

test('without every renderer read every helper call is reported', () => {
  assert.deepEqual(rawLines({ '/app/app.js': APP, '/app/helpers/hbs.js': HELPERS }), [1, 2, 3, 4, 5, 6]);
});

test('orbit-ls check reads the helpers module beside the views', async () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-helpers-'));
  fs.mkdirSync(path.join(dir, 'views', 'stories'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'helpers'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"app"}\n');
  fs.writeFileSync(path.join(dir, 'views', 'stories', 'show.hbs'), `${VIEW}\n`);
  fs.writeFileSync(path.join(dir, 'app.js'), APP);
  fs.writeFileSync(path.join(dir, 'helpers', 'hbs.js'), HELPERS);
  const { out } = await checkIn(dir, ['--format', 'json', '--fail-on', 'never', '--no-cache']);
  fs.rmSync(dir, { recursive: true, force: true });
  const lines = JSON.parse(out).findings.filter((f) => f.ruleId === 'xss' && f.file.endsWith('.hbs')).map((f) => f.start.line);
  assert.deepEqual(lines, [3, 4, 5, 6]);
});
