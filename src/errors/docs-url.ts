/** The repository, as package.json's `repository`, `homepage` and `bugs` name it. */
const REPOSITORY_URL = 'https://github.com/livekit-voice-stack/livekit-voice-stack';

/**
 * The published page of `docs/<page>` (with an optional `#anchor`): error messages and the CLI link here, since the
 * npm package ships no docs/ folder.
 */
export const docsUrl = (page: string): string => `${REPOSITORY_URL}/blob/main/docs/${page}`;
