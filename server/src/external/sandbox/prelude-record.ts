// The first part of the code evaluated inside QuickJS before a unit runs: captured intrinsics,
// the recorder (steps, effects, interactions), the bounded value serialiser and recording proxies.
// It is JavaScript in a string because it runs inside the sandbox, never on the host.

export const PRELUDE_RECORD = String.raw`
var G = globalThis;
var _apply = Reflect.apply, _construct = Reflect.construct, _ownKeys = Reflect.ownKeys;
var _defProp = Object.defineProperty, _getDesc = Object.getOwnPropertyDescriptor;
var _keys = Object.keys, _create = Object.create, _getProto = Object.getPrototypeOf, _freeze = Object.freeze;
var _stringify = JSON.stringify, _parse = JSON.parse, _isArray = Array.isArray, _String = String;
var _RealDate = Date, _Proxy = Proxy, _WeakMap = WeakMap, _WeakSet = WeakSet, _Error = Error;
var _eval = eval, _Function = Function, _Promise = Promise, _isFinite = isFinite;
var _dateISO = Date.prototype.toISOString, _dateGet = Date.prototype.getTime;
var _slice = String.prototype.slice, _indexOf = String.prototype.indexOf;
var _arrSlice = Array.prototype.slice, _map = Array.prototype.map, _join = Array.prototype.join;
var _WMget = WeakMap.prototype.get, _WMset = WeakMap.prototype.set, _WMhas = WeakMap.prototype.has;
var _WShas = WeakSet.prototype.has, _WSadd = WeakSet.prototype.add;
function slice(s, a, b) { return _apply(_slice, s, [a, b]); }
function push(arr, v) { _defProp(arr, arr.length, { value: v, writable: true, enumerable: true, configurable: true }); }

var steps = [], effects = [], interactions = [];
var state = { line: 0, truncated: false, limit: null, stepBytes: 0, exited: null };
function LimitError(limit) { this.orbitLimit = limit; this.message = 'orbit sandbox limit: ' + limit; }

/* Values leave the sandbox as JSON: bounded in depth, breadth and string length; values JSON
   cannot hold get the canonical string forms of core/trace/normalise ("[undefined]", "[NaN]",
   "[function]", "[cycle]", "[error Name: message]" …); stubs appear as "[orbit name]". */
var proxyNames = new _WeakMap();
function ser(v, depth, seen, maxString) {
  if (depth === undefined) { depth = 0; seen = new _WeakSet(); }
  if (maxString === undefined) maxString = CFG.maxString;
  switch (typeof v) {
    case 'string': return v.length > maxString ? slice(v, 0, maxString) + '…' : v;
    case 'number': return _isFinite(v) ? v : '[' + _String(v) + ']';
    case 'boolean': return v;
    case 'undefined': return '[undefined]';
    case 'bigint': return '[bigint ' + _String(v) + ']';
    case 'symbol': return '[symbol ' + (v.description || '') + ']';
  }
  if (v === null) return null;
  if (_apply(_WMhas, proxyNames, [v])) return '[orbit ' + _apply(_WMget, proxyNames, [v]) + ']';
  if (typeof v === 'function') return '[function]';
  try {
    if (v instanceof _RealDate) { var t = _apply(_dateGet, v, []); return t === t ? _apply(_dateISO, v, []) : '[Invalid Date]'; }
    if (G.Buffer && v instanceof G.Buffer) return ser(v.toString('utf8'), depth, seen, maxString);
  } catch (e) { return '[Thrown]'; }
  if (depth >= CFG.maxDepth) return _isArray(v) ? '[Array]' : '[Object]';
  if (_apply(_WShas, seen, [v])) return '[cycle]';
  _apply(_WSadd, seen, [v]);
  var out, i, keys;
  try {
    if (_isArray(v)) {
      out = [];
      for (i = 0; i < v.length && i < CFG.maxItems; i++) push(out, ser(v[i], depth + 1, seen, maxString));
      return out;
    }
    if (v instanceof _Error) return '[error ' + str(v.name) + ': ' + slice(str(v.message), 0, maxString) + ']';
    if (v instanceof Map) { out = []; v.forEach(function (val, key) { if (out.length < CFG.maxItems) push(out, [ser(key, depth + 1, seen, maxString), ser(val, depth + 1, seen, maxString)]); }); return { '[map]': out }; }
    if (v instanceof Set) { out = []; v.forEach(function (val) { if (out.length < CFG.maxItems) push(out, ser(val, depth + 1, seen, maxString)); }); return { '[set]': out }; }
    out = {};
    keys = _keys(v);
    for (i = 0; i < keys.length && i < CFG.maxItems; i++) {
      var val;
      try { val = v[keys[i]]; } catch (e) { val = '[Thrown]'; }
      _defProp(out, keys[i], { value: ser(val, depth + 1, seen, maxString), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } catch (e) {
    if (e instanceof LimitError) throw e;
    return '[Thrown]';
  }
}
function str(v) { try { return typeof v === 'string' ? v : _String(v); } catch (e) { return '[Thrown]'; } }

function effect(kind, target, args) {
  if (state.limit) throw new LimitError(state.limit);
  if (effects.length >= CFG.maxEffects) { state.limit = 'trace-size'; throw new LimitError('trace-size'); }
  var a = [];
  // Effect payloads keep more text than states: exfiltrated data must be recognisable.
  for (var i = 0; i < args.length && i < 8; i++) push(a, ser(args[i], 0, new _WeakSet(), CFG.maxEffectString));
  push(effects, { kind: kind, target: slice(str(target), 0, 500), args: a, line: state.line });
}
function interact(target, args) {
  if (interactions.length >= CFG.maxEffects) return;
  var a = [];
  for (var i = 0; i < args.length && i < 8; i++) push(a, ser(args[i]));
  push(interactions, { target: target, args: a, line: state.line });
}

function noteLine(line) {
  if (state.limit) throw new LimitError(state.limit);
  checkClock();
  state.line = line;
}
function noteStep(line, written) {
  if (state.limit) throw new LimitError(state.limit);
  checkClock();
  state.line = line;
  if (steps.length >= CFG.maxSteps || state.stepBytes >= CFG.maxTraceBytes) { state.truncated = true; return; }
  var s = {};
  if (written) {
    var ks = _keys(written);
    for (var i = 0; i < ks.length; i++) {
      _defProp(s, ks[i], { value: ser(written[ks[i]]), enumerable: true, writable: true, configurable: true });
    }
  }
  var size = 16;
  if (ks && ks.length) { try { size += traceJson(s, CFG.maxTraceBytes).length; } catch (e) { size += CFG.maxTraceBytes; } }
  state.stepBytes += size;
  push(steps, { line: line, state: s });
}
/* Comparison operands: __orbitV keeps the left one, __orbitW pairs it with the right one. */
var comparisons = [], cmpStack = [], cmpSeen = {};
function cmpVal(v) { if (typeof v === 'string') return slice(v, 0, 200); if (typeof v === 'number') return v; if (v instanceof _RealDate) return _apply(_dateGet, v, []); return undefined; }
function noteCmp(a, b) {
  var x = cmpVal(a), y = cmpVal(b);
  if (x === undefined || y === undefined || x === y || comparisons.length >= 200) return;
  if ((typeof x === 'string' && x.length < 2) || (typeof y === 'string' && y.length < 2)) return;
  // Small numbers are loop counters and sizes; only instants (epoch milliseconds) are useful.
  if (typeof x === 'number' && typeof y === 'number' && Math.max(Math.abs(x), Math.abs(y)) < 1e9) return;
  var key = typeof x + ':' + x + '|' + typeof y + ':' + y;
  if (cmpSeen[key]) return;
  cmpSeen[key] = true;
  push(comparisons, [x, y]);
}
/* Branch conditions: every comparison, string search, pattern test and membership test the
   unit evaluates, with its operands, how an operand was derived (a length, a date getter, an
   environment variable) and the result. The trigger search solves them for new inputs. */
var conds = [], condSeen = {}, pendingRecv = null, hasRecv = false;
function condVal(v) {
  if (typeof v === 'string') return slice(v, 0, 300);
  if (typeof v === 'number') return _isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v === null) return v;
  if (v === undefined) return '[undefined]';
  if (v instanceof _RealDate) return _apply(_dateGet, v, []);
  return '[object]';
}
function condDesc(v, how, recv, withRecv) {
  var d = { v: condVal(v) };
  if (how) d.h = how;
  if (withRecv) d.x = condVal(recv);
  return d;
}
function noteCond(ev) {
  if (conds.length >= 400) return;
  var key = ev.s + '|' + ev.op + '|' + _stringify(ev.a && ev.a.v) + '|' + _stringify(ev.b ? ev.b.v : ev.list || ev.re || ev.path) + '|' + ev.r;
  if (condSeen[key]) return;
  condSeen[key] = true;
  ev.line = state.line;
  push(conds, ev);
}
function compare(op, a, b) {
  switch (op) {
    case '===': return a === b; case '!==': return a !== b; case '==': return a == b; case '!=': return a != b;
    case '<': return a < b; case '>': return a > b; case '<=': return a <= b; case '>=': return a >= b;
  }
  return false;
}
function plainOperand(v) { return v === null || typeof v !== 'object' && typeof v !== 'function' || v instanceof _RealDate; }
_defProp(G, '__orbitR', { value: function (v) { pendingRecv = v; hasRecv = true; return v; }, writable: false, configurable: false });
_defProp(G, '__orbitV', { value: function (v, how) {
  push(cmpStack, { v: v, how: how, recv: pendingRecv, has: hasRecv });
  pendingRecv = null; hasRecv = false;
  return v;
}, writable: false, configurable: false });
_defProp(G, '__orbitW', { value: function (v, how, op, site) {
  var recv = pendingRecv, has = hasRecv;
  pendingRecv = null; hasRecv = false;
  if (!cmpStack.length) return v;
  var a = cmpStack[cmpStack.length - 1];
  cmpStack.length--;
  noteCmp(a.v, v);
  // Objects are compared by the engine alone: calling valueOf twice could change what the code sees.
  if (op && plainOperand(a.v) && plainOperand(v)) {
    noteCond({ s: site, op: op, a: condDesc(a.v, a.how, a.recv, a.has), b: condDesc(v, how, recv, has), r: compare(op, a.v, v) });
  }
  return v;
}, writable: false, configurable: false });
/* String searches compare too: s.startsWith('x') pairs s with 'x'. */
['startsWith', 'endsWith', 'includes', 'indexOf', 'localeCompare'].forEach(function (m) {
  var real = String.prototype[m];
  _defProp(String.prototype, m, { value: function (x) {
    var r = _apply(real, this, arguments);
    if (typeof x === 'string') {
      noteCmp(_String(this), x);
      if (m !== 'localeCompare') noteCond({ s: 'm:' + m, op: m, a: condDesc(_String(this)), b: condDesc(x), r: m === 'indexOf' ? r >= 0 : !!r });
    }
    return r;
  }, writable: true, configurable: true });
});
var realArrIncludes = Array.prototype.includes, realArrIndexOf = Array.prototype.indexOf;
function noteIn(list, x, r) {
  if (typeof x !== 'string' && typeof x !== 'number' || list.length > 50) return;
  var items = [];
  for (var i = 0; i < list.length; i++) {
    if (typeof list[i] === 'string' || typeof list[i] === 'number') { noteCmp(x, list[i]); push(items, typeof list[i] === 'string' ? slice(list[i], 0, 200) : list[i]); }
  }
  if (items.length) noteCond({ s: 'in', op: 'in', a: condDesc(x), list: items, r: r });
}
_defProp(Array.prototype, 'includes', { value: function (x) { var r = _apply(realArrIncludes, this, arguments); noteIn(this, x, r); return r; }, writable: true, configurable: true });
_defProp(Array.prototype, 'indexOf', { value: function (x) { var r = _apply(realArrIndexOf, this, arguments); noteIn(this, x, r >= 0); return r; }, writable: true, configurable: true });
/* Pattern tests: the source and flags of the pattern, the tested text and the result. */
var realTest = RegExp.prototype.test, realExec = RegExp.prototype.exec, realMatch = String.prototype.match;
function noteRe(re, s, r) {
  if (typeof s !== 'string' || s.length > 300) return;
  var src; try { src = re.source; } catch (e) { return; }
  noteCond({ s: 're:' + slice(src, 0, 200), op: 'test', a: condDesc(s), re: slice(src, 0, 200), fl: re.flags, r: r });
}
_defProp(RegExp.prototype, 'test', { value: function (s) { var r = _apply(realTest, this, arguments); noteRe(this, s, r); return r; }, writable: true, configurable: true });
_defProp(RegExp.prototype, 'exec', { value: function (s) { var r = _apply(realExec, this, arguments); noteRe(this, s, r !== null); return r; }, writable: true, configurable: true });
_defProp(String.prototype, 'match', { value: function (re) { var r = _apply(realMatch, this, arguments); if (re instanceof RegExp) noteRe(re, _String(this), r !== null); return r; }, writable: true, configurable: true });
/* Reads of fields the input does not have, and JSON text parsed from an input: both tell the
   search which values to add. Paths are those of the run's arguments ("0.headers.x-meta"). */
var missWrapped = new _WeakMap();
var MISS_SKIP = { toJSON: 1, then: 1, constructor: 1, inspect: 1, length: 1, valueOf: 1, toString: 1, hasOwnProperty: 1, prototype: 1, __proto__: 1, $$typeof: 1, asymmetricMatch: 1, nodeType: 1, toISOString: 1 };
function missProxy(obj, path) {
  if (obj === null || typeof obj !== 'object' || _isArray(obj) || obj instanceof _RealDate) return obj;
  if (_apply(_WMhas, missWrapped, [obj])) return _apply(_WMget, missWrapped, [obj]);
  var p = new _Proxy(obj, {
    get: function (t, k, r) {
      var v = Reflect.get(t, k, r);
      if (typeof k !== 'string' || _apply(_hasOwnProp, MISS_SKIP, [k])) return v;
      if (v === undefined && !(k in t)) noteCond({ s: 'miss', op: 'miss', path: path + '.' + k, r: false });
      return v !== null && typeof v === 'object' && !_isArray(v) ? missProxy(v, path + '.' + k) : v;
    },
  });
  _apply(_WMset, missWrapped, [obj, p]);
  return p;
}
var _hasOwnProp = Object.prototype.hasOwnProperty;
var inputLeaves = null;
function leafPath(s) {
  if (inputLeaves === null) {
    inputLeaves = {};
    var walkLeaves = function (v, p) {
      if (typeof v === 'string') { if (!_apply(_hasOwnProp, inputLeaves, [v])) inputLeaves[v] = p; return; }
      if (v === null || typeof v !== 'object') return;
      var ks = _keys(v);
      for (var i = 0; i < ks.length; i++) if (ks[i] !== '$orbit') walkLeaves(v[ks[i]], p === '' ? ks[i] : p + '.' + ks[i]);
    };
    walkLeaves(_parse(CFG.argsJson), '');
  }
  return typeof s === 'string' && _apply(_hasOwnProp, inputLeaves, [s]) ? inputLeaves[s] : null;
}
var realJSONParse = JSON.parse;
_defProp(JSON, 'parse', { value: function (text) {
  var where = leafPath(text);
  if (where === null) return _apply(realJSONParse, JSON, arguments);
  var out;
  try { out = _apply(realJSONParse, JSON, arguments); } catch (e) { noteCond({ s: 'json', op: 'json', path: where, r: false }); throw e; }
  return missProxy(out, where + '#json');
}, writable: true, configurable: true });

_defProp(G, '__orbitL', { value: noteLine, writable: false, configurable: false });
_defProp(G, '__orbitS', { value: noteStep, writable: false, configurable: false });

/* A recording proxy stands in for anything unknown: every call is recorded, every property is
   another proxy, so code written against any API runs on without touching anything. */
function recProxy(name, kind) {
  var children = {};
  var target = function () {};
  var p = new _Proxy(target, {
    get: function (t, k) {
      if (typeof k === 'symbol') {
        if (k === Symbol.toPrimitive) return function () { return '[orbit ' + name + ']'; };
        if (k === Symbol.iterator) return function* () {};
        return undefined;
      }
      if (k === 'then' || k === 'toJSON' || k === 'constructor' || k === '__proto__') return undefined;
      if (k === 'toString' || k === 'valueOf') return function () { return '[orbit ' + name + ']'; };
      if (k === 'prototype') return t.prototype;
      if (k === 'length') return 0;
      if (!(k in children) || children[k] === undefined) _defProp(children, k, { value: recProxy(name + '.' + k, kind), configurable: true, writable: true });
      return children[k];
    },
    set: function (t, k, v) { if (typeof k === 'string') _defProp(children, k, { value: v, configurable: true, writable: true }); return true; },
    apply: function (t, self, args) {
      effect(kind || callKind(name), name, args);
      // Unknown checks and lookups fail, as they would for a stranger: a token is not in the
      // set, a user is not found. Anything else returns another proxy so the code runs on.
      var last = name.slice(name.lastIndexOf('.') + 1);
      if (/^(has|includes|verify|verifySync|compare|compareSync|check|validate|valid|exists|match|matches|test|authenticate|equals|is[A-Z]\w*|can[A-Z]\w*)$/.test(last)) return false;
      if (/^(find|findOne|findById|findUser|findByPk|get[A-Z]\w*|lookup|load[A-Z]\w*|getUser)$/.test(last) || /^find[A-Z]/.test(last)) return undefined;
      return recProxy(name + '()', kind);
    },
    construct: function (t, args) {
      effect(kind || callKind(name), 'new ' + name, args);
      return recProxy(name, kind);
    },
    has: function () { return true; },
    getPrototypeOf: function () { return Object.prototype; },
  });
  _apply(_WMset, proxyNames, [p, name]);
  return p;
}
function callKind(name) {
  return /(^|\.)(query|execute|prepare|findOne|findAll|findMany|findById|insertOne|insertMany|updateOne|deleteOne|raw)(\(\))?$/.test(name) ? 'db' : 'log';
}
`;
