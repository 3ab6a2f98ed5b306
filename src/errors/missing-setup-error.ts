import { type MissingAPIKeyError, type MissingPackageError, VoiceStackError } from './voice-stack-error.js';

type SetupProblem = MissingPackageError | MissingAPIKeyError;

/** A missing package or key (by code, so that an adapter's error from another copy of the package counts too). */
function isSetupProblem(error: unknown): error is SetupProblem {
  return VoiceStackError.isInstance(error) && (error.code === 'MISSING_PACKAGE' || error.code === 'MISSING_API_KEY');
}

/**
 * One error for every missing package and key found while creating a stack, so that one run lists them all (like
 * {@link ConfigError} does for config problems). A single problem is thrown as is. Several become a
 * `VoiceStackError` (code `MISSING_PACKAGE` if a package is among them, else `MISSING_API_KEY`) whose message lists
 * each, whose `cause` is an `AggregateError` of them, and that ends with one install command for every package.
 */
function missingSetupError(problems: readonly SetupProblem[]): VoiceStackError {
  if (problems.length === 1) return problems[0]!;
  const packages = [
    ...new Set(problems.flatMap((problem) => (problem.code === 'MISSING_PACKAGE' ? [(problem as MissingPackageError).packageName] : []))),
  ];
  const lines = problems.map((problem) => `  - ${problem.message}`);
  if (packages.length > 1) lines.push(`  Install them all at once: npm install ${packages.join(' ')}`);
  return new VoiceStackError(
    packages.length ? 'MISSING_PACKAGE' : 'MISSING_API_KEY',
    `Failed to create the voice stack (${problems.length} things are missing):\n${lines.join('\n')}`,
    { cause: new AggregateError(problems) },
  );
}

/**
 * What `createVoiceStack()` throws when creating its providers failed: the first error that is not a missing package or
 * key (a bug or a plugin's own failure hides nothing behind a list), else every missing package and key at once.
 */
export function creationError(errors: readonly unknown[]): unknown {
  const other = errors.find((error) => !isSetupProblem(error));
  return other ?? missingSetupError(errors as SetupProblem[]);
}
