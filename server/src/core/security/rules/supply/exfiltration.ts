// CWE-200/CWE-506: sensitive local data (the whole environment, SSH keys, .npmrc, cloud
// credentials, .env, browser and wallet stores at any scope; host and user names and single
// secrets where the code runs at load) reaching a network or DNS call. A named variable read for
// the package's own settings, and identity sent by functions the application calls, are not.
import { cweUrl, type Rule } from '../../rule';
import { asTaint, runsAtLoad, track } from './flow';
import { networkCalls, sinkName, sensitiveSource } from './sources';

export const exfiltration: Rule = {
  meta: {
    id: 'exfiltration',
    cwe: ['CWE-200', 'CWE-506'],
    defaultSeverity: 'error',
    title: 'Exfiltration of local secrets',
    description:
      'Sensitive local data (the whole environment, SSH keys, .npmrc, cloud credentials, .env files, browser and wallet stores, or the host and user names at load) reaches a network or DNS request.',
    docsUrl: cweUrl('CWE-200'),
    hasFix: false,
  },
  check(ctx) {
    const sinks = networkCalls(ctx.facts.calls);
    if (sinks.length === 0) return;
    const atLoad = (n: import('typescript').Node): boolean => runsAtLoad(n, ctx.sourceFile);
    const tracker = track(ctx.sourceFile, (n, t) => sensitiveSource(n, t, atLoad));
    for (const sink of sinks) {
      for (const arg of sink.args) {
        const origin = tracker.originOf(arg);
        if (!origin) continue;
        const what = sinkName(sink);
        ctx.report({ node: arg, message: `Data from ${origin.label} reaches the network request ${what}()`, taint: asTaint(origin), sink: `sent by ${what}()` });
        break;
      }
    }
  },
};
