import { installCommand } from './install-command.js';

const MARKER = Symbol.for('livekit-voice-stack.error');

/** Stable codes for logs and `switch` statements. */
export type VoiceStackErrorCode =
  'CONFIG_INVALID' | 'CONFIG_UNAVAILABLE' | 'MISSING_PACKAGE' | 'MISSING_API_KEY' | 'PROVIDER_ERROR' | 'RETRIES_EXHAUSTED' | 'STACK_CLOSED';

export interface VoiceStackErrorOptions {
  /** The lower-level error this one wraps. */
  cause?: unknown;
  /** Whether trying again (later, or on another option) can succeed. @default false */
  isRetryable?: boolean;
}

/**
 * Base class of every error this library throws. Use {@link VoiceStackError.isInstance} rather than
 * `instanceof`: it also recognises errors from another copy of the package (ESM and CJS builds).
 */
export class VoiceStackError extends Error {
  override readonly name: string = 'VoiceStackError';
  readonly code: VoiceStackErrorCode;
  readonly isRetryable: boolean;
  private readonly [MARKER] = true;

  constructor(code: VoiceStackErrorCode, message: string, options: VoiceStackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** True for any error thrown by livekit-voice-stack, whichever copy of the package threw it. */
  static isInstance(error: unknown): error is VoiceStackError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** One problem found in a config. */
export interface ConfigIssue {
  /** Where the problem is, e.g. `llm[1].baseURL`. */
  path: string;
  /** What is wrong and how to fix it. Never contains a secret. */
  message: string;
}

/** The config given to `createVoiceStack()` (or built from env / a backend) is invalid. */
export class ConfigError extends VoiceStackError {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source = 'createVoiceStack()') {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
    super('CONFIG_INVALID', `Failed to read the config passed to ${source} (${count}):\n${lines.join('\n')}`);
    this.issues = issues;
  }
}

/** An optional peer dependency (a LiveKit plugin) that the config needs is not installed. */
export class MissingPackageError extends VoiceStackError {
  override readonly name = 'MissingPackageError';
  readonly packageName: string;

  constructor(packageName: string, usedBy: string, cause?: unknown) {
    super(
      'MISSING_PACKAGE',
      `Failed to load ${packageName}, which ${usedBy} needs: it is not installed. Fix: ${installCommand(packageName)}`,
      {
        cause,
      },
    );
    this.packageName = packageName;
  }
}

/** A provider needs an API key and none was given in the config or the environment. */
export class MissingAPIKeyError extends VoiceStackError {
  override readonly name = 'MissingAPIKeyError';
  readonly envVariable: string | undefined;

  constructor(where: string, field: string, envVariable?: string) {
    const fix = envVariable
      ? `set \`${field}\` in the config entry or the ${envVariable} environment variable`
      : `set \`${field}\` in the config entry`;
    super('MISSING_API_KEY', `Failed to create ${where}: no \`${field}\` was given. Fix: ${fix}.`);
    this.envVariable = envVariable;
  }
}
