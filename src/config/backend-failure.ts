import { VoiceStackError } from '../errors/index.js';

/**
 * What a failed backend request means for the organisation's config:
 * - `down`: network error, timeout, 408, 429 or 5xx. Transient: a cached entry is served, else the env config (when
 *   `envFallback` is on).
 * - `refused`: 401, another 4xx, or an answer that is not a valid list of records. The backend is up and said no to
 *   us: an error that says what to fix; a cached entry is still served (the organisation did not change), the env
 *   config never is.
 * - `gone`: 403 (the organisation is forbidden, e.g. switched off) or 404 (the backend does not know it). The
 *   cached entry is dropped, and the error says so; the env config is never used.
 */
export type BackendFailureKind = 'down' | 'refused' | 'gone';

const KIND = Symbol.for('livekit-voice-stack.backend-failure');

/** The kind of a backend HTTP status (only called for non-2xx). */
function backendFailureKindOf(status: number): BackendFailureKind {
  if (status >= 500 || status === 408 || status === 429) return 'down';
  if (status === 403 || status === 404) return 'gone';
  return 'refused';
}

/** The kind an error from the backend was tagged with; an untagged error (a bug, a store fault) counts as `down`. */
export function backendFailureKind(error: unknown): BackendFailureKind {
  const kind = (error as { [KIND]?: BackendFailureKind } | null)?.[KIND];
  if (kind) return kind;
  return VoiceStackError.isInstance(error) && error.code === 'CONFIG_INVALID' ? 'refused' : 'down';
}

/** Tags `error` with `kind` (so the resolver, and the fleet's backoff record, know what it means). */
export function withBackendFailureKind<E extends Error>(error: E, kind: BackendFailureKind): E {
  Object.defineProperty(error, KIND, { value: kind, enumerable: false, configurable: true });
  return error;
}

/** The error for a backend answer with a non-2xx status: what it means and what to fix. `what` names the request. */
export function backendStatusError(status: number, what: string): VoiceStackError {
  const kind = backendFailureKindOf(status);
  const [reason, fix] =
    status === 401
      ? ["the backend refused the resolver's key", "set the resolver's `apiKey` to a key your backend accepts"]
      : status === 403
        ? [
            'the backend forbids this organisation; its cached config was dropped',
            "enable the organisation in your backend, or give the resolver's key access to it",
          ]
        : status === 404
          ? [
              'the backend does not know this organisation; its cached config was dropped',
              "check the organisation id, and that the resolver's `url` is the backend's base URL",
            ]
          : kind === 'down'
            ? ['the backend is unavailable', 'check that the backend is up, or turn on `envFallback`']
            : ['the backend rejected the request', "check the resolver's `url` and the backend's logs"];
  return withBackendFailureKind(
    new VoiceStackError('CONFIG_UNAVAILABLE', `Failed to load ${what}: ${reason} (HTTP ${status}). Fix: ${fix}.`, {
      isRetryable: kind === 'down',
    }),
    kind,
  );
}
