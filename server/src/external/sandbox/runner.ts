// Runs one program inside QuickJS (WebAssembly) with recording stubs and returns its Trace. Nothing
// from the host crosses in: the prelude, the program and the inputs go in as source text and JSON,
// and the trace comes back as a JSON string. Every run starts from the same state: the engine's
// whole WebAssembly memory as it was right after the prelude ran (runtime, context and prelude
// built once per engine), copied back byte for byte, so nothing one run did can be seen by the next.
import { newQuickJSWASMModule, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule } from 'quickjs-emscripten';
import * as acorn from 'acorn';
import type { JsonValue, Trace, TraceLimit } from '../../core/trace/schema';
import { checkTrace } from '../../core/trace/validate';
import { instrument } from './instrument';
import { PRELUDE_BOUNDS } from './prelude-bounds';
import { recycleIfGrown } from './recycle';
import { addTicks } from './ticks';
import { PRELUDE_DRIVER } from './prelude-driver';
import { PRELUDE_PURE } from './prelude-pure';
import { PRELUDE_RECORD } from './prelude-record';
import { LAZY_GROUPS, LAZY_HELPERS, PRELUDE_STUBS } from './prelude-stubs';

export interface SandboxLimits {
  /** Wall-clock budget of one run, in milliseconds. */
  timeMs: number;
  /** Approximate bytecode budget (QuickJS polls the interrupt handler every ~10k operations). */
  instructions: number;
  /** Heap limit of the runtime, in bytes. */
  memoryBytes: number;
  /** Native stack limit, in bytes; deep recursion ends as a memory limit. */
  stackBytes: number;
  /** Steps recorded before the trace is truncated (the run goes on). */
  maxSteps: number;
  /** Effects recorded before the run is stopped with a trace-size limit. */
  maxEffects: number;
  /** Approximate byte budget of recorded states. */
  maxTraceBytes: number;
  /** Timer callbacks fired on the virtual clock before the run is considered finished. */
  maxTimers: number;
  /** Characters of the trace's JSON; a larger trace keeps only its effects' targets. */
  maxTraceChars: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeMs: 1000,
  instructions: 50_000_000,
  memoryBytes: 32 * 1024 * 1024,
  // Larger stacks let deep recursion overflow the host's own stack before QuickJS notices.
  stackBytes: 256 * 1024,
  maxSteps: 2000,
  maxEffects: 500,
  maxTraceBytes: 256 * 1024,
  maxTimers: 200,
  maxTraceChars: 2 * 1024 * 1024,
};

/** One run's world: the arguments (JSON, with `$orbit` tags for framework objects), the
 *  environment, the virtual clock's start and the PRNG seed. */
export interface RunInput {
  args: JsonValue[];
  env?: Record<string, string>;
  /** Epoch milliseconds the virtual clock starts at. */
  now?: number;
  seed?: number;
  argv?: string[];
  /** A fixed value for Math.random; a seeded generator otherwise. */
  random?: number;
  /** Calls made (and not recorded) before the recorded call, in the same module instance. */
  repeat?: number;
}

export interface RunOptions {
  /** Name of the function to call when the program does not assign module.exports. */
  entry?: string;
  /** Only this range of the program is instrumented (defaults to all of it). */
  unitStart?: number;
  unitEnd?: number;
  lineMap?: number[];
  freeNames?: string[];
  call?: 'function' | 'member' | 'constructor';
  /** Checked at every interrupt poll: a run started under an aborted signal stops at once with a
   *  time limit. Runs are synchronous on their thread, so an abort sent during a run is seen when
   *  the thread next yields, that is between runs; `timeMs` bounds each run meanwhile. */
  signal?: AbortSignal;
}

/** The environment every run sees unless the input overrides it: plausible, with secret values
 *  that are easy to recognise when they turn up in an effect. */
