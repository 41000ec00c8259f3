// The catalogue of worker tasks: name → function. The pool's typed `run` is derived from it.
// To add a task: write workers/tasks/<name>.ts exporting a function of one structured-clone-safe
// argument, and add it here; it becomes callable as pool.run('<name>', input, { signal }).
import { analyzeStatic } from './tasks/analyzeStatic';
import { regenerationTargets } from './tasks/regenerationTargets';
import { regenerationPrepare } from './tasks/regenerationPrepare';
import { regenerationCheck } from './tasks/regenerationCheck';
import { regenerationVerify } from './tasks/regenerationVerify';
import { sandbox } from './tasks/sandbox';
import { verifyPrepare } from './tasks/verifyPrepare';
import { warmUp } from './tasks/warmUp';
import { checkPackage } from './tasks/checkPackage';

export const tasks = { analyzeStatic, warmUp, verifyPrepare, sandbox, checkPackage, regenerationTargets, regenerationPrepare, regenerationCheck, regenerationVerify };

export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
export type TaskInput<K extends TaskName> = Parameters<Tasks[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<Tasks[K]>>;
