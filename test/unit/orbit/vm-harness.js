// Runs a corpus function and a variant in node:vm with recording stubs for every host capability,
// and reduces each run to a comparable record: output, thrown error and effects in order.
// (A test helper, not a test: it only exports functions.)
'use strict';
const vm = require('node:vm');

/** Serialises any value canonically: undefined, NaN, -0, functions, maps, sets, class instances, cycles. */
function canon(value, seen = new Set()) {
  if (value === undefined) return '<undefined>';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '<NaN>';
    if (Object.is(value, -0)) return '<-0>';
    if (!Number.isFinite(value)) return `<${value}>`;
    return value;
  }
  if (typeof value === 'bigint') return `<${value}n>`;
  if (typeof value === 'symbol') return `<${String(value)}>`;
  if (typeof value === 'function') return '<function>';
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '<cycle>';
  seen.add(value);
  let out;
  if (Array.isArray(value)) out = value.map((v) => canon(v, seen));
  else if (value instanceof Map || Object.prototype.toString.call(value) === '[object Map]') {
    out = { '<map>': [...value].map(([k, v]) => [canon(k, seen), canon(v, seen)]) };
  } else if (Object.prototype.toString.call(value) === '[object Set]') out = { '<set>': [...value].map((v) => canon(v, seen)) };
  else {
    out = {};
    const ctor = value.constructor && value.constructor.name;
    if (ctor && ctor !== 'Object') out['<class>'] = ctor;
    for (const k of Object.keys(value).sort()) out[k] = canon(value[k], seen);
  }
  seen.delete(value);
  return out;
}

/** V8 renders the callee's source text in some TypeErrors; only the tail is behaviour. */
function canonError(e, renames) {
  const name = e && e.constructor ? e.constructor.name : typeof e;
  let message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
  message = message.replace(/^.* is not (a function|iterable|a constructor|defined)/, '<expr> is not $1');
  message = message.replace(/Cannot access '([^']+)' before initialization/, (m, n) => `Cannot access '${renames[n] ?? n}' before initialization`);
  return `${name}: ${message}`;
}

function createStubs(effects) {
  const record = (kind, target, args) => effects.push([kind, target, canon(args)]);
  const env = new Proxy({ PORT: '8080', HOST: 'localhost', API_KEY: 'k-123', ORDER_FLAG: '1' }, {
    get(t, key) {
      if (typeof key === 'string') record('env', key, []);
      return t[key];
    },
  });
  const modules = {
    fs: {
      readFileSync: (p) => (record('fs-read', String(p), []), 'content'),
      writeFileSync: (p, d) => record('fs-write', String(p), [d]),
      unlinkSync: (p) => record('fs-write', String(p), ['unlink']),
    },
    child_process: {
      execSync: (cmd) => (record('process', String(cmd), []), 'output of ' + cmd),
      exec: (cmd) => record('process', String(cmd), []),
    },
    https: { request: (url, opts) => (record('network', String(url), [opts]), { end() {} }) },
    http: { request: (url, opts) => (record('network', String(url), [opts]), { end() {} }) },
  };
  return {
    console: { log: (...a) => record('log', 'console.log', a), error: (...a) => record('log', 'console.error', a) },
    process: { env },
    require: (name) => {
      record('require', name, []);
      if (!modules[name]) throw new Error(`Cannot find module '${name}'`);
      return modules[name];
    },
    fetch: async (url, opts) => {
      record('network', String(url), [opts]);
      if (String(url).includes('fail')) throw new Error('connection refused');
      return { ok: true, status: String(url).includes('try=1') || !String(url).includes('try=') ? 200 : 503, json: async () => ({}) };
    },
    db: {
      query: async (sql, params) => {
        record('db', sql, params);
        return params && params[0] === 3 ? [{ id: 3 }] : [];
      },
    },
  };
}

/**
 * Runs fnName from source on each input (a JS expression for the argument list).
 * @returns {Promise<Array<{ compile?: string, outcome?: { value?: any, error?: string }, effects?: any[] }>>}
 */
async function runAll(source, fnName, inputs, renames = {}) {
  const effects = [];
  const context = vm.createContext(createStubs(effects));
  let fn;
  try {
    fn = new vm.Script(`(function () {\n${source}\nreturn ${fnName};\n})()`).runInContext(context, { timeout: 1000 });
  } catch (e) {
    return [{ compile: canonError(e, renames) }];
  }
  const results = [];
  for (const input of inputs) {
    effects.length = 0;
    const args = new vm.Script(input).runInContext(context);
    let outcome;
    try {
      let value = fn(...args);
      if (value && typeof value.then === 'function') value = await value;
      else if (value && typeof value.next === 'function' && typeof value[Symbol.iterator] === 'function') {
        const items = [];
        for (let n = 0; n < 100; n++) {
          const step = value.next();
          items.push(canon(step.value));
          if (step.done) break;
        }
        value = items;
      }
      outcome = { value: canon(value) };
    } catch (e) {
      outcome = { error: canonError(e, renames) };
    }
    results.push({ outcome, effects: effects.slice() });
  }
  return results;
}

module.exports = { runAll, canon };