export const FAKE_ENV: Record<string, string> = {
  NODE_ENV: 'production', PORT: '3000', HOME: '/home/app', USER: 'app', PATH: '/usr/local/bin:/usr/bin:/bin',
  DATABASE_URL: 'postgres://app:orbit-env-DATABASE_URL@db.internal:5432/app', JWT_SECRET: 'orbit-env-JWT_SECRET',
  AWS_ACCESS_KEY_ID: 'orbit-env-AWS_ACCESS_KEY_ID', AWS_SECRET_ACCESS_KEY: 'orbit-env-AWS_SECRET_ACCESS_KEY',
  API_KEY: 'orbit-env-API_KEY', SESSION_SECRET: 'orbit-env-SESSION_SECRET', GITHUB_TOKEN: 'orbit-env-GITHUB_TOKEN',
  NPM_TOKEN: 'orbit-env-NPM_TOKEN', STRIPE_SECRET_KEY: 'orbit-env-STRIPE_SECRET_KEY',
};

/** The instant ordinary runs happen at: a Tuesday morning, mid-month. */
export const ORDINARY_NOW = Date.UTC(2026, 2, 17, 10, 30, 0);

/** Promise jobs one run may execute before it is stopped with the instruction limit: ordinary
 *  code settles within a few thousand; only a storm comes near it. */
const MAX_JOBS = 100_000;

/** Hands the prelude's helpers to lazily compiled module groups. */
const LAZY_PRELUDE = [
  `var H = { ${LAZY_HELPERS.map((n) => `${n}: ${n}`).join(', ')} };`,
  `var LAZY_SRC = ${JSON.stringify(LAZY_GROUPS)};`,
  `var LAZY_DECL = ${JSON.stringify(LAZY_HELPERS.map((n) => `${n} = H.${n}`).join(', '))};`,
].join('\n');

/** The prelude with settings every run replaces (`control.configure`) before its program runs. */
const STATIC_CFG = {
  maxString: 200, maxEffectString: 4000, maxDepth: 4, maxItems: 30,
  maxSteps: DEFAULT_LIMITS.maxSteps, maxEffects: DEFAULT_LIMITS.maxEffects, maxTraceBytes: DEFAULT_LIMITS.maxTraceBytes, maxTimers: DEFAULT_LIMITS.maxTimers,
  env: {}, now: ORDINARY_NOW, seed: 1, argv: [], random: null, repeat: 0, argsJson: '[]', freeNames: [], call: 'function',
  deadline: 0, maxBufferBytes: DEFAULT_LIMITS.memoryBytes, maxJsonChars: DEFAULT_LIMITS.maxTraceChars,
};
const PRELUDE = `(function () { 'use strict';\nvar CFG = ${JSON.stringify(STATIC_CFG)};\n${PRELUDE_RECORD}\n${PRELUDE_BOUNDS}\n${PRELUDE_PURE}\n${PRELUDE_STUBS}\n${LAZY_PRELUDE}\n${PRELUDE_DRIVER}\nreturn control; })()`;

/** One engine: a runtime and a context with the prelude evaluated, the prelude's control
 *  functions, and the copy of the WebAssembly memory every run starts from. */
interface Engine {
  mod: QuickJSWASMModule;
  runtime: QuickJSRuntime;
  vm: QuickJSContext;
  ctl: QuickJSHandle;
  fn: { configure: QuickJSHandle; start: QuickJSHandle; advance: QuickJSHandle; finish: QuickJSHandle };
  memory: { readonly buffer: ArrayBufferLike };
  snapshot: Uint8Array;
  /** The interrupt handler of the run in progress (the runtime's handler calls it). */
  interrupt: () => boolean;
}

let modulePromise: Promise<Engine> | undefined;
function quickjs(): Promise<Engine> {
  modulePromise ??= newQuickJSWASMModule().then((mod) => {
    const engine = createEngine(mod);
    // An engine's first run is several times slower than the next (the host side's first calls)
    // and can hit a run's time limit; one small run here keeps that cost out of every caller's
    // first real run.
    try {
      traceUnitSync(engine, 'function warm(a) { return a + 1; }', { args: [1], env: FAKE_ENV, seed: 7 }, DEFAULT_LIMITS, {});
    } catch {
      // A failing warm-up leaves the first real run slow, nothing worse.
    }
    return engine;
  });
  return modulePromise;
}

