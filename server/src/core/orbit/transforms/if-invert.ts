// Inverts an if/else: negates the condition and swaps the branches.
import { allNodes, type Node } from '../ast';
import { asBlock, chooseSites, negate, type Transform } from '../transform';

export const ifInvert: Transform = {
  id: 'if-invert',
  summary: 'Negates an if condition and swaps its branches.',
  preconditions: [
    'the if has an else branch; only truthiness of the condition matters, so `!!c` and `c` are interchangeable',
    'comparisons are negated only for ===, !==, == and != (never < or >, which differ on NaN)',
    'both branches are braced in the result, so a nested if cannot capture the wrong else',
  ],
  apply(input) {
    const sites = allNodes(input.program as Node)
      .map(({ node }) => node)
      .filter((n): n is Node & { type: 'IfStatement' } => n.type === 'IfStatement' && n.alternate !== null && n.alternate !== undefined);
    const chosen = chooseSites(sites, input.rng, 2);
    if (chosen.length === 0) return null;
    return {
      edits: chosen.map((n) => ({
        start: n.start,
        end: n.end,
        text: `if (${negate(input, n.test as Node)}) ${asBlock(input, n.alternate as Node)} else ${asBlock(input, n.consequent as Node)}`,
      })),
    };
  },
};
