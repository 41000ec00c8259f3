// Server-side templates: every form of unescaped output each engine has is an xss finding on its
// line; escaped output, includes, layout bodies and literals are not; `orbit-ls check` scans them.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { analyzeDocument } = require('../../../server/dist/core/static-analysis.js');
const { DEFAULT_STATIC_OPTIONS } = require('../../../server/dist/core/types.js');
const { checkIn } = require('../../support/run-check');

function lines(fileName, text, rules = {}) {
  const result = analyzeDocument({ fileName, text }, { ...DEFAULT_STATIC_OPTIONS, rules });
  assert.deepEqual(result.errors, []);
  return result.findings.map((f) => {
    assert.equal(f.ruleId, 'xss');
    assert.deepEqual(f.cwe, ['CWE-79']);
    return text.slice(0, f.span.start).split('\n').length;
  });
}

const CASES = [
  {
    name: 'EJS <%= inside script code outside quotes is script injection; inside quotes, in JSON blocks and outside scripts it is escaped',
    file: 'xss.ejs',
    text: ['<p><%= name %></p>', '<script>', '  var number = <%= count %>;', "  var label = '<%= name %>';", '</script>', '<script type="application/json"><%= data %></script>', '<script src="/x.js"></script><p><%= other %></p>'].join('\n'),
    want: [3],
  },
  {
    name: 'EJS <%- is raw, <%= is escaped, include and layout body are markup',
    file: 'admin.ejs',
    text: ['<%- include("header") %>', '<input value="<%- redirectPage %>">', '<p><%= name %></p>', '<%- body %>', '<%- JSON.stringify({ user: xss3 }) %>'].join('\n'),
    want: [2, 5],
  },
  {
    name: 'Pug !{} and tag!= are raw, #{} and = are escaped',
    file: 'profile.pug',
    text: ['h1= title', 'p #{name}', 'p!= bio', 'script.', '  var x = !{ data };', 'td!= "literal"'].join('\n'),
    want: [3, 5],
  },
  {
    name: 'Handlebars triple braces are raw except the layout body',
    file: 'account.hbs',
    text: ['<h1>{{title}}</h1>', '<div>{{{ profile.about }}}</div>', '{{{body}}}', '{{& note }}'].join('\n'),
    want: [2, 4],
  },
  {
    name: 'Nunjucks | safe and autoescape false are raw',
    file: 'page.njk',
    text: ['<p>{{ message | safe }}</p>', '<p>{{ name }}</p>', '{% autoescape false %}', '<b>{{ comment }}</b>', '{% endautoescape %}'].join('\n'),
    want: [1, 4],
  },
  {
    name: '.html views are read as the engines that use them (nunjucks, EJS, Handlebars)',
    file: 'user.html',
    text: ['<p class="mb-4">{{message | safe}}</p>', '<span>{{ user.address }}</span>'].join('\n'),
    want: [1],
  },
];

for (const c of CASES) {
  test(c.name, () => {
    assert.deepEqual(lines(c.file, c.text), c.want);
  });
}

test('the xss level applies to template findings, and off silences them', () => {
  const text = '<p><%- comment %></p>';
  const at = (rules) => analyzeDocument({ fileName: 'c.ejs', text }, { ...DEFAULT_STATIC_OPTIONS, rules }).findings.map((f) => f.severity);
  assert.deepEqual(at({}), ['warning']);
  assert.deepEqual(at({ xss: 'error' }), ['error']);
  assert.deepEqual(at({ xss: 'off' }), []);
});

test('a suppression comment in the template silences its line', () => {
  const text = '<%# orbit-ignore-next-line xss %>\n<p><%- trusted %></p>';
  assert.deepEqual(lines('s.ejs', text), []);
});

test('orbit-ls check scans view templates next to the code', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-templates-'));
  fs.mkdirSync(path.join(dir, 'views'));
  fs.writeFileSync(path.join(dir, 'views', 'admin.ejs'), '<input type="hidden" name="r" value="<%- redirectPage %>" />\n');
  fs.writeFileSync(path.join(dir, 'views', 'bio.pug'), 'p!= user.bio\n');
  fs.writeFileSync(path.join(dir, 'app.js'), "const express = require('express');\nexpress().listen(3000);\n");
  let out = '';
  try {
    ({ out } = await checkIn(dir, ['--format', 'json', '--fail-on', 'never']));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const got = JSON.parse(out).findings.map((f) => `${f.file}:${f.start.line}:${f.ruleId}`).sort();
  assert.deepEqual(got, ['views/admin.ejs:1:xss', 'views/bio.pug:1:xss']);
});

test('an ignore-file comment naming xss (or no rule) silences the template; one naming another rule does not', () => {
  const body = '<p><%- trusted %></p>';
  assert.deepEqual(lines('a.ejs', `<%# orbit-ignore-file xss -- rendered from our CMS %>\n${body}`), []);
  assert.deepEqual(lines('b.ejs', `<!-- orbit-ignore-file -->\n${body}`), []);
  assert.deepEqual(lines('c.ejs', `<%# orbit-ignore-file sql-injection %>\n${body}`), [2]);
});

test('the inline scripts of a view are browser code: dom-xss and xss apply there, at the view\'s own lines', () => {
  const text = [
    '<h1><%= title %></h1>',
    '<script>',
    '  var token = "<%= apiToken %>";',
    '  window.addEventListener("message", function (event) {',
    '    document.getElementById("out").innerHTML = event.data;',
    '  });',
    '  document.getElementById("n").textContent = location.hash;',
    '</script>',
    '<script src="/js/app.js"></script>',
    '<script type="application/json" id="data">{"x": <%- JSON.stringify(data) %>}</script>',
  ].join('\n');
  const result = analyzeDocument({ fileName: 'user-edit.ejs', text }, DEFAULT_STATIC_OPTIONS);
  const got = result.findings.map((f) => `${text.slice(0, f.span.start).split('\n').length}:${f.ruleId}`);
  assert.deepEqual(got, ['5:dom-xss', '10:xss']);
});
