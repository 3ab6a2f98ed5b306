import { MissingPackageError } from '../errors/index.js';

/**
 * Imports an optional peer dependency only when a config uses it. A missing package becomes a
 * {@link MissingPackageError} that names the package and the install command.
 */
export async function loadPlugin<T>(packageName: string, usedBy: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(packageName)) {
      throw new MissingPackageError(packageName, usedBy, error);
    }
    throw error;
  }
}

export const loadOpenAIPlugin = (usedBy: string) =>
  loadPlugin('@livekit/agents-plugin-openai', usedBy, () => import('@livekit/agents-plugin-openai'));
export const loadDeepgramPlugin = (usedBy: string) =>
  loadPlugin('@livekit/agents-plugin-deepgram', usedBy, () => import('@livekit/agents-plugin-deepgram'));
export const loadCartesiaPlugin = (usedBy: string) =>
  loadPlugin('@livekit/agents-plugin-cartesia', usedBy, () => import('@livekit/agents-plugin-cartesia'));
export const loadElevenLabsPlugin = (usedBy: string) =>
  loadPlugin('@livekit/agents-plugin-elevenlabs', usedBy, () => import('@livekit/agents-plugin-elevenlabs'));
