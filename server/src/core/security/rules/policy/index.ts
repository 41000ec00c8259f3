// The rules that judge how a backend is put together rather than where request data flows:
// credential storage, secrets, tokens, access control, limits and error handling.
import type { Rule } from '../../rule';
import { weakPasswordStorage } from './weak-password-storage';
import { hardcodedSecret } from './hardcoded-secret';
import { jwtMisuse } from './jwt-misuse';
import { insecureRandomness } from './insecure-randomness';
import { brokenAccessControl } from './broken-access-control';
import { unvalidatedNumericInput } from './unvalidated-numeric-input';
import { unhandledException } from './unhandled-exception';
import { csrf } from './csrf';
import { resourceExhaustion } from './resource-exhaustion';
import { unrestrictedUpload } from './unrestricted-upload';
import { insecureDeserialization } from './insecure-deserialization';
import { xxe } from './xxe';
import { permissiveCors } from './permissive-cors';
import { massAssignment } from './mass-assignment';
import { domXss } from './dom-xss';
import { insecureCookie } from './insecure-cookie';
import { errorExposure } from './error-exposure';
import { predictableToken } from './predictable-token';
import { callerControlled } from './caller-controlled';

export const POLICY_RULES: readonly Rule[] = [
  weakPasswordStorage,
  hardcodedSecret,
  jwtMisuse,
  insecureRandomness,
  brokenAccessControl,
  unvalidatedNumericInput,
  unhandledException,
  csrf,
  resourceExhaustion,
  unrestrictedUpload,
  insecureDeserialization,
  xxe,
  permissiveCors,
  massAssignment,
  domXss,
  insecureCookie,
  errorExposure,
  predictableToken,
  callerControlled,
];
