import { ConfigError } from '../errors/index.js';
import { FIX } from './schema-helpers.js';

/** The longest organisation id accepted. */
export const MAX_ORGANISATION_ID_LENGTH = 128;

// Letters, digits, `.`, `_`, `:` and `-`, starting with a letter or digit: UUIDs, slugs and `org_123` fit; CR/LF,
// spaces, quotes and slashes (which would forge a log line, a header or a cache key) do not.
const ORGANISATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** What is wrong with `value` as an organisation id ("expected …, got …. Fix: …"), or `undefined` when it is fine. */
export function organisationIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return `expected a non-empty organisation id, got ${value === '' ? 'an empty string' : typeof value}${FIX}pass the id your backend knows the organisation by.`;
  }
  if (value.length > MAX_ORGANISATION_ID_LENGTH) {
    return `expected an organisation id of at most ${MAX_ORGANISATION_ID_LENGTH} characters, got ${value.length}${FIX}pass the organisation's id, not a name or a token.`;
  }
  if (!ORGANISATION_ID.test(value)) {
    const bad = [...value].find((char, index) => !(index === 0 ? /[A-Za-z0-9]/ : /[A-Za-z0-9._:-]/).test(char))!;
    return `expected letters, digits, ".", "_", ":" or "-" (starting with a letter or digit), got ${JSON.stringify(bad)} at position ${value.indexOf(bad)}${FIX}pass the organisation's id as your backend stores it, without spaces or line breaks.`;
  }
  return undefined;
}

/** `value` when it is a valid organisation id; otherwise a {@link ConfigError} naming `where`. The id is never echoed. */
export function assertOrganisationId(value: unknown, where: string, path = 'orgId'): string {
  const problem = organisationIdProblem(value);
  if (problem) throw new ConfigError([{ path, message: problem }], where);
  return value as string;
}
