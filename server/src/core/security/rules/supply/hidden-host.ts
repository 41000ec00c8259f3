// CWE-506: a network request to a raw public IP address, or to a host that appears in the code
// only encoded (base64, hex, character codes). Loopback and private addresses (a local dev server)
// and hosts written out in the code (a documented telemetry or registry host) are not.
import { cweUrl, type Rule } from '../../rule';
import { asTaint, track } from './flow';
import { decodedSource, networkCalls, sinkName } from './sources';

/** An IPv4 address as a URL's host, or a string that is only an address (`net.connect(p, '…')`). */
const IPV4 = /(?:\/\/|@)((?:\d{1,3}\.){3}\d{1,3})(?=[:/'"`\s?]|$)|^['"`]((?:\d{1,3}\.){3}\d{1,3})['"`]$/;

export const hiddenHost: Rule = {
  meta: {
    id: 'hidden-network-host',
    cwe: ['CWE-506'],
    defaultSeverity: 'error',
    title: 'Network call to a raw IP or an encoded host',
    description:
      'A request goes to a raw public IP address, or to a host name that appears in the code only encoded: a way to keep a command-and-control server out of reviews and blocklists.',
    docsUrl: cweUrl('CWE-506'),
    hasFix: false,
  },
  check(ctx) {
    const sinks = networkCalls(ctx.facts.calls);
    if (sinks.length === 0) return;
    const tracker = track(ctx.sourceFile, (n) => decodedSource(n));
    for (const sink of sinks) {
      if (sink.name === 'write' || sink.name === 'end' || sink.name === 'send' || sink.name === 'emit') continue;
      const first = sink.args[0];
      if (!first) continue;
      const origin = tracker.originOf(first);
      if (origin) {
        ctx.report({ node: first, message: `The address of this request is ${origin.label}: the host appears in the code only encoded`, taint: asTaint(origin), sink: `requested by ${sinkName(sink)}()` });
        continue;
      }
      for (const arg of sink.args.slice(0, 2)) {
        const m = IPV4.exec(tracker.resolvedText(arg));
        const ip = m?.[1] ?? m?.[2];
        if (!ip || !isPublic(ip)) continue;
        const at = ctx.text.indexOf(ip);
        const written = { span: { start: at, end: at + ip.length }, message: `the address ${ip} is written here` };
        ctx.report({ node: arg, message: `This request goes to the raw IP address ${ip}, not to a named host`, taint: { label: ip, steps: [written], cleansed: 0, direct: false, maybeObject: false }, sink: `requested by ${sinkName(sink)}()` });
        break;
      }
    }
  },
};

function isPublic(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  if (a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) return false;
  return ip.split('.').every((x) => Number(x) <= 255);
}
