// Helix cannot be installed here, so this checks what Helix would read: clients/helix/languages.toml
// must be valid TOML and run `orbit-ls --stdio` beside typescript-language-server for JavaScript,
// TypeScript, JSX and TSX.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const FILE = path.join(__dirname, '..', '..', 'clients', 'helix', 'languages.toml');

/**
 * Parses the part of TOML a languages.toml uses: tables, arrays of tables, dotted and quoted keys,
 * strings, integers, booleans, arrays and inline tables, with comments. Anything else, a duplicate
 * key or a redefined table is an error naming the line, as Helix would refuse the file.
 */
function parseToml(text) {
  let pos = 0;
  const root = {};
  let current = root;
  const explicitTables = new Set();

  const line = () => text.slice(0, pos).split('\n').length;
  const fail = (what) => {
    throw new SyntaxError(`${path.basename(FILE)}:${line()}: ${what}`);
  };
  const peek = () => text[pos];
  const skipSpaces = () => {
    while (peek() === ' ' || peek() === '\t') pos++;
  };
  const skipComment = () => {
    if (peek() === '#') while (pos < text.length && peek() !== '\n') pos++;
  };
  // Inside arrays, newlines and comments may stand between values.
  const skipBlank = () => {
    for (;;) {
      skipSpaces();
      skipComment();
      if (peek() === '\n' || peek() === '\r') pos++;
      else return;
    }
  };
  const isBare = (c) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '-');

  function parseString() {
    const quote = text[pos++];
    let out = '';
    for (;;) {
      const c = text[pos++];
      if (c === undefined || c === '\n') fail('unterminated string');
      if (c === quote) return out;
      if (c === '\\' && quote === '"') {
        const e = text[pos++];
        const simple = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (e in simple) out += simple[e];
        else if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(pos, pos + 4), 16));
          pos += 4;
        } else fail(`bad escape \\${e}`);
      } else out += c;
    }
  }

  function parseKey() {
    skipSpaces();
    if (peek() === '"' || peek() === "'") return parseString();
    const start = pos;
    while (isBare(peek())) pos++;
    if (pos === start) fail(`expected a key, found ${JSON.stringify(peek() ?? 'end of file')}`);
    return text.slice(start, pos);
  }

  function parseKeyPath() {
    const keys = [parseKey()];
    skipSpaces();
    while (peek() === '.') {
      pos++;
      keys.push(parseKey());
      skipSpaces();
    }
    return keys;
  }

  function parseValue() {
    skipSpaces();
    const c = peek();
    if (c === '"' || c === "'") return parseString();
    if (c === '[') {
      pos++;
      const items = [];
      skipBlank();
      while (peek() !== ']') {
        items.push(parseValue());
        skipBlank();
        if (peek() === ',') {
          pos++;
          skipBlank();
        } else if (peek() !== ']') fail('expected , or ] in array');
      }
      pos++;
      return items;
    }
    if (c === '{') {
      pos++;
      const table = {};
      skipSpaces();
      if (peek() === '}') {
        pos++;
        return table;
      }
      for (;;) {
        assign(table, parseKeyPath());
        skipSpaces();
        if (peek() === ',') pos++;
        else if (peek() === '}') {
          pos++;
          return table;
        } else fail('expected , or } in inline table');
      }
    }
    const start = pos;
    while (isBare(peek()) || peek() === '+' || peek() === '.') pos++;
    const word = text.slice(start, pos);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word !== '' && !Number.isNaN(Number(word))) return Number(word);
    return fail(`unsupported value ${JSON.stringify(word || c || 'end of file')}`);
  }

  // Reads `= value` after a key path and stores it, refusing to overwrite anything.
  function assign(table, keys) {
    skipSpaces();
    if (peek() !== '=') fail('expected =');
    pos++;
    const value = parseValue();
    const last = keys.pop();
    const target = keys.reduce((t, k) => descend(t, k), table);
    if (Object.hasOwn(target, last)) fail(`duplicate key ${last}`);
    target[last] = value;
  }

  function descend(table, key) {
    if (!Object.hasOwn(table, key)) table[key] = {};
    const next = table[key];
    if (Array.isArray(next)) return next[next.length - 1];
    if (typeof next !== 'object') fail(`${key} is not a table`);
    return next;
  }

  while (pos < text.length) {
    skipBlank();
    if (pos >= text.length) break;
    if (peek() === '[') {
      const arrayOfTables = text[pos + 1] === '[';
      pos += arrayOfTables ? 2 : 1;
      const keys = parseKeyPath();
      if (text.slice(pos, pos + (arrayOfTables ? 2 : 1)) !== (arrayOfTables ? ']]' : ']')) fail('unclosed table header');
      pos += arrayOfTables ? 2 : 1;
      const last = keys.pop();
      const parent = keys.reduce((t, k) => descend(t, k), root);
      if (arrayOfTables) {
        if (!Object.hasOwn(parent, last)) parent[last] = [];
        if (!Array.isArray(parent[last])) fail(`${last} is not an array of tables`);
        current = {};
        parent[last].push(current);
      } else {
        const name = [...keys, last].join('.');
        if (explicitTables.has(name)) fail(`table [${name}] defined twice`);
        explicitTables.add(name);
        current = descend(parent, last);
      }
    } else {
      assign(current, parseKeyPath());
    }
    skipSpaces();
    skipComment();
    if (pos < text.length && peek() !== '\n' && peek() !== '\r') fail(`unexpected ${JSON.stringify(peek())} after value`);
  }
  return root;
}

