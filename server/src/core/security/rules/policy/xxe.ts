// CWE-611: XML parsed with external entities expanded (libxmljs `noent: true`), so a document can
// read local files or reach internal hosts through an entity.
import ts from 'typescript';
import type { Rule } from '../../rule';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { evidence, objectProperty, propertyValue, resolveObject, step } from './util';

const PARSERS = /^(parseXml|parseXmlString|parseXmlAsync|parseHtml|parseHtmlString|parseXmlStringAsync)$/;
const LIBS = /^(libxmljs2?|libxmljs-mt)$/;

export const xxe: Rule = {
  meta: {
    id: 'xxe',
    cwe: ['CWE-611'],
    defaultSeverity: 'error',
    title: 'XML external entities expanded',
    description: 'libxmljs is asked to substitute entities (`noent: true`), so an uploaded or posted XML document can declare an external entity that reads a local file or requests an internal URL; drop the option.',
    docsUrl: cweUrl('CWE-611'),
    hasFix: false,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (!PARSERS.test(call.name)) continue;
      const lib = LIBS.test(call.callee?.module ?? '') || (!call.callee && /^libxml(js)?2?$/i.test(call.qualifier ?? ''));
      if (!lib) continue;
      const options = resolveObject(call.args[1], ctx.facts);
      const noent = propertyValue(objectProperty(options, 'noent'));
      if (!noent || unwrap(noent).kind !== ts.SyntaxKind.TrueKeyword) continue;
      ctx.report({
        node: call.node,
        message: `${call.name}() expands external entities (noent: true), so the XML can read local files or reach internal URLs; remove the option`,
        taint: evidence([step(call.args[0] ?? call.node, 'the XML document'), step(noent, 'entities are substituted')]),
        sink: 'external entities expanded',
      });
    }
  },
};