/** Builds the runtime, the context and the prelude once, and keeps a copy of the memory they are in. */
function createEngine(mod: QuickJSWASMModule): Engine {
  const runtime = mod.newRuntime();
  const vm = runtime.newContext();
  const partial = { interrupt: () => false };
  // The handler is installed once, before the copy is taken, and dispatches to the run's own.
  runtime.setInterruptHandler(() => partial.interrupt());
  const ctl = vm.evalCode(PRELUDE, 'orbit-prelude.js');
  if (ctl.error) {
    const message = JSON.stringify(vm.dump(ctl.error));
    throw new Error(`The sandbox prelude failed: ${message}`);
  }
  const fn = {
    configure: vm.getProp(ctl.value, 'configure'),
    start: vm.getProp(ctl.value, 'start'),
    advance: vm.getProp(ctl.value, 'advance'),
    finish: vm.getProp(ctl.value, 'finish'),
  };
  const memory = mod.getWasmMemory();
  const engine: Engine = Object.assign(partial, { mod, runtime, vm, ctl: ctl.value, fn, memory, snapshot: usedPrefix(new Uint8Array(memory.buffer)) });
  return engine;
}

/** A copy of memory up to its last non-zero byte (rounded up to a 64 KiB page): the rest of a
 *  memory nothing has used yet is zeros, which restoring writes without reading a copy. */
function usedPrefix(heap: Uint8Array): Uint8Array {
  // WebAssembly memory is a whole number of 64 KiB pages, so it reads as 32-bit words.
  const words = new Uint32Array(heap.buffer, heap.byteOffset, heap.length >>> 2);
  let end = words.length;
  while (end > 0 && words[end - 1] === 0) end--;
  return heap.slice(0, Math.min(heap.length, Math.ceil((end * 4) / 65536) * 65536));
}

/** Puts the engine's memory back as it was when the prelude had run: every byte up to the end of
 *  what was used then, and zeros in all the rest, including whatever the memory has grown by. */
function restore(engine: Engine): void {
  const heap = new Uint8Array(engine.memory.buffer);
  heap.set(engine.snapshot);
  heap.fill(0, engine.snapshot.length);
}

/** Drops the engine: the next run loads a fresh one, and the old one's memory goes with it. */
function dropModule(): void {
  modulePromise = undefined;
}

/** Loads the WebAssembly engine; runs are synchronous afterwards. */
export async function loadSandbox(): Promise<void> {
  await quickjs();
}

/** Traces one program on one input. Never throws on user code: failures become outcomes. */
export async function traceUnit(
  program: string,
  input: RunInput | JsonValue[],
  limits: Partial<SandboxLimits> = {},
  options: RunOptions = {},
): Promise<Trace> {
  const engine = await quickjs();
  const trace = traceUnitSync(engine, program, Array.isArray(input) ? { args: input } : input, { ...DEFAULT_LIMITS, ...limits }, options);
  // WebAssembly memory never shrinks: after a run that grew it, the next run gets a fresh engine.
  if (modulePromise) recycleIfGrown(engine.mod, dropModule);
  return trace;
}

