// Task functions for callers that run them on their own thread: regeneration's local checks (tests
// and the evaluation) and tools that verify a body directly. The editor runs the same functions as
// pool tasks (workers/tasks.ts); outside workers/, nothing imports a task file itself.
export { regenerationPrepare } from './tasks/regeneration-prepare';
export { regenerationCheck } from './tasks/regeneration-check';
export { regenerationVerify, verifyBody } from './tasks/regeneration-verify';
