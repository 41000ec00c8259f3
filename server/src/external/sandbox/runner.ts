// Runs one program inside QuickJS (WebAssembly) with recording stubs and returns its Trace. Nothing
// from the host crosses in: the prelude, the program and the inputs go in as source text and JSON,
// and the trace comes back as a JSON string. Every run gets a fresh runtime with hard limits.
import { newQuickJSWASMModule, type QuickJSContext, type QuickJSHandle, type QuickJSWASMModule } from 'quickjs-emscripten';
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

let modulePromise: Promise<QuickJSWASMModule> | undefined;
function quickjs(): Promise<QuickJSWASMModule> {
  modulePromise ??= newQuickJSWASMModule().then((mod) => {
    // An engine's first run is several times slower than the next (the prelude's first
    // evaluation, the host side's first calls) and can hit a run's time limit; one small run
    // here keeps that cost out of every caller's first real run.
    try {
      traceUnitSync(mod, 'function warm(a) { return a + 1; }', { args: [1], env: FAKE_ENV, seed: 7 }, DEFAULT_LIMITS, {});
    } catch {
      // A failing warm-up leaves the first real run slow, nothing worse.
    }
    return mod;
  });
  return modulePromise;
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
  const mod = await quickjs();
  const trace = traceUnitSync(mod, program, Array.isArray(input) ? { args: input } : input, { ...DEFAULT_LIMITS, ...limits }, options);
  // WebAssembly memory never shrinks: after a run that grew it, the next run gets a fresh engine.
  if (modulePromise) recycleIfGrown(mod, dropModule);
  return trace;
}

function traceUnitSync(mod: QuickJSWASMModule, program: string, input: RunInput, limits: SandboxLimits, options: RunOptions): Trace {
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
  const prelude = `(function () { 'use strict';\nvar CFG = ${JSON.stringify(cfg)};\n${PRELUDE_RECORD}\n${PRELUDE_BOUNDS}\n${PRELUDE_PURE}\n${PRELUDE_STUBS}\n${LAZY_PRELUDE}\n${PRELUDE_DRIVER}\nreturn control; })()`;
  const tail = entry ? `\n;return typeof ${entry} === 'function' ? ${entry} : module.exports;` : '\n;return module.exports;';
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${inst.code}${tail}\n})`;

  const runtime = mod.newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.stackBytes);
  let polls = 0;
  let hit: TraceLimit | undefined;
  // Every phase runs with the handler armed: the run on its budget, writing the trace on a budget
  // of its own (a program can leave traps on the prototypes), and draining interrupts everything.
  let phase: 'setup' | 'run' | 'finish' | 'drain' = 'setup';
  let instructions = limits.instructions;
  let finishStopped = false;
  runtime.setInterruptHandler(() => {
    if (phase === 'drain') return true;
    // The prelude and compiling the unit are orbit-ls's own code, bounded; only their time counts.
    if (phase === 'setup') return false;
    polls++;
    const over: TraceLimit | undefined = polls * 10_000 > instructions ? 'instructions' : Date.now() > deadline || options.signal?.aborted ? 'time' : undefined;
    if (over && phase === 'finish') finishStopped = true;
    if (over && phase === 'run') hit ??= over;
    return over !== undefined || (phase === 'run' && hit !== undefined);
  });
  const vm = runtime.newContext();
  const handles: QuickJSHandle[] = [];
  let trace: Trace | undefined;
  let poisoned = false;
  try {
    const ctl = vm.evalCode(prelude, 'orbit-prelude.js');
    if (ctl.error) {
      handles.push(ctl.error);
      return failure(`The sandbox prelude failed: ${JSON.stringify(vm.dump(ctl.error))}`);
    }
    handles.push(ctl.value);
    const fnStart = vm.getProp(ctl.value, 'start');
    const fnAdvance = vm.getProp(ctl.value, 'advance');
    const fnFinish = vm.getProp(ctl.value, 'finish');
    const fnSettled = vm.getProp(ctl.value, 'isSettled');
    handles.push(fnStart, fnAdvance, fnFinish, fnSettled);

    const compiled = vm.evalCode(wrapper, 'unit.js');
    if (compiled.error) {
      const err = vm.dump(compiled.error) as unknown;
      compiled.error.dispose();
      const limit = hit ?? limitOf(err);
      return limit ? limitTrace(limit) : { steps: [], effects: [], outcome: { kind: 'throw', error: errorText(err) } };
    }
    handles.push(compiled.value);
    phase = 'run';
    callAndDrop(vm, fnStart, ctl.value, compiled.value);
    // Drive promises and the virtual clock until the function settles, nothing is left to run,
    // or a limit is hit.
    let jobsRun = 0;
    for (let round = 0; !hit; round++) {
      if (Date.now() > deadline || options.signal?.aborted) hit = 'time';
      const jobs = runtime.executePendingJobs(1000);
      if (jobs.error) jobs.error.dispose();
      else jobsRun += jobs.value;
      // A promise storm under a long time limit would otherwise run until QuickJS has no room
      // left for its next job and drops the chain without an error, which reads as a return.
      if (jobsRun > MAX_JOBS) hit ??= 'instructions';
      if (hit) break;
      if (runtime.hasPendingJob()) continue;
      const more = callAndDrop(vm, fnAdvance, ctl.value);
      if (more !== true && !runtime.hasPendingJob()) break;
      if (round > limits.maxTimers * 4 + 100) break;
    }
    // Writing the trace gets half the run's budget again, so a run ends within 1.5× its limit.
    phase = 'finish';
    polls = 0;
    instructions = limits.instructions / 2;
    deadline = Date.now() + Math.max(20, limits.timeMs / 2);
    trace = collect(vm, fnFinish, ctl.value, runtime, limits, () => finishStopped);
  } catch (err) {
    // The engine itself failed (host stack, WebAssembly trap): its state cannot be trusted, so
    // the next run gets a fresh engine and this one is dropped without freeing.
    poisoned = true;
    dropModule();
    const message = err instanceof Error ? err.message : String(err);
    trace = /call stack/i.test(message) ? limitTrace('memory') : failure(message);
  } finally {
    phase = 'drain';
    if (!poisoned) {
      try {
        // Jobs still queued (a promise storm) keep objects alive and QuickJS refuses to free a
        // runtime with live objects; interrupting every remaining job empties the queue.
        for (let i = 0; i < 100 && runtime.hasPendingJob(); i++) {
          const r = runtime.executePendingJobs(-1);
          if (r.error) r.error.dispose();
        }
        for (const h of handles) if (h.alive) h.dispose();
        vm.dispose();
        runtime.dispose();
      } catch {
        // A runtime that hit a limit can refuse to be freed cleanly; use a new engine next time.
        dropModule();
      }
    }
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