function traceUnitSync(engine: Engine, program: string, input: RunInput, limits: SandboxLimits, options: RunOptions): Trace {
  // A bare function expression, as model prompts and orbit variants often are, is the entry.
  if (options.unitStart === undefined && !options.entry && /^\s*(\(|async\b|function\b)/.test(program) && isBareFunction(program)) {
    program = `module.exports = ${program}`;
  }
  const prepared = prepare(program, options);
  const inst = prepared.inst;
  if (inst.syntaxError) return { steps: [], effects: [], outcome: { kind: 'throw', error: `SyntaxError: ${inst.syntaxError}` } };
  const entry = prepared.entry;
  let deadline = Date.now() + limits.timeMs;
  const cfg = {
    maxString: 200, maxEffectString: 4000, maxDepth: 4, maxItems: 30,
    maxSteps: limits.maxSteps, maxEffects: limits.maxEffects, maxTraceBytes: limits.maxTraceBytes, maxTimers: limits.maxTimers,
    env: input.env ?? FAKE_ENV, now: input.now ?? ORDINARY_NOW, seed: input.seed ?? 1, argv: input.argv ?? [],
    random: input.random ?? null, repeat: Math.max(0, Math.min(input.repeat ?? 0, 100_000)),
    argsJson: JSON.stringify(input.args), freeNames: options.freeNames ?? [], call: options.call ?? 'function',
    deadline, maxBufferBytes: limits.memoryBytes, maxJsonChars: limits.maxTraceChars,
  };
  const tail = entry ? `\n;return typeof ${entry} === 'function' ? ${entry} : module.exports;` : '\n;return module.exports;';
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${inst.code}${tail}\n})`;

  const { runtime, vm, ctl, fn } = engine;
  let polls = 0;
  let hit: TraceLimit | undefined;
  // Every phase runs with the handler armed: the run on its budget, and writing the trace on a
  // budget of its own (a program can leave traps on the prototypes).
  let phase: 'setup' | 'run' | 'finish' = 'setup';
  let instructions = limits.instructions;
  let finishStopped = false;
  let trace: Trace | undefined;
  try {
    restore(engine);
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    engine.interrupt = () => {
      // Compiling the unit is orbit-ls's own work, bounded; only its time counts.
      if (phase === 'setup') return false;
      polls++;
      const over: TraceLimit | undefined = polls * 10_000 > instructions ? 'instructions' : Date.now() > deadline || options.signal?.aborted ? 'time' : undefined;
      if (over && phase === 'finish') finishStopped = true;
      if (over && phase === 'run') hit ??= over;
      return over !== undefined || (phase === 'run' && hit !== undefined);
    };
    const settings = vm.newString(JSON.stringify(cfg));
    const configured = vm.callFunction(fn.configure, ctl, settings);
    if (configured.error) return failure(`The sandbox could not take the run's settings: ${JSON.stringify(vm.dump(configured.error))}`);

    const compiled = vm.evalCode(wrapper, 'unit.js');
    if (compiled.error) {
      const err = vm.dump(compiled.error) as unknown;
      const limit = hit ?? limitOf(err);
      return limit ? limitTrace(limit) : { steps: [], effects: [], outcome: { kind: 'throw', error: errorText(err) } };
    }
    phase = 'run';
    callAndDrop(vm, fn.start, ctl, compiled.value);
    // Drive promises and the virtual clock until the function settles, nothing is left to run,
    // or a limit is hit.
    let jobsRun = 0;
    for (let round = 0; !hit; round++) {
      if (Date.now() > deadline || options.signal?.aborted) hit = 'time';
      const jobs = runtime.executePendingJobs(1000);
      if (!jobs.error) jobsRun += jobs.value;
      // A promise storm under a long time limit would otherwise run until QuickJS has no room
      // left for its next job and drops the chain without an error, which reads as a return.
      if (jobsRun > MAX_JOBS) hit ??= 'instructions';
      if (hit) break;
      if (runtime.hasPendingJob()) continue;
      const more = callAndDrop(vm, fn.advance, ctl);
      if (more !== true && !runtime.hasPendingJob()) break;
      if (round > limits.maxTimers * 4 + 100) break;
    }
    // Writing the trace gets half the run's budget again, so a run ends within 1.5× its limit.
    phase = 'finish';
    polls = 0;
    instructions = limits.instructions / 2;
    deadline = Date.now() + Math.max(20, limits.timeMs / 2);
    trace = collect(vm, fn.finish, ctl, runtime, limits, () => finishStopped);
  } catch (err) {
    // The engine itself failed (host stack, WebAssembly trap): the next run gets a fresh engine.
    dropModule();
    const message = err instanceof Error ? err.message : String(err);
    trace = /call stack/i.test(message) ? limitTrace('memory') : failure(message);
  } finally {
    // Nothing is freed: the next run starts by restoring the memory, which drops all of it at once.
    engine.interrupt = () => false;
  }
  if (!trace) return failure('The run produced no trace.');
  if (hit) trace.outcome = { kind: 'limit', limit: hit };
  return trace;
}

interface Prepared {
  inst: ReturnType<typeof instrument>;
  entry?: string;
}

/** Instrumented programs by program text and options: a unit runs on many inputs. */
const preparedCache = new Map<string, Prepared>();

