// The rules that judge how a backend is put together rather than where request data flows:
// credential storage, secrets, tokens, access control, limits and error handling.
import type { Rule } from '../../rule';

export const POLICY_RULES: readonly Rule[] = [];
