// The piscina worker entry: piscina calls a task by name (`run(input, { name })`) on this module's
// exports, which are exactly the task catalogue. Workers import core (and model) only.
import './load-typescript';
import { tasks } from './tasks';

// A worker thread's stdout is piped into the main thread's stdout, which is the LSP transport when
// the server runs over stdio. Anything a library prints there would corrupt the protocol, so this
// thread's stdout is redirected to stderr before any task runs.
Object.defineProperty(process.stdout, 'write', { value: process.stderr.write.bind(process.stderr) });

export = tasks;