function prepare(program: string, options: RunOptions): Prepared {
  const key = `${options.unitStart ?? ''}:${options.unitEnd ?? ''}:${options.entry ?? ''}:${(options.lineMap ?? []).join(',')}\u0000${program}`;
  const hit = preparedCache.get(key);
  if (hit) return hit;
  const plain = instrument(program, { start: options.unitStart, end: options.unitEnd, lineMap: options.lineMap });
  const inst = plain.syntaxError ? plain : { ...plain, code: addTicks(plain.code) };
  const entry = options.entry ?? (options.unitStart === undefined && !inst.syntaxError ? guessEntry(program) : undefined);
  if (preparedCache.size >= 64) preparedCache.delete(preparedCache.keys().next().value as string);
  const value = { inst, entry };
  preparedCache.set(key, value);
  return value;
}

/** Calls a control function; returns its dumped value, or undefined when it threw. */
function callAndDrop(vm: QuickJSContext, fn: QuickJSHandle, self: QuickJSHandle, ...args: QuickJSHandle[]): unknown {
  const r = vm.callFunction(fn, self, ...args);
  if (r.error) {
    r.error.dispose();
    return undefined;
  }
  const v = vm.dump(r.value) as unknown;
  r.value.dispose();
  return v;
}

function collect(vm: QuickJSContext, finish: QuickJSHandle, self: QuickJSHandle, runtime: { setMemoryLimit(n: number): void }, limits: SandboxLimits, stopped: () => boolean): Trace {
  // The run may have used up its heap; give the recorder a little room to write the trace out.
  runtime.setMemoryLimit(limits.memoryBytes + 8 * 1024 * 1024);
  const out = callAndDrop(vm, finish, self);
  // Not a string: writing the trace ran out of its budget or of memory.
  if (typeof out !== 'string') return limitTrace(stopped() ? 'time' : 'memory');
  if (out.length > limits.maxTraceChars + 1024) return failure(`the trace has ${out.length} characters, more than ${limits.maxTraceChars}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch {
    return failure('the trace is not valid JSON');
  }
  const checked = checkTrace(parsed);
  return checked.ok ? checked.trace : failure(checked.error);
}

function limitTrace(limit: TraceLimit): Trace {
  return { steps: [], effects: [], outcome: { kind: 'limit', limit } };
}

/** How a run the sandbox itself could not complete is told apart from the program throwing. */
export const SANDBOX_FAILURE_PREFIX = 'sandbox: ';

function failure(message: string): Trace {
  return { steps: [], effects: [], outcome: { kind: 'throw', error: `${SANDBOX_FAILURE_PREFIX}${message}` } };
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { name?: unknown; message?: unknown };
    return `${String(e.name ?? 'Error')}: ${String(e.message)}`;
  }
  return String(err);
}

function limitOf(err: unknown): TraceLimit | undefined {
  const text = errorText(err);
  if (/out of memory/i.test(text)) return 'memory';
  if (/stack overflow/i.test(text)) return 'memory';
  if (/interrupted/i.test(text)) return 'instructions';
  return undefined;
}

function isBareFunction(program: string): boolean {
  try {
    const ast = acorn.parse(program, { ecmaVersion: 'latest' });
    const st = ast.body[0];
    return ast.body.length === 1 && st.type === 'ExpressionStatement' && /^(ArrowFunctionExpression|FunctionExpression)$/.test(st.expression.type);
  } catch {
    return false;
  }
}

/** The function a bare program defines last at its top level, when it does not export one. */
function guessEntry(program: string): string | undefined {
  if (/\bmodule\.exports\b|\bexports\.\w+\s*=/.test(program)) return undefined;
  let ast: acorn.Program;
  try {
    ast = acorn.parse(program, { ecmaVersion: 'latest', allowReturnOutsideFunction: true });
  } catch {
    return undefined;
  }
  let name: string | undefined;
  for (const st of ast.body) {
    if (st.type === 'FunctionDeclaration' && st.id) name = st.id.name;
    if (st.type === 'VariableDeclaration') {
      for (const d of st.declarations) {
        if (d.id.type === 'Identifier' && d.init && /Function|ArrowFunction/.test(d.init.type)) name = d.id.name;
      }
    }
    if (st.type === 'ClassDeclaration' && st.id) name = undefined;
  }
  return name;
}
