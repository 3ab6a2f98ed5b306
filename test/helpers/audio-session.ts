import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import { voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { VoiceStack } from '../../src/index.js';
import { speechLikeFrames } from '../../src/testing/index.js';

/** The session's microphone, fed by the test. */
export class TestAudioInput extends voice.AudioInput {
  readonly #controller: ReadableStreamDefaultController<AudioFrame>;
  #stopped = false;

  constructor() {
    super();
    let controller!: ReadableStreamDefaultController<AudioFrame>;
    this.multiStream.addInputStream(new ReadableStream<AudioFrame>({ start: (c) => void (controller = c) }) as never);
    this.#controller = controller;
  }

  /** Pushes frames over time (2 ms apart: faster than real time, still a live stream). */
  async speak(frames: readonly AudioFrame[] = speechLikeFrames({ trailingSilenceMs: 1_000 })): Promise<void> {
    for (const frame of frames) {
      if (this.#stopped) return;
      this.#controller.enqueue(frame);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  stop(): void {
    this.#stopped = true;
  }
}

/** One captured frame of the agent's speech, with when it reached the speaker. */
export interface CapturedFrame {
  frame: AudioFrame;
  at: number;
}

/** The session's speaker: keeps every frame, and reports each segment played as soon as it is flushed. */
export class CapturingAudioOutput extends voice.AudioOutput {
  readonly frames: CapturedFrame[] = [];
  #capturing = false;
  #samples = 0;

  constructor(sampleRate?: number) {
    super(sampleRate);
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    this.frames.push({ frame, at: Date.now() });
    this.#samples += frame.samplesPerChannel;
    if (!this.#capturing) {
      this.#capturing = true;
      this.onPlaybackStarted(Date.now());
    }
  }

  override flush(): void {
    super.flush();
    if (!this.#capturing) return;
    this.#finish(false);
  }

  clearBuffer(): void {
    if (this.#capturing) this.#finish(true);
  }

  #finish(interrupted: boolean): void {
    this.#capturing = false;
    const playbackPosition = this.frames.length ? this.#samples / this.frames[0]!.frame.sampleRate : 0;
    setImmediate(() => this.onPlaybackFinished({ playbackPosition, interrupted }));
  }

  get samples(): number {
    return this.#samples;
  }
}

export interface AudioSession {
  session: voice.AgentSession;
  input: TestAudioInput;
  output: CapturingAudioOutput;
  closed: voice.CloseEvent[];
  /** `[role, text]` of every message in the history. */
  messages(): string[][];
  /** Resolves when an assistant message is added (or after `timeoutMs`). */
  nextReply(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A real AgentSession on the stack, with fake audio in and out, attached to the stack. */
export async function startAudioSession(
  stack: VoiceStack,
  options: { turnDetection?: 'stt' | 'vad'; audioInput?: boolean; connOptions?: voice.AgentSessionOptions['connOptions'] } = {},
): Promise<AudioSession> {
  const defaults = stack.sessionOptions();
  const session = new voice.AgentSession({
    ...defaults,
    turnHandling: { turnDetection: options.turnDetection ?? 'stt' },
    // Overrides of the connection options (e.g. a short TTS timeout), on top of the stack's (no session retries).
    ...(options.connOptions && { connOptions: { ...defaults.connOptions, ...options.connOptions } }),
    // The TTS mocks send no word timestamps: take the reply's text from the LLM, not from aligned transcripts.
    useTtsAlignedTranscript: false,
  });
  const detach = stack.attach(session);
  const input = new TestAudioInput();
  const output = new CapturingAudioOutput(stack.tts?.sampleRate);
  if (options.audioInput !== false) session.input.audio = input;
  session.output.audio = output;
  const closed: voice.CloseEvent[] = [];
  session.on(voice.AgentSessionEventTypes.Close, (event) => void closed.push(event));
  const replies: (() => void)[] = [];
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
    if (item.type === 'message' && item.role === 'assistant') for (const resolve of replies.splice(0)) resolve();
  });
  await session.start({ agent: new voice.Agent({ instructions: 'Answer briefly.' }) });
  return {
    session,
    input,
    output,
    closed,
    messages: () => session.history.items.filter((item) => item.type === 'message').map((item) => [item.role, item.textContent ?? '']),
    nextReply: (timeoutMs = 8_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        replies.push(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    close: async () => {
      input.stop();
      detach();
      await session.close();
    },
  };
}
