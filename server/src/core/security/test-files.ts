// Test and fixture files: the credentials written there are test data, not deployed secrets, and
// the files a test uploads are the client's side of an upload. Every other rule runs there
// unchanged, because test helpers and fixtures are still code that runs.
import type { RuleLevel } from '../types';

/** test/, tests/, __tests__/, fixtures/, __mocks__/ folders and *.test.* / *.spec.* files. */
const TEST_FILE = /(^|[\\/])(tests?|__tests__|fixtures?|__fixtures__|__mocks__)[\\/]|\.(test|spec)\.[cm]?[jt]sx?$/i;

/** Rules whose findings in a test file describe test data rather than the application. */
const QUIET_IN_TESTS: readonly string[] = ['hardcoded-secret', 'unrestricted-upload'];

export function isTestFile(fileName: string): boolean {
  return TEST_FILE.test(fileName.replace(/^file:\/\//, ''));
}

/** The rule levels for one file: in test files the rules above are off. */
export function levelsForFile(fileName: string, levels: Record<string, RuleLevel>): Record<string, RuleLevel> {
  if (!isTestFile(fileName)) return levels;
  const quiet: Record<string, RuleLevel> = { ...levels };
  for (const id of QUIET_IN_TESTS) quiet[id] = 'off';
  return quiet;
}
