// Sandbox-side bounds evaluated right after the recorder: the run's deadline checked at every
// instrumented statement, a byte budget for ArrayBuffers and typed arrays (QuickJS does not count
// them against its heap limit), and the trace writer, which reads only the recorder's own data
// properties so no user-defined toJSON, setter, getter or Proxy runs while the trace is written.

export const PRELUDE_BOUNDS = String.raw`
/* The real clock of the machine: the virtual Date the stubs install never affects it. */
var _realNow = _RealDate.now;
var clockChecks = 0;
/* Called at every instrumented statement: QuickJS polls the host only every ~10k operations, and
   a loop of expensive operations (big string splits, getters that allocate) would overrun by far. */
function checkClock() {
  if ((++clockChecks & 15) !== 0) return;
  if (_apply(_realNow, _RealDate, []) > CFG.deadline) { state.limit = 'time'; throw new LimitError('time'); }
}
/* In every loop body and function body (see ticks.ts): once a limit is hit, any code that goes on
   running, in a catch block or a callback, stops at its next loop turn or call. */
_defProp(G, '__orbitT', { value: function () { if (state.limit) throw new LimitError(state.limit); checkClock(); }, writable: false, configurable: false });

/* ArrayBuffers and typed arrays: every allocation counts against CFG.maxBufferBytes for the run.
   The constructors are replaced by proxies, and each prototype's constructor points at its proxy,
   so species-created copies (slice, map, subarray's buffer) are counted too. */
var bufferBytes = 0;
function chargeBuffer(bytes) {
  if (!(bytes > 0)) return;
  bufferBytes += bytes;
  if (bufferBytes > CFG.maxBufferBytes) { state.limit = 'memory'; throw new LimitError('memory'); }
}
/* Internal-slot getters cannot be fooled by Symbol.hasInstance or a Proxy: they throw unless the
   value really is an ArrayBuffer or a typed array. */
var _abLength = _getDesc(ArrayBuffer.prototype, 'byteLength').get;
var _sabLength = typeof SharedArrayBuffer === 'function' ? _getDesc(SharedArrayBuffer.prototype, 'byteLength').get : undefined;
var _taLength = _getDesc(_getProto(Uint8Array.prototype), 'length').get;
function lengthOf(x) {
  if (typeof x === 'number') return x;
  if (x === null || typeof x !== 'object') return 0;
  try { _apply(_abLength, x, []); return 0; } catch (e) { /* not an ArrayBuffer */ }
  if (_sabLength) { try { _apply(_sabLength, x, []); return 0; } catch (e) { /* not shared */ } }
  try { return _apply(_taLength, x, []); } catch (e) { /* an array-like */ }
  var n = x.length;
  return typeof n === 'number' ? n : 0;
}
function boundCtor(name, bytesFor) {
  var Real = G[name];
  if (typeof Real !== 'function') return;
  var P = new _Proxy(Real, {
    construct: function (t, args, nt) {
      chargeBuffer(bytesFor(args));
      return _construct(t, args, nt === P ? t : nt);
    },
  });
  _defProp(Real.prototype, 'constructor', { value: P, writable: true, configurable: true });
  _defProp(G, name, { value: P, writable: true, configurable: true });
}
boundCtor('ArrayBuffer', function (a) { var o = a[1]; var max = o && typeof o === 'object' ? Number(o.maxByteLength) || 0 : 0; return Math.max(Number(a[0]) || 0, max); });
boundCtor('SharedArrayBuffer', function (a) { return Number(a[0]) || 0; });
['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Float16Array'].forEach(function (name) {
  var Real = G[name];
  if (typeof Real !== 'function') return;
  var size = Real.BYTES_PER_ELEMENT;
  boundCtor(name, function (a) { return (Number(lengthOf(a[0])) || 0) * size; });
});

/* The trace writer. Plain data only: strings and numbers, arrays and objects made by the
   recorder, read through their own data properties with intrinsics captured before any user code
   ran. Output is bounded by maxChars; past it the writer throws and the caller falls back. */
function TooLong() {}
var _ObjectProto = Object.prototype, _ArrayProto = Array.prototype, _setProto = Object.setPrototypeOf;
/* The native JSON.stringify is safe on the recorder's data exactly when no toJSON can be found on
   the way: none on Object.prototype or Array.prototype, and Array.prototype still inherits from
   Object.prototype (whose own prototype cannot change). Own properties of the recorder's objects
   are data properties, so nothing else the program defined can run. */
function nativeSafe() {
  return _getDesc(_ObjectProto, 'toJSON') === undefined && _getDesc(_ArrayProto, 'toJSON') === undefined && _getProto(_ArrayProto) === _ObjectProto;
}
function traceJson(v, maxChars) {
  if (nativeSafe()) {
    var s = _stringify(v);
    if (s.length > maxChars) throw new TooLong();
    return s;
  }
  return plainJson(v, maxChars);
}
function plainJson(v, maxChars) {
  // A null-prototype accumulator: plain index writes, which no Array.prototype setter can see.
  var out = _setProto([], null), n = 0, size = 0;
  function emit(s) { size += s.length; if (size > maxChars) throw new TooLong(); out[n++] = s; }
  function write(x, depth) {
    switch (typeof x) {
      case 'string': emit(_stringify(x)); return;
      case 'number': emit(_isFinite(x) ? _String(x) : 'null'); return;
      case 'boolean': emit(x ? 'true' : 'false'); return;
      case 'object': break;
      default: emit('null'); return;
    }
    if (x === null) { emit('null'); return; }
    if (depth > 24) { emit('"[deep]"'); return; }
    var i, d, first = true;
    if (_isArray(x)) {
      d = _getDesc(x, 'length');
      var n = d && typeof d.value === 'number' ? d.value : 0;
      emit('[');
      for (i = 0; i < n; i++) {
        if (i > 0) emit(',');
        d = _getDesc(x, _String(i));
        if (d && 'value' in d) write(d.value, depth + 1); else emit('null');
      }
      emit(']');
      return;
    }
    var keys = _keys(x);
    emit('{');
    for (i = 0; i < keys.length; i++) {
      d = _getDesc(x, keys[i]);
      if (!d || !('value' in d) || d.value === undefined || typeof d.value === 'function') continue;
      if (!first) emit(',');
      first = false;
      emit(_stringify(_String(keys[i])));
      emit(':');
      write(d.value, depth + 1);
    }
    emit('}');
  }
  write(v, 0);
  out.length = n;
  return _apply(_join, out, ['']);
}
/* A record built with defineProperty, so setters on Object.prototype never see it. */
function record(pairs) {
  var o = {};
  for (var i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1] !== undefined) _defProp(o, pairs[i], { value: pairs[i + 1], enumerable: true, writable: true, configurable: true });
  return o;
}
`;
