// Returning the sandbox's memory. QuickJS runs in one WebAssembly instance per thread, and
// WebAssembly memory grows but never shrinks: one run that allocated hundreds of megabytes (up to
// the heap limit, or in buffers) would keep them for the life of the thread. After such a run the
// instance is dropped, so the next run loads a fresh one and the old memory is collected.
import type { QuickJSWASMModule } from 'quickjs-emscripten';

/** Memory an instance may hold before it is replaced; a fresh one starts at 16 MiB, and ordinary
 *  runs under the default 32 MiB heap limit stay below this. */
export const RECYCLE_ABOVE_BYTES = 96 * 1024 * 1024;

let recycled = 0;

/** Calls `drop` when the instance's memory has grown past RECYCLE_ABOVE_BYTES. */
export function recycleIfGrown(mod: QuickJSWASMModule, drop: () => void, limit = RECYCLE_ABOVE_BYTES): boolean {
  let bytes: number;
  try {
    bytes = mod.getWasmMemory().buffer.byteLength;
  } catch {
    return false;
  }
  if (bytes <= limit) return false;
  recycled++;
  drop();
  return true;
}

/** How many instances this thread has replaced (shown in benchmarks and tests). */
export function recycledModules(): number {
  return recycled;
}
