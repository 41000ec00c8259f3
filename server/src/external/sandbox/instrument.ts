// Statement-level instrumentation with acorn: before each executed statement the line is noted,
// after it the values of the variables it wrote are recorded; dynamic import() is routed to stubs.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

export interface InstrumentOptions {
  /** Only statements inside this range are instrumented (the unit, not the module header). */
  start?: number;
  end?: number;
  /** Maps a 1-based program line to the line reported in the trace (0 keeps the program line). */
  lineMap?: number[];
}

export interface Instrumented {
  code: string;
  /** Set when the program is not valid JavaScript; the run then ends in a throw outcome. */
  syntaxError?: string;
}

const COMPARISONS = new Set(['===', '==', '!==', '!=', '<', '>', '<=', '>=']);

/** At most this many variables are recorded per statement; the rest add little to a state. */
const MAX_WRITES = 8;

/** Instruments a program. Inserted calls are `__orbitL(line)` and `__orbitS(line, {name: value})`,
 *  both defined by the sandbox prelude as non-writable globals. */
export function instrument(program: string, options: InstrumentOptions = {}): Instrumented {
  let ast: acorn.Program;
  try {
    ast = acorn.parse(program, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      locations: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowHashBang: true,
    });
  } catch (err) {
    return { code: program, syntaxError: err instanceof Error ? err.message : String(err) };
  }
  const start = options.start ?? 0;
  const end = options.end ?? program.length;
  // Inserts at one position are ordered by rank: statement wrappers outside, comparison
  // wrappers of larger expressions outside smaller ones.
  const inserts: Array<{ pos: number; text: string; rank: number; order: number }> = [];
  let order = 0;
  const add = (pos: number, text: string, rank = 0): void => {
    inserts.push({ pos, text, rank, order: order++ });
  };
  const lineOf = (node: acorn.Node): number => {
    const l = node.loc?.start.line ?? 0;
    const mapped = options.lineMap?.[l - 1];
    return mapped && mapped > 0 ? mapped : l;
  };

  const visitStatement = (st: acorn.Statement | acorn.ModuleDeclaration, single: boolean): void => {
    if (st.start < start || st.end > end) return;
    if (st.type === 'FunctionDeclaration' || st.type === 'EmptyStatement' || st.type === 'BlockStatement') return;
    if (st.type === 'ExpressionStatement' && (st as acorn.ExpressionStatement).directive) return;
    const line = lineOf(st);
    const simple = st.type === 'ExpressionStatement' || st.type === 'VariableDeclaration' || st.type === 'ClassDeclaration';
    if (single) add(st.start, '{', -3e9);
    if (simple) {
      add(st.start, `__orbitL(${line});`, -2e9);
      const names = writtenNames(st);
      const state = names.map((n) => `${JSON.stringify(n)}: typeof ${n} === 'undefined' ? void 0 : ${n}`).join(', ');
      add(st.end, `;__orbitS(${line}, {${state}});`, 2e9);
    } else {
      add(st.start, `__orbitS(${line}, null);`, -2e9);
    }
    if (single) add(st.end, '}', 3e9);
  };

  walk.full(ast, (node) => {
    switch (node.type) {
      case 'Program':
      case 'BlockStatement':
      case 'StaticBlock':
        for (const st of (node as acorn.BlockStatement).body) visitStatement(st, false);
        break;
      case 'SwitchCase':
        for (const st of (node as acorn.SwitchCase).consequent) visitStatement(st, false);
        break;
      case 'IfStatement': {
        const n = node as acorn.IfStatement;
        visitStatement(n.consequent, true);
        if (n.alternate) visitStatement(n.alternate, true);
        break;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        visitStatement((node as acorn.ForStatement).body, true);
        break;
      case 'BinaryExpression': {
        // a === b becomes __orbitV(a, how) === __orbitW(b, how, op, site): the operands are
        // recorded as a branch condition, the operator and its parentheses stay as written.
        // `how` says where an operand came from when the shape shows it: the length of a value,
        // a date getter's result or an environment variable; __orbitR marks the receiver.
        const n = node as acorn.BinaryExpression;
        if (n.start < start || n.end > end || !COMPARISONS.has(n.operator) || n.left.type === 'PrivateIdentifier') break;
        const size = (x: acorn.Node): number => x.end - x.start;
        const operand = (x: acorn.Expression, open: string, close: string): void => {
          const shape = operandShape(x);
          add(x.start, open, -size(x));
          if (shape.receiver) {
            add(shape.receiver.start, '__orbitR(', -size(shape.receiver));
            add(shape.receiver.end, ')', size(shape.receiver));
          }
          add(x.end, `, ${JSON.stringify(shape.how)}${close}`, size(x));
        };
        operand(n.left as acorn.Expression, '__orbitV(', ')');
        operand(n.right, '__orbitW(', `, ${JSON.stringify(n.operator)}, ${n.start})`);
        break;
      }
    }
  });
  // Dynamic import(x) becomes __orbitImport((x)): cut the `import(` keyword and keep the argument.
  const importCuts: Array<{ from: number; to: number }> = [];
  walk.full(ast, (node) => {
    if (node.type === 'ImportExpression') {
      const src = (node as acorn.ImportExpression).source;
      importCuts.push({ from: node.start, to: src.start });
    }
  });
  let code = '';
  let pos = 0;
  const sorted = inserts.sort((a, b) => a.pos - b.pos || a.rank - b.rank || a.order - b.order);
  const cuts = importCuts.sort((a, b) => a.from - b.from);
  let ci = 0;
  for (const ins of sorted) {
    while (ci < cuts.length && cuts[ci].from < ins.pos) {
      code += program.slice(pos, cuts[ci].from) + '__orbitImport(';
      pos = cuts[ci].to;
      ci++;
    }
    code += program.slice(pos, ins.pos) + ins.text;
    pos = ins.pos;
  }
  while (ci < cuts.length) {
    code += program.slice(pos, cuts[ci].from) + '__orbitImport(';
    pos = cuts[ci].to;
    ci++;
  }
  code += program.slice(pos);
  return { code };
}

