// The piscina worker entry: piscina calls a task by name (`run(input, { name })`) on this module's
// exports, which are exactly the task catalogue. Workers import core (and model) only.
import { tasks } from './tasks';

export = tasks;
