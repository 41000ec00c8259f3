// CWE-502: request data given to a deserialiser that can build functions — node-serialize's
// unserialize (an IIFE in the payload runs on the server) and js-yaml's unsafe loaders.
import type { Rule } from '../../rule';
import type { CallSite } from '../../facts';
import { cweUrl } from '../../rule';
import { evidence, objectProperty, propertyValue, requestDerived, step } from './util';

export const insecureDeserialization: Rule = {
  meta: {
    id: 'insecure-deserialization',
    cwe: ['CWE-502'],
    defaultSeverity: 'error',
    title: 'Insecure deserialisation',
    description: 'Request data reaches node-serialize unserialize() or a js-yaml loader that builds JavaScript functions; a payload with a function that calls itself runs code on the server. Parse with JSON.parse or yaml.load with the default (safe) schema.',
    docsUrl: cweUrl('CWE-502'),
    hasFix: false,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const what = dangerous(call);
      const input = call.args[0];
      if (!what || !input || !requestDerived(input, ctx.facts)) continue;
      ctx.report({
        node: call.node,
        message: `Request data is deserialised by ${what}, which can revive functions and run them on the server; parse it as JSON instead`,
        taint: evidence([step(input, 'client-controlled data')]),
        sink: `deserialised by ${what}`,
      });
    }
  },
};

function dangerous(call: CallSite): string | undefined {
  const mod = call.callee?.module ?? '';
  if ((mod === 'node-serialize' || (!call.callee && call.qualifier === 'serialize')) && call.name === 'unserialize') return 'node-serialize unserialize()';
  if (mod === 'js-yaml' || (!call.callee && /^(yaml|jsyaml|YAML)$/.test(call.qualifier ?? ''))) {
    if (call.name === 'unsafeLoad' || call.name === 'unsafeLoadAll') return `js-yaml ${call.name}()`;
    if (call.name === 'load' || call.name === 'loadAll') {
      const schema = propertyValue(objectProperty(call.args[1], 'schema'));
      if (schema && /DEFAULT_FULL_SCHEMA|FULL_SCHEMA/.test(schema.getText())) return `js-yaml ${call.name}() with the full schema`;
    }
  }
  return undefined;
}
