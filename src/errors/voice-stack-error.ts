import { BRAND, BRANDS } from './error-brand.js';
import { installCommand } from './install-command.js';

/** Stable codes for logs and `switch` statements. */
export type VoiceStackErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_UNAVAILABLE'
  | 'MISSING_PACKAGE'
  | 'MISSING_API_KEY'
  | 'PROVIDER_ERROR'
  | 'RETRIES_EXHAUSTED'
  | 'STACK_CLOSED'
  | 'STORE_UNAVAILABLE'
  | 'INVALID_USE'
  | 'LIVEKIT_INCOMPATIBLE';

export interface VoiceStackErrorOptions {
  /** The lower-level error this one wraps. */
  cause?: unknown;
  /** Whether trying again (later, or on another option) can succeed. @default false */
  isRetryable?: boolean;
}

/**
 * Base class of every error this library throws. Use `isInstance` rather than `instanceof`, on this class or any
 * subclass (`ProviderError.isInstance(error)`): it also recognises errors from another copy of the package (the ESM
 * and the CommonJS build loaded side by side, or two installed versions), by a brand per class rather than identity.
 */
export class VoiceStackError extends Error {
  /** @internal */
  static readonly [BRAND]: string = 'VoiceStackError';
  override readonly name: string = 'VoiceStackError';
  readonly code: VoiceStackErrorCode;
  readonly isRetryable: boolean;
  /** @internal */
  declare readonly [BRANDS]: readonly string[];

  constructor(code: VoiceStackErrorCode, message: string, options: VoiceStackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    // Not enumerable: printed errors and logs show the message and fields, not the brands.
    Object.defineProperty(this, BRANDS, { value: brandsOf(new.target) });
  }

  /**
   * True when `error` is an instance of this class (or a subclass), whichever copy of the package threw it:
   * `VoiceStackError.isInstance(e)` for any of our errors, `ProviderError.isInstance(e)` only for provider errors.
   */
  static isInstance<T extends VoiceStackError>(this: abstract new (...args: never) => T, error: unknown): error is T {
    const brands = typeof error === 'object' && error !== null ? (error as { [BRANDS]?: unknown })[BRANDS] : undefined;
    return Array.isArray(brands) && brands.includes((this as unknown as Branded)[BRAND]);
  }
}

type Branded = { readonly [BRAND]?: string };

/** The brands of a class and its ancestors: a subclass without its own brand (a user's) shares its parent's. */
function brandsOf(target: unknown): readonly string[] {
  const brands = new Set<string>();
  for (let type = target as Branded | null; type && type !== (Error as unknown); type = Object.getPrototypeOf(type) as Branded | null) {
    if (Object.hasOwn(type, BRAND)) brands.add(type[BRAND]!);
  }
  return Object.freeze([...brands]);
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
  /** @internal */
  static override readonly [BRAND] = 'ConfigError';
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
  /** @internal */
  static override readonly [BRAND] = 'MissingPackageError';
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
  /** @internal */
  static override readonly [BRAND] = 'MissingAPIKeyError';
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
