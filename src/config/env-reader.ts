import { urlSchema } from './schema-helpers.js';
import { describe, formatIssue } from './parse-config.js';
import type { ConfigIssue } from '../errors/index.js';

type Env = Record<string, string | undefined>;
/** A config entry as the env presets build it (validated later, with the rest of the config). */
export type Entry = Record<string, unknown> & { provider: string };

/** `entry` with `key` under `field`, when there is a key. */
export const withKey = (entry: Entry, key: string | undefined, field = 'apiKey'): Entry =>
  key === undefined ? entry : { ...entry, [field]: key };

/**
 * Reads variables from `env` (trimmed; empty is unset) and collects every malformed or missing one in `issues`, so
 * that `voiceStackConfigFromEnv()` reports them all at once, each naming the variable and its fix.
 */
export interface EnvReader {
  readonly issues: ConfigIssue[];
  read(name: string): string | undefined;
  /** A URL variable; a malformed one is an issue (and still returned, so that its slot is not silently dropped). */
  url(name: string, example: string): string | undefined;
  /** A boolean variable (1/0, true/false, yes/no, on/off). */
  flag(name: string, fallback?: boolean): boolean;
  /** A variable that takes one of `values` (case-insensitive). */
  oneOf<const T extends string>(name: string, values: readonly T[]): T | undefined;
  missing(name: string, because: string, fix: string): void;
  /**
   * The base URL of a local server from `<slot>_HOST` and `<slot>_PORT` (Vosk for STT, Piper for TTS), when either is
   * set or `wanted` (its provider named in `<slot>_PROVIDER`).
   */
  local(slot: 'STT' | 'TTS', scheme: 'ws' | 'http', defaultPort: number, wanted: boolean): string | undefined;
}

export function createEnvReader(env: Env): EnvReader {
  const issues: ConfigIssue[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  return {
    issues,
    read,
    url(name, example) {
      const value = read(name);
      if (value === undefined) return undefined;
      const result = urlSchema(example).safeParse(value, { reportInput: true });
      if (!result.success) issues.push(...result.error.issues.map((issue) => formatIssue(issue, [name], new Set())));
      return value;
    },
    flag(name, fallback = false) {
      const value = read(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      issues.push({ path: name, message: `expected true or false, got ${describe(value)}. Fix: set ${name}=true or ${name}=false.` });
      return fallback;
    },
    oneOf(name, values) {
      const value = read(name)?.toLowerCase();
      if (value === undefined || (values as readonly string[]).includes(value)) return value as (typeof values)[number] | undefined;
      issues.push({ path: name, message: `expected one of ${values.join(', ')}, got ${describe(value)}. Fix: set ${name}=${values[0]}.` });
      return undefined;
    },
    missing(name, because, fix) {
      issues.push({ path: name, message: `not set, but ${because}. Fix: ${fix}.` });
    },
    local(slot, scheme, defaultPort, wanted) {
      const host = read(`${slot}_HOST`);
      const port = read(`${slot}_PORT`);
      if (!wanted && host === undefined && port === undefined) return undefined;
      if (port !== undefined && !(/^\d+$/.test(port) && Number(port) > 0 && Number(port) < 65_536)) {
        issues.push({
          path: `${slot}_PORT`,
          message: `expected a port number, got ${describe(port)}. Fix: set ${slot}_PORT=${defaultPort}.`,
        });
        return undefined;
      }
      const base = host ?? 'localhost';
      // A host given as a URL (wss://vosk.example.com) keeps its scheme.
      return /^[a-z]+:\/\//i.test(base) ? base : `${scheme}://${base}:${port ?? defaultPort}`;
    },
  };
}

/** What the three slots share: the reader, LiveKit Inference's entry, and whose OpenAI key goes where. */
export interface EnvContext extends EnvReader {
  useInference: boolean;
  /** A LiveKit Inference entry for `model` (`LIVEKIT_INFERENCE_URL`, `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`). */
  inference(model: string): Entry;
  /** The key of OpenAI's cloud, when the plugins may use it. */
  openAIKey: string | undefined;
  /** `OPENAI_API_KEY` when it belongs to the self-hosted server of `OPENAI_BASE_URL`. */
  selfHostedKey: string | undefined;
  openAIBaseURL: string | undefined;
}

/** The context of the three slots; with `LLM_MODE`, `OPENAI_API_KEY` is the realtime model's, not the pipeline's. */
export function createEnvContext(reader: EnvReader, realtimeOwnsOpenAIKey: boolean): EnvContext {
  const { read, url } = reader;
  const openAIKey = read('OPENAI_API_KEY');
  const openAIBaseURL = url('OPENAI_BASE_URL', 'http://localhost:8000/v1');
  return {
    ...reader,
    useInference: reader.flag('USE_LIVEKIT_INFERENCE'),
    openAIKey: realtimeOwnsOpenAIKey ? undefined : openAIKey,
    // A self-hosted server's key goes to all three of its services (one key for LLM, STT and TTS).
    selfHostedKey: openAIBaseURL ? openAIKey : undefined,
    openAIBaseURL,
    inference(model) {
      const entry: Entry = { provider: 'inference', model };
      const baseURL = url('LIVEKIT_INFERENCE_URL', 'https://agent-gateway.livekit.cloud/v1');
      if (baseURL) entry.baseURL = baseURL;
      return withKey(withKey(entry, read('LIVEKIT_API_KEY')), read('LIVEKIT_API_SECRET'), 'apiSecret');
    },
  };
}
