// The worker pool: typed tasks on piscina threads, with cancellation, a per-task time-out and
// failures turned into outcomes, so nothing a worker does can take the server down. Two lanes:
// the typing-time static pass has its own threads, and the slow passes (sandbox, verification)
// run on theirs, so no edit ever waits behind a save.
import * as path from 'node:path';
import type { Piscina as PiscinaPool } from 'piscina';
import type { TaskInput, TaskName, TaskOutput } from '../workers/tasks';

/** How a task ended. A failure is data, never an exception, so callers cannot forget it. */
export type TaskOutcome<T> =
  | { kind: 'done'; value: T; elapsedMs: number }
  | { kind: 'cancelled' }
  | { kind: 'failed'; reason: 'timeout' | 'error'; message: string };

export interface RunOptions {
  signal: AbortSignal;
  /** Longest running time (queueing not counted); the thread is terminated when it is exceeded. */
  timeoutMs: number;
}

export interface PoolStats {
  size: number;
  running: number;
  queued: number;
  completed: number;
  failed: number;
}

export interface AnalysisPool {
  readonly size: number;
  run<K extends TaskName>(name: K, input: TaskInput<K>, options: RunOptions): Promise<TaskOutcome<TaskOutput<K>>>;
  stats(): PoolStats;
  close(): Promise<void>;
}

export interface PoolOptions {
  size: number;
  /** The worker module; tests point this at a misbehaving worker. Defaults to workers/worker.js. */
  filename?: string;
  /**
   * How long a cancelled task that is already running may go on before its thread is terminated.
   * Letting a nearly finished static pass end is cheaper than restarting a thread (which reloads
   * the parser), but a long stale run must not hold a thread that fresh edits are waiting for.
   */
  cancelGraceMs?: number;
  log?: (message: string) => void;
  /** Start the static lane's threads on its first task too (check, whose files may all come from
   *  its cache, need not pay for starting threads it will not use). */
  lazy?: boolean;
}

interface Job {
  name: TaskName;
  input: unknown;
  options: RunOptions;
  settle: (outcome: TaskOutcome<unknown>) => void;
}

/** Tasks that may run for seconds on save or on command; everything else is the typing-time lane. */
const DEEP_TASKS: ReadonlySet<TaskName> = new Set<TaskName>(['sandbox', 'verifyPrepare', 'regenerationVerify']);

/**
 * `options.size` threads for the static lane, started at once, and as many for the deep lane,
 * started when its first task arrives (a session that never saves never starts them).
 */
export function createPool(options: PoolOptions): AnalysisPool {
  let fast = options.lazy ? undefined : createLane(options);
  let deep: AnalysisPool | undefined;
  const lane = (name: TaskName): AnalysisPool => (DEEP_TASKS.has(name) ? (deep ??= createLane(options)) : (fast ??= createLane(options)));
  const idle = { size: 0, running: 0, queued: 0, completed: 0, failed: 0 };
  return {
    size: Math.max(1, Math.floor(options.size)),
    run: (name, input, runOptions) => lane(name).run(name, input, runOptions),
    stats() {
      const a = fast?.stats() ?? { ...idle, size: Math.max(1, Math.floor(options.size)) };
      const b = deep?.stats() ?? idle;
      return { size: a.size, running: a.running + b.running, queued: a.queued + b.queued, completed: a.completed + b.completed, failed: a.failed + b.failed };
    },
    async close() {
      await Promise.all([fast?.close(), deep?.close()]);
    },
  };
}

function createLane(options: PoolOptions): AnalysisPool {
  const size = Math.max(1, Math.floor(options.size));
  const graceMs = options.cancelGraceMs ?? 250;
  const log = options.log ?? (() => undefined);
  // piscina is loaded with the first lane: a `check` served from its cache starts none.
  const { Piscina } = require('piscina') as typeof import('piscina');
  const piscina: PiscinaPool = new Piscina({
    filename: options.filename ?? path.join(__dirname, '..', 'workers', 'worker.js'),
    minThreads: size,
    maxThreads: size,
    idleTimeout: 2 ** 31 - 1,
    concurrentTasksPerWorker: 1,
  });
  piscina.on('error', (err: unknown) => log(`orbit-ls: a worker thread failed outside any task: ${errorText(err)}`));

  // Our own queue in front of piscina: a job handed to piscina is known to be running, which is
  // what lets a cancelled queued job leave silently and a cancelled running one get its grace.
  const queue: Job[] = [];
  let running = 0;
  let completed = 0;
  let failed = 0;
  let closed = false;

  const pump = (): void => {
    while (running < size && queue.length > 0 && !closed) start(queue.shift() as Job);
  };

  const start = (job: Job): void => {
    running++;
    const kill = new AbortController();
    const started = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      kill.abort();
    }, job.options.timeoutMs);
    let grace: NodeJS.Timeout | undefined;
    const onCancel = (): void => {
      job.settle({ kind: 'cancelled' });
      grace = setTimeout(() => kill.abort(), graceMs);
    };
    job.options.signal.addEventListener('abort', onCancel, { once: true });
    piscina
      .run(job.input, { name: job.name, signal: kill.signal })
      .then(
        (value: unknown) => {
          completed++;
          job.settle({ kind: 'done', value, elapsedMs: performance.now() - started });
        },
        (err: unknown) => {
          if (timedOut) {
            failed++;
            job.settle({ kind: 'failed', reason: 'timeout', message: `analysis took longer than ${job.options.timeoutMs} ms` });
          } else if (kill.signal.aborted || job.options.signal.aborted || closed) {
            job.settle({ kind: 'cancelled' });
          } else {
            failed++;
            log(`orbit-ls: worker task ${job.name} failed: ${errorText(err)}`);
            job.settle({ kind: 'failed', reason: 'error', message: errorText(err) });
          }
        },
      )
      .finally(() => {
        clearTimeout(timer);
        if (grace) clearTimeout(grace);
        job.options.signal.removeEventListener('abort', onCancel);
        running--;
        pump();
      });
  };

  return {
    size,
    run<K extends TaskName>(name: K, input: TaskInput<K>, runOptions: RunOptions): Promise<TaskOutcome<TaskOutput<K>>> {
      return new Promise((resolve) => {
        if (runOptions.signal.aborted || closed) return resolve({ kind: 'cancelled' });
        let settled = false;
        const leaveQueue = (): void => {
          const i = queue.indexOf(job);
          if (i >= 0) {
            queue.splice(i, 1);
            job.settle({ kind: 'cancelled' });
          }
        };
        const job: Job = {
          name,
          input,
          options: runOptions,
          settle: (outcome) => {
            if (settled) return;
            settled = true;
            // One signal may serve many jobs (a whole `check` run): do not leave listeners behind.
            runOptions.signal.removeEventListener('abort', leaveQueue);
            resolve(outcome as TaskOutcome<TaskOutput<K>>);
          },
        };
        runOptions.signal.addEventListener('abort', leaveQueue, { once: true });
        queue.push(job);
        pump();
      });
    },
    stats: () => ({ size, running, queued: queue.length, completed, failed }),
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.settle({ kind: 'cancelled' });
      await piscina.destroy();
    },
  };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