const DATE_GETTER = /^get(UTC)?(FullYear|Month|Date|Day|Hours|Minutes|Time)$/;

/** Where a compared operand's value comes from, when its shape says so: `x.length`, a date
 *  getter call `d.getMonth()`, or `process.env.KEY`. */
function operandShape(x: acorn.Expression): { how: string; receiver?: acorn.Node } {
  if (x.type === 'MemberExpression' && !x.computed && x.property.type === 'Identifier' && x.object.type !== 'Super') {
    if (x.property.name === 'length') return { how: 'len', receiver: x.object };
    const o = x.object;
    if (o.type === 'MemberExpression' && !o.computed && o.object.type === 'Identifier' && o.object.name === 'process' && o.property.type === 'Identifier' && o.property.name === 'env') {
      return { how: `env:${x.property.name}` };
    }
  }
  if (x.type === 'MemberExpression' && x.computed && x.property.type === 'Literal' && typeof x.property.value === 'string') {
    const o = x.object;
    if (o.type === 'MemberExpression' && !o.computed && o.object.type === 'Identifier' && o.object.name === 'process' && o.property.type === 'Identifier' && o.property.name === 'env') {
      return { how: `env:${x.property.value}` };
    }
  }
  if (x.type === 'CallExpression' && x.arguments.length === 0 && x.callee.type === 'MemberExpression' && !x.callee.computed && x.callee.property.type === 'Identifier' && x.callee.object.type !== 'Super') {
    if (DATE_GETTER.test(x.callee.property.name)) return { how: `date:${x.callee.property.name.replace('UTC', '')}`, receiver: x.callee.object };
  }
  return { how: '' };
}

/** Names a statement assigns: declared variables, assignment and update targets (the root
 *  variable of a member target). Nested functions are not entered. */
function writtenNames(st: acorn.Node): string[] {
  const names = new Set<string>();
  const fromPattern = (p: acorn.Node | null | undefined): void => {
    if (!p) return;
    switch (p.type) {
      case 'Identifier':
        names.add((p as acorn.Identifier).name);
        break;
      case 'MemberExpression': {
        let o: acorn.Node = p;
        while (o.type === 'MemberExpression') o = (o as acorn.MemberExpression).object;
        if (o.type === 'Identifier') names.add((o as acorn.Identifier).name);
        break;
      }
      case 'ObjectPattern':
        for (const prop of (p as acorn.ObjectPattern).properties) {
          fromPattern(prop.type === 'RestElement' ? prop.argument : prop.value);
        }
        break;
      case 'ArrayPattern':
        for (const el of (p as acorn.ArrayPattern).elements) fromPattern(el);
        break;
      case 'RestElement':
        fromPattern((p as acorn.RestElement).argument);
        break;
      case 'AssignmentPattern':
        fromPattern((p as acorn.AssignmentPattern).left);
        break;
    }
  };
  const visit = (n: acorn.Node): void => {
    if (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration') return;
    if (n.type === 'ClassExpression' || n.type === 'ClassDeclaration') {
      const id = (n as acorn.Class).id;
      if (id && n.type === 'ClassDeclaration') names.add(id.name);
      return;
    }
    if (n.type === 'VariableDeclarator') fromPattern((n as acorn.VariableDeclarator).id);
    if (n.type === 'AssignmentExpression') fromPattern((n as acorn.AssignmentExpression).left);
    if (n.type === 'UpdateExpression') fromPattern((n as acorn.UpdateExpression).argument);
    for (const key of Object.keys(n)) {
      const v = (n as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c)) visit(c);
      } else if (isNode(v)) visit(v);
    }
  };
  visit(st);
  return [...names].filter((n) => !n.startsWith('__orbit')).slice(0, MAX_WRITES);
}

function isNode(v: unknown): v is acorn.Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}
