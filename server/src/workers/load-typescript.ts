// Imported first by the worker entry: TypeScript comes from the build's code cache when it can
// (see code-cache.ts), before any task module requires it.
import { loadTypeScriptFromCache } from './code-cache';

loadTypeScriptFromCache();
