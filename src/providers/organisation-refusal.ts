import { VoiceStackError } from '../errors/index.js';
import { secretVariablesRead } from './entry-env.js';

/** An organisation's entry that could not be built for want of its own key. */
export interface OrganisationRefusal {
  readonly refused: VoiceStackError;
}

/**
 * The refusal of an organisation's entry whose adapter found no key (it was not given the environment's), or
 * `undefined` for any other failure. The message names the organisation, the slot and entry, and the fix.
 */
export function organisationRefusal(
  error: unknown,
  orgId: string,
  where: string,
  read: ReadonlyMap<string, string | undefined>,
): OrganisationRefusal | undefined {
  if (!VoiceStackError.isInstance(error) || error.code !== 'MISSING_API_KEY') return undefined;
  const withheld = secretVariablesRead(read, { withValue: false });
  const platform = withheld.length > 0 ? ` (the platform's ${withheld.join(', ')} is never used for an organisation)` : '';
  return {
    refused: new VoiceStackError(
      'MISSING_API_KEY',
      `Failed to create ${where} of organisation "${orgId}": its record has no key${platform}. Fix: add the organisation's own key to the record's \`secrets\` (e.g. { "apiKey": "…" }) in your backend, or disable the record.`,
      { cause: error },
    ),
  };
}
