// Several files per worker task, for `check`: a pool in front of the real one that gathers the
// `analyzeStatic` tasks asked for in the same turn of the event loop into `analyzeStaticBatch`
// tasks of up to `filesPerTask` documents. Callers see no difference: each document still gets
// its own outcome, with the same time-out, cancellation and failure semantics as a task of its own.
//
// - Time-out: each document still has `timeoutMs` of its own. The task writes which document it is
//   on into a shared counter; a watchdog here sees a document that has been running for
//   `timeoutMs`, stops the thread (as the pool does for a task of its own) and reports that
//   document alone with the pool's time-out message. Its batch-mates, whose results went down
//   with the thread, are analysed again, together.
// - A document that throws gets its own failed outcome from inside the task; the others are done.
// - A thread that dies (a crash, a limit) loses the whole task: every document of it is analysed
//   again in a task of its own, so the one that kills a thread is reported alone and the others
//   keep their results.
// - Cancellation: a batch runs under its documents' signal (documents are only batched with
//   others under the same signal), so aborting it cancels them all, as it would one by one.
import type { AnalysisPool, RunOptions, TaskOutcome } from './pool';
import type { TaskInput, TaskName, TaskOutput } from '../workers/tasks';

export interface BatchingOptions {
  /** Documents per task; 1 sends each on its own. */
  filesPerTask: number;
  /** Where a document's failure is told (the pool's log line for a task of its own). */
  log?: (message: string) => void;
}

type Outcome = TaskOutcome<TaskOutput<'analyzeStatic'>>;

interface Pending {
  input: TaskInput<'analyzeStatic'>;
  options: RunOptions;
  resolve(outcome: Outcome): void;
}

export function batchingPool(pool: AnalysisPool, options: BatchingOptions): AnalysisPool {
  const perTask = Math.max(1, Math.floor(options.filesPerTask));
  const log = options.log ?? (() => undefined);
  let pending: Pending[] = [];
  let scheduled = false;

  const alone = (p: Pending): void => {
    void pool.run('analyzeStatic', p.input, p.options).then(p.resolve);
  };

  const flush = (): void => {
    scheduled = false;
    const ready = pending;
    pending = [];
    while (ready.length > 0) {
      const first = ready[0];
      // Only documents under the same signal and time-out travel together.
      const group = ready.filter((p) => p.options.signal === first.options.signal && p.options.timeoutMs === first.options.timeoutMs).slice(0, perTask);
      for (const p of group) ready.splice(ready.indexOf(p), 1);
      if (group.length === 1) alone(group[0]);
      else void dispatch(group);
    }
  };

  const dispatch = async (group: Pending[]): Promise<void> => {
    const { signal, timeoutMs } = group[0].options;
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let hung: number | undefined;
    let seen = 0;
    let since = performance.now();
    const watchdog = setInterval(
      () => {
        const at = Atomics.load(progress, 0);
        const now = performance.now();
        if (at !== seen) {
          seen = at;
          since = now;
        } else if (at > 0 && hung === undefined && now - since >= timeoutMs) {
          hung = at - 1;
          stop.abort();
        }
      },
      Math.max(10, Math.min(250, timeoutMs / 20)),
    );
    let outcome: TaskOutcome<TaskOutput<'analyzeStaticBatch'>>;
    try {
      // The pool's own limit is a backstop for a thread that never starts the batch; the watchdog
      // above is what enforces each document's time-out.
      outcome = await pool.run('analyzeStaticBatch', { documents: group.map((p) => withText(p.input)), progress }, { signal: stop.signal, timeoutMs: timeoutMs * (group.length + 1) });
    } finally {
      clearInterval(watchdog);
      signal.removeEventListener('abort', onAbort);
    }
    if (outcome.kind === 'done') {
      outcome.value.forEach((item, i) => {
        if (item.ok) return group[i].resolve({ kind: 'done', value: item.value, elapsedMs: item.elapsedMs });
        log(`orbit-ls: worker task analyzeStatic failed: ${item.message}`);
        group[i].resolve({ kind: 'failed', reason: 'error', message: item.message });
      });
      return;
    }
    if (signal.aborted) return group.forEach((p) => p.resolve({ kind: 'cancelled' }));
    if (hung !== undefined) {
      // The one that hung is reported; the rest go again as a batch, whose watchdog again gives
      // each its own time-out (a second hang among them is found the same way, one per round).
      group[hung].resolve({ kind: 'failed', reason: 'timeout', message: `analysis took longer than ${timeoutMs} ms` });
      const rest = group.filter((_, i) => i !== hung);
      if (rest.length > 1) void dispatch(rest);
      else rest.forEach(alone);
      return;
    }
    if (outcome.kind === 'cancelled') return group.forEach((p) => p.resolve({ kind: 'cancelled' }));
    // The thread died under the batch: each file again on its own, so the one that kills a thread
    // is reported alone and the others keep their results.
    group.forEach(alone);
  };

  return {
    size: pool.size,
    run<K extends TaskName>(name: K, input: TaskInput<K>, runOptions: RunOptions): Promise<TaskOutcome<TaskOutput<K>>> {
      // A document sent as edits must meet the thread that kept its text: it goes alone.
      if (name !== 'analyzeStatic' || perTask === 1 || (input as TaskInput<'analyzeStatic'>).document.text === undefined) return pool.run(name, input, runOptions);
      if (runOptions.signal.aborted) return Promise.resolve({ kind: 'cancelled' });
      return new Promise((resolve) => {
        pending.push({ input: input as TaskInput<'analyzeStatic'>, options: runOptions, resolve: resolve as (o: Outcome) => void });
        if (pending.length >= perTask) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

/** Batched documents carry their text (see `run`); this only says so to the type checker. */
function withText(input: TaskInput<'analyzeStatic'>): { document: TaskInput<'analyzeStatic'>['document'] & { text: string }; options: TaskInput<'analyzeStatic'>['options'] } {
  const { text } = input.document;
  if (text === undefined) throw new Error('a batched document was sent without its text');
  return { document: { ...input.document, text }, options: input.options };
}
