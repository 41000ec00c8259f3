// Health of the sandbox for `orbit-ls doctor`: loads the WebAssembly engine and traces a tiny
// program whose trace is known, so a broken install is reported with what to do about it.
import { loadSandbox, traceUnit } from './runner';

export interface SandboxHealth {
  ok: boolean;
  detail: string;
  /** What to do when not ok. */
  fix?: string;
}

const PROBE = "function probe(a) { const fs = require('fs'); fs.writeFileSync('/tmp/x', String(a)); return a + 1; }";

/** Runs the tiny program; never throws. */
export async function sandboxHealth(): Promise<SandboxHealth> {
  const started = performance.now();
  try {
    await loadSandbox();
    const t = await traceUnit(PROBE, [41], { timeMs: 2000 });
    const ms = Math.round(performance.now() - started);
    const wrote = t.effects.some((e) => e.kind === 'fs-write' && e.target === '/tmp/x');
    if (t.outcome.kind === 'return' && t.outcome.value === 42 && wrote) {
      return { ok: true, detail: `QuickJS (WebAssembly) loaded and ran a test function with recording stubs in ${ms} ms` };
    }
    return { ok: false, detail: `the test function ran but its trace was wrong (${JSON.stringify(t.outcome)})`, fix: 'Reinstall dependencies with `npm ci` so quickjs-emscripten matches the version orbit-ls was built with.' };
  } catch (err) {
    return {
      ok: false,
      detail: `the QuickJS sandbox could not start: ${err instanceof Error ? err.message : String(err)}`,
      fix: 'Run `npm ci` to install quickjs-emscripten; sandbox checks (orbit.sandbox) are skipped until it loads.',
    };
  }
}
