// The supply-chain rules: hidden behaviour that runs without being called, found without a run.
import type { Rule } from '../../rule';
import { decodedExecution } from './decoded-execution';
import { exfiltration } from './exfiltration';
import { hiddenHost } from './hidden-host';
import { processAtLoad } from './process-at-load';

export const SUPPLY_CHAIN_RULES: readonly Rule[] = [exfiltration, decodedExecution, processAtLoad, hiddenHost];
