// The registry of orbit transforms, in the order users see them listed.
import type { Transform } from '../transform';
import { arrowFunction } from './arrow-function';
import { commentInsert } from './comment-insert';
import { commentStrip } from './comment-strip';
import { compoundAssign } from './compound-assign';
import { concatTemplate } from './concat-template';
import { constFold } from './const-fold';
import { deadCode } from './dead-code';
import { earlyReturn } from './early-return';
import { forOfIndex } from './for-of-index';
import { forWhile } from './for-while';
import { format } from './format';
import { ifInvert } from './if-invert';
import { renameLocals } from './rename-locals';
import { reorder } from './reorder';
import { temporaries } from './temporaries';
import { ternaryIf } from './ternary-if';

export const TRANSFORMS: readonly Transform[] = [
  renameLocals, commentStrip, commentInsert, format, reorder, forWhile, forOfIndex, ifInvert,
  ternaryIf, earlyReturn, arrowFunction, deadCode, constFold, concatTemplate, compoundAssign, temporaries,
];

export function transformById(id: string): Transform | undefined {
  return TRANSFORMS.find((t) => t.id === id);
}
