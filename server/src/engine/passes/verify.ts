// Model verification as a pass: on save (orbit.verify.trigger "onSave"), after a quiet spell
// ("onIdle"), or by command. It calls the model through the session's model service (backend and
// health gate, shared with regeneration; one of its own when none is given); documents a missing model skipped are verified
// again when it comes back. Its detail is the verification report (scores for the hover).
import type { Finding } from '../../core/types';
import type { Settings } from '../../config/schema';
import type { ModelBackend } from '../model-backend';
import { createModelService, type ModelService } from '../model-service';
import type { BackoffOptions } from '../../external/llm/ollama/availability';
import type { VerifyPrepareInput, VerifyPrepareOutput } from '../../workers/contracts';
import type { ModelGate } from '../verify/model-gate';
import { createVerifier, type Verifier, type VerifyReport } from '../verify/verifier';
import type { Pass, PassHost } from './pass';
import { STATIC_PASS } from './static';
import type { Progress } from '../progress';

export const VERIFY_PASS = 'verify';

export interface VerifyPassDeps {
  /** Workspace-level settings: the backend is built from them. */
  workspaceSettings(signal: AbortSignal): Promise<Settings>;
  /** The static findings of exactly this version; by default the static pass's output. */
  staticFindings?(uri: string, version: number, signal: AbortSignal): Promise<readonly Finding[] | undefined>;
  prepare(input: VerifyPrepareInput, signal: AbortSignal): Promise<VerifyPrepareOutput | undefined>;
  notify(message: string): void;
  log(message: string): void;
  startProgress(title: string): Promise<Progress>;
  env: Record<string, string | undefined>;
  backoff?: BackoffOptions;
  /** The session's model service, shared with regeneration; one of its own when not given. */
  models?: ModelService;
}

export interface VerifyPass extends Pass<VerifyReport> {
  /** Health check of the model at start-up (one message if it is missing). */
  start(): Promise<void>;
}

interface Parts {
  backend: ModelBackend;
  gate: ModelGate;
  verifier: Verifier;
}

export function verificationPass(deps: VerifyPassDeps): VerifyPass {
  const lifetime = new AbortController();
  let host: PassHost | undefined;
  let parts: Promise<Parts> | undefined;

  const ownModels = deps.models === undefined;
  const models = deps.models ?? createModelService(deps);
  // Documents verified while the model was away are verified again now.
  models.onRecovered(() => {
    for (const uri of host?.uris() ?? []) if ((host?.detail(uri) as VerifyReport | undefined)?.skipped) host?.run(uri, 'command');
  });

  const build = (): Promise<Parts> =>
    (parts ??= models.current().then(({ backend, gate }) => ({ backend, gate, verifier: createVerifier({ prepare: deps.prepare, gate, log: deps.log }) })));

  return {
    id: VERIFY_PASS,
    label: 'verification',
    // Suppression comments do not hide verification findings, so no action may offer one.
    codeActions: false,
    runsOn: (event, settings) =>
      event === 'command' || (event === 'save' && settings.verify.trigger === 'onSave') || (event === 'change' && settings.verify.trigger === 'onIdle'),
    delayMs: (event, settings) => (event === 'change' ? settings.verify.idleMs : 0),
    async run({ doc, settings, signal, at, outputOf }) {
      if (doc.language === undefined) return undefined;
      const { verifier, backend } = await build();
      backend.setPreferredKey(doc.uri);
      const statics = (deps.staticFindings ? await deps.staticFindings(doc.uri, doc.version, signal) : (await outputOf(STATIC_PASS))?.findings) ?? [];
      if (signal.aborted) return undefined;
      const progress = await deps.startProgress(`orbit-ls: verifying ${doc.uri.split('/').pop() ?? doc.uri} with the model`);
      try {
        const report = await verifier.verify({ doc, settings, staticFindings: statics, at, onProgress: (m, p) => progress.report(m, p) }, signal);
        if (!report || signal.aborted) return undefined;
        return { output: { findings: report.findings, notices: [] }, detail: report };
      } finally {
        progress.done();
      }
    },
    attach: (h) => void (host = h),
    async start() {
      const { gate } = await build();
      await gate.start(lifetime.signal);
    },
    closed: (uri) => void parts?.then(({ verifier }) => verifier.forget(uri)),
    configurationChanged() {
      // The next verification uses a backend built from the new settings (host, model,
      // concurrency), and the model's health is checked again.
      // A shared service was told by the session (before this call); an own one is told here.
      parts = undefined;
      if (ownModels) models.configurationChanged();
      void build().then(({ gate }) => gate.start(lifetime.signal));
    },
    dispose() {
      lifetime.abort();
      if (ownModels) models.dispose();
    },
  };
}
