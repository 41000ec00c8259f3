// Clock checks in every loop body and function body of a program, including the module code
// around the unit that statement instrumentation leaves alone. QuickJS asks the host whether to
// stop only every ~10,000 branches or calls; when each of those is an expensive operation (a big
// split or join in a getter, a toString, a callback), that is tens of seconds. `__orbitT()` checks
// the real clock itself, so a run ends within a fraction of its limit wherever its time goes.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

/** The program with `__orbitT()` at the start of every loop body and function body; the program
 *  unchanged when it cannot be parsed (the run then reports the syntax error as before). */
export function addTicks(code: string): string {
  let ast: acorn.Program;
  try {
    ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowHashBang: true });
  } catch {
    return code;
  }
  const inserts: Array<{ pos: number; text: string }> = [];
  const intoBlock = (block: acorn.BlockStatement): void => {
    // After the directive prologue: a call before 'use strict' would make it an ordinary string.
    let pos = block.start + 1;
    for (const st of block.body) {
      if (st.type === 'ExpressionStatement' && (st as acorn.ExpressionStatement).directive !== undefined) pos = st.end;
      else break;
    }
    inserts.push({ pos, text: ';__orbitT();' });
  };
  const loopBody = (body: acorn.Statement): void => {
    if (body.type === 'BlockStatement') return intoBlock(body);
    inserts.push({ pos: body.start, text: '{__orbitT();' }, { pos: body.end, text: '}' });
  };
  walk.full(ast, (node) => {
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const body = (node as acorn.Function).body;
        if (body.type === 'BlockStatement') intoBlock(body as acorn.BlockStatement);
        else inserts.push({ pos: body.start, text: '(__orbitT(), ' }, { pos: body.end, text: ')' });
        break;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        loopBody((node as acorn.ForStatement).body);
        break;
    }
  });
  // Stable order at one position: an opening wrapper after a closing one of the previous node.
  inserts.sort((a, b) => a.pos - b.pos);
  let out = '';
  let at = 0;
  for (const ins of inserts) {
    out += code.slice(at, ins.pos) + ins.text;
    at = ins.pos;
  }
  return out + code.slice(at);
}
