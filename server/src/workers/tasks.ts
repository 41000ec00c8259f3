// The catalogue of worker tasks: name → function. The pool's typed `run` is derived from it.
// To add a task: write workers/tasks/<name>.ts (the file name in kebab-case) exporting a
// function of one structured-clone-safe argument, and add it here under a camelCase name; it
// becomes callable as pool.run('<name>', input, { signal }).
import { analyzeStatic } from './tasks/analyze-static';
import { analyzeStaticBatch } from './tasks/analyze-static-batch';
import { regenerationTargets } from './tasks/regeneration-targets';
import { regenerationPrepare } from './tasks/regeneration-prepare';
import { regenerationCheck } from './tasks/regeneration-check';
import { regenerationVerify } from './tasks/regeneration-verify';
import { sandbox } from './tasks/sandbox';
import { verifyPrepare } from './tasks/verify-prepare';
import { warmUp } from './tasks/warm-up';
import { checkPackage } from './tasks/check-package';
import { moduleSummary } from './tasks/module-summary';

export const tasks = { analyzeStatic, analyzeStaticBatch, warmUp, verifyPrepare, sandbox, checkPackage, regenerationTargets, regenerationPrepare, regenerationCheck, regenerationVerify, moduleSummary };

export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
export type TaskInput<K extends TaskName> = Parameters<Tasks[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<Tasks[K]>>;
