// The catalogue of worker tasks: name → function. The pool's typed `run` is derived from it.
// To add a task: write workers/tasks/<name>.ts (the file name in kebab-case) exporting a
// function of one structured-clone-safe argument, and add it here under a camelCase name; it
// becomes callable as pool.run('<name>', input, { signal }).
//
// A task's module is loaded on its first call, not when the thread starts: a thread that only
// ever runs the static pass (every `check` thread, the server's typing lane) never loads the
// sandbox, the orbit transforms or QuickJS, which cost each thread about 60 ms of CPU to load.
type TaskModules = {
  analyzeStatic: typeof import('./tasks/analyze-static');
  analyzeStaticBatch: typeof import('./tasks/analyze-static-batch');
  warmUp: typeof import('./tasks/warm-up');
  verifyPrepare: typeof import('./tasks/verify-prepare');
  sandbox: typeof import('./tasks/sandbox');
  checkPackage: typeof import('./tasks/check-package');
  regenerationTargets: typeof import('./tasks/regeneration-targets');
  regenerationPrepare: typeof import('./tasks/regeneration-prepare');
  regenerationCheck: typeof import('./tasks/regeneration-check');
  regenerationVerify: typeof import('./tasks/regeneration-verify');
  moduleSummary: typeof import('./tasks/module-summary');
};

/** The function a task's module exports under the task's name. */
type TaskOf<K extends keyof TaskModules> = TaskModules[K] extends Record<K, infer F> ? F : never;

/** The task `name` exported by the module at `file`, required when first called. */
function lazy<K extends keyof TaskModules>(name: K, file: string): TaskOf<K> {
  let task: ((input: unknown) => unknown) | undefined;
  return ((input: unknown) => (task ??= (require(file) as Record<K, (input: unknown) => unknown>)[name])(input)) as TaskOf<K>;
}

export const tasks = {
  analyzeStatic: lazy('analyzeStatic', './tasks/analyze-static'),
  analyzeStaticBatch: lazy('analyzeStaticBatch', './tasks/analyze-static-batch'),
  warmUp: lazy('warmUp', './tasks/warm-up'),
  verifyPrepare: lazy('verifyPrepare', './tasks/verify-prepare'),
  sandbox: lazy('sandbox', './tasks/sandbox'),
  checkPackage: lazy('checkPackage', './tasks/check-package'),
  regenerationTargets: lazy('regenerationTargets', './tasks/regeneration-targets'),
  regenerationPrepare: lazy('regenerationPrepare', './tasks/regeneration-prepare'),
  regenerationCheck: lazy('regenerationCheck', './tasks/regeneration-check'),
  regenerationVerify: lazy('regenerationVerify', './tasks/regeneration-verify'),
  moduleSummary: lazy('moduleSummary', './tasks/module-summary'),
};

export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
export type TaskInput<K extends TaskName> = Parameters<Tasks[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<Tasks[K]>>;
