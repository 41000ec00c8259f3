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
   cannot hold get a canonical string form. */
var proxyNames = new _WeakMap();
function ser(v, depth, seen) {
  if (depth === undefined) { depth = 0; seen = new _WeakSet(); }
  switch (typeof v) {
    case 'string': return v.length > CFG.maxString ? slice(v, 0, CFG.maxString) + '…' : v;
    case 'number': return _isFinite(v) ? v : '[' + _String(v) + ']';
    case 'boolean': return v;
    case 'undefined': return '[undefined]';
    case 'bigint': return '[BigInt ' + _String(v) + ']';
    case 'symbol': return '[Symbol]';
  }
  if (v === null) return null;
  if (_apply(_WMhas, proxyNames, [v])) return '[orbit ' + _apply(_WMget, proxyNames, [v]) + ']';
  if (typeof v === 'function') return '[Function ' + (safeName(v) || 'anonymous') + ']';
  try {
    if (v instanceof _RealDate) { var t = _apply(_dateGet, v, []); return t === t ? _apply(_dateISO, v, []) : '[Invalid Date]'; }
    if (G.Buffer && v instanceof G.Buffer) return ser(v.toString('utf8'), depth, seen);
  } catch (e) { return '[Thrown]'; }
  if (depth >= CFG.maxDepth) return _isArray(v) ? '[Array]' : '[Object]';
  if (_apply(_WShas, seen, [v])) return '[Circular]';
  _apply(_WSadd, seen, [v]);
  var out, i, keys;
  try {
    if (_isArray(v)) {
      out = [];
      for (i = 0; i < v.length && i < CFG.maxItems; i++) push(out, ser(v[i], depth + 1, seen));
      return out;
    }
    if (v instanceof _Error) return { name: ser(v.name, 9, seen), message: ser(v.message, 9, seen) };
    out = {};
    keys = _keys(v);
    for (i = 0; i < keys.length && i < CFG.maxItems; i++) {
      var val;
      try { val = v[keys[i]]; } catch (e) { val = '[Thrown]'; }
      _defProp(out, keys[i], { value: ser(val, depth + 1, seen), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } catch (e) {
    if (e instanceof LimitError) throw e;
    return '[Thrown]';
  }
}
function safeName(f) { try { var n = f.name; return typeof n === 'string' ? n : ''; } catch (e) { return ''; } }
function str(v) { try { return typeof v === 'string' ? v : _String(v); } catch (e) { return '[Thrown]'; } }

function effect(kind, target, args) {
  if (state.limit) throw new LimitError(state.limit);
  if (effects.length >= CFG.maxEffects) { state.limit = 'trace-size'; throw new LimitError('trace-size'); }
  var a = [];
  for (var i = 0; i < args.length && i < 8; i++) push(a, ser(args[i]));
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
  state.line = line;
}
function noteStep(line, written) {
  if (state.limit) throw new LimitError(state.limit);
  state.line = line;
  if (steps.length >= CFG.maxSteps || state.stepBytes >= CFG.maxTraceBytes) { state.truncated = true; return; }
  var s = {};
  if (written) {
    var ks = _keys(written);
    for (var i = 0; i < ks.length; i++) {
      _defProp(s, ks[i], { value: ser(written[ks[i]]), enumerable: true, writable: true, configurable: true });
    }
  }
  state.stepBytes += ks && ks.length ? _stringify(s).length + 16 : 16;
  push(steps, { line: line, state: s });
}
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