test('the TOML check refuses the mistakes Helix would refuse', () => {
  // Guards the checker itself, so a broken file cannot pass by a lenient parser.
  assert.throws(() => parseToml('[language-server.orbit-ls]\ncommand = orbit-ls\n'), /unsupported value/);
  assert.throws(() => parseToml('[a]\nx = "1"\nx = "2"\n'), /duplicate key/);
  assert.throws(() => parseToml('[a]\n[a]\n'), /defined twice/);
  assert.throws(() => parseToml('args = ["--stdio"\n'), /expected , or \]/);
  assert.throws(() => parseToml('name = "javascript\n'), /unterminated string/);
  assert.deepEqual(parseToml('[[l]]\nn = "a" # c\n[[l]]\nn = \'b\'\n[s.t]\nx = { "k" = [1, true] }\n'), {
    l: [{ n: 'a' }, { n: 'b' }],
    s: { t: { x: { k: [1, true] } } },
  });
});

test('Helix languages.toml parses and defines the orbit-ls server as `orbit-ls --stdio`', () => {
  const config = parseToml(fs.readFileSync(FILE, 'utf8'));
  const server = config['language-server']?.['orbit-ls'];
  assert.ok(server, 'no [language-server.orbit-ls] table');
  assert.equal(server.command, 'orbit-ls');
  assert.deepEqual(server.args, ['--stdio']);
});

test('Helix languages.toml runs orbit-ls beside typescript-language-server for js, ts, jsx and tsx', () => {
  const config = parseToml(fs.readFileSync(FILE, 'utf8'));
  const languages = config.language ?? [];
  for (const name of ['javascript', 'typescript', 'jsx', 'tsx']) {
    const entries = languages.filter((l) => l.name === name);
    assert.equal(entries.length, 1, `expected one [[language]] entry for ${name}`);
    const servers = entries[0]['language-servers'];
    assert.ok(Array.isArray(servers), `${name} has no language-servers list`);
    assert.ok(servers.includes('orbit-ls'), `${name} does not run orbit-ls`);
    // Listing servers replaces Helix's default list, so the TypeScript server must stay, first.
    assert.equal(servers[0], 'typescript-language-server', `${name} lost typescript-language-server`);
  }
  // Every server named is either Helix's built-in TypeScript server or defined in this file.
  const defined = new Set(['typescript-language-server', 'vscode-json-language-server', ...Object.keys(config['language-server'] ?? {})]);
  for (const l of languages) {
    for (const s of l['language-servers'] ?? []) assert.ok(defined.has(s), `${l.name} names unknown server ${s}`);
  }
});

test('Helix languages.toml runs orbit-ls for JSON beside Helix\'s JSON server, for package.json', () => {
  const config = parseToml(fs.readFileSync(FILE, 'utf8'));
  const json = (config.language ?? []).filter((l) => l.name === 'json');
  assert.equal(json.length, 1);
  assert.deepEqual(json[0]['language-servers'], ['vscode-json-language-server', 'orbit-ls']);
});

test('the settings example commented in languages.toml is valid TOML naming real settings', () => {
  const lines = fs.readFileSync(FILE, 'utf8').split('\n');
  const start = lines.indexOf('# [language-server.orbit-ls.config]');
  assert.ok(start >= 0, 'the settings example is missing');
  const example = [];
  for (let i = start; i < lines.length && lines[i].startsWith('# '); i++) example.push(lines[i].slice(2));
  const settings = parseToml(example.join('\n'))['language-server']['orbit-ls'].config;
  // A user who uncomments the example must not get a warning about an unknown setting.
  const { schema } = require('../../server/dist/config/schema.js');
  for (const key of Object.keys(settings)) assert.ok(key in schema, `unknown setting ${key} in the example`);
  assert.ok(Object.keys(settings).length > 0);
});
