// CWE-506: a network request to a raw public IP address, or to a host that appears in the code
// only encoded (base64, hex, character codes). Loopback and private addresses (a local dev server)
// and hosts written out in the code (a documented telemetry or registry host) are not.
import ts from 'typescript';
import { cweUrl, type Rule } from '../../rule';
import { asTaint, track } from './flow';
import { decodedSource, networkCalls, sinkName } from './sources';

const IPV4 = /(?:^|[/@'"`\s:])((?:\d{1,3}\.){3}\d{1,3})(?=[:/'"`\s?]|$)/;

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
      const hosts = sink.args.slice(0, 2).map((a) => tracker.resolvedText(a)).join(' ');
      const ip = IPV4.exec(hosts)?.[1];
      if (ip && isPublic(ip) && !ts.isNumericLiteral(first)) ctx.report({ node: first, message: `This request goes to the raw IP address ${ip}, not to a named host` });
    }
  },
};

function isPublic(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  if (a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) return false;
  return ip.split('.').every((x) => Number(x) <= 255);
}
