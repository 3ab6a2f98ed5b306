import { inference } from '@livekit/agents';
import type { Logger } from '../../config/logger.js';

type InferenceSTTOptions = ConstructorParameters<typeof inference.STT<string>>[0];

/**
 * `inference.STT` whose WebSocket `message` handlers cannot throw into the `ws` event loop. In agents 1.9 the handler
 * parses every frame with `JSON.parse` and writes it into a stream channel; a throw there is an uncaught exception
 * that ends the process: a non-JSON frame on any Node version, and on Node 20 the `session.closed` that the
 * gateway sends after the client's `session.close` (reference §2.6). Such a frame is dropped and logged instead.
 */
export class GuardedInferenceSTT extends inference.STT<string> {
  readonly #logger: Logger;

  constructor(options: InferenceSTTOptions, logger: Logger) {
    super(options);
    this.#logger = logger;
  }

  override async connectWs(timeout: number): ReturnType<inference.STT<string>['connectWs']> {
    const socket = await super.connectWs(timeout);
    const on = socket.on.bind(socket) as (event: string, listener: (...args: unknown[]) => void) => typeof socket;
    const logger = this.#logger;
    (socket as { on: unknown }).on = (event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'message') return on(event, listener);
      return on(event, (...args: unknown[]) => {
        try {
          listener(...args);
        } catch (error) {
          logger.warn('Dropped a LiveKit Inference STT message that the client could not handle', { error: String(error) });
        }
      });
    };
    return socket;
  }
}
