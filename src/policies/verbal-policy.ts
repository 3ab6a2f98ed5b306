import { llm } from '@livekit/agents';
import type { ResolvedVerbalOptions } from '../config/policy-config.js';

/**
 * The spoken error policy of the LLM chain: which holding phrase to say (if any), the apology, and keeping both out
 * of the history the models see.
 *
 * LiveKit serialises speech, so the chain speaks these phrases as part of the pending reply: its stream yields the
 * phrase as the reply's first text. The policy keeps no per-session state: whether a phrase was said recently is read
 * from the conversation itself (the chat context of the turn), so sessions sharing a stack do not silence each other.
 *
 * TTS hook: a sentence tokenizer holds "One moment, please." until the next sentence starts, which would delay the
 * holding phrase's audio until the fallback answers. A TTS stream that sees text for which {@link isSpokenPhrase}
 * (or {@link endsWithSpokenPhrase} on its buffer) is true should flush it at once.
 */
export class VerbalPolicy {
  readonly holding: readonly string[];
  readonly apology: string;
  readonly holdingAfterMs: number;
  readonly minIntervalMs: number;
  readonly #phrases: readonly string[];
  #rotation = 0;

  constructor(options: ResolvedVerbalOptions) {
    this.holding = options.holding;
    this.apology = options.apology;
    this.holdingAfterMs = options.holdingAfterMs;
    this.minIntervalMs = options.minIntervalMs;
    // Longest first, so that a phrase that starts another is not stripped half-way.
    this.#phrases = [...new Set([...options.holding, options.apology])].sort((a, b) => b.length - a.length);
  }

  /**
   * The holding phrase to say now in the conversation `chatCtx`, or `undefined` when every phrase was said within
   * `minIntervalMs`. Phrases rotate: the one after the last said in this conversation comes next.
   */
  pickHolding(chatCtx: llm.ChatContext, now = Date.now()): string | undefined {
    const lastSaid = new Map<string, number>();
    let latest: { phrase: string; at: number } | undefined;
    for (const item of chatCtx.items) {
      if (item.type !== 'message' || item.role !== 'assistant') continue;
      const text = item.textContent?.trimStart() ?? '';
      const phrase = this.holding.find((candidate) => text.startsWith(candidate));
      if (!phrase) continue;
      lastSaid.set(phrase, Math.max(lastSaid.get(phrase) ?? 0, item.createdAt));
      if (!latest || item.createdAt >= latest.at) latest = { phrase, at: item.createdAt };
    }
    const start = latest ? this.holding.indexOf(latest.phrase) + 1 : this.#rotation++;
    for (let offset = 0; offset < this.holding.length; offset++) {
      const phrase = this.holding[(start + offset) % this.holding.length]!;
      const said = lastSaid.get(phrase);
      if (said === undefined || now - said >= this.minIntervalMs) return phrase;
    }
    return undefined;
  }

  /** True when `text` is one of the policy's phrases (holding or apology), whitespace aside. */
  isSpokenPhrase(text: string): boolean {
    const trimmed = text.trim();
    return this.#phrases.includes(trimmed);
  }

  /** True when `text` ends with one of the policy's phrases: a TTS stream should flush its sentence buffer now. */
  endsWithSpokenPhrase(text: string): boolean {
    const trimmed = text.trimEnd();
    return this.#phrases.some((phrase) => trimmed.endsWith(phrase));
  }

  /**
   * `chatCtx` without the policy's phrases in assistant messages (a message left empty is dropped, so the model
   * sees the unanswered question again). Returns `chatCtx` itself when there is nothing to strip.
   */
  stripFromContext(chatCtx: llm.ChatContext): llm.ChatContext {
    // Every turn passes here: the common case (no phrase said) allocates nothing.
    if (!chatCtx.items.some((item) => this.#holdsPhrase(item))) return chatCtx;
    let changed = false;
    const items = chatCtx.items.flatMap((item): llm.ChatItem[] => {
      if (item.type !== 'message' || item.role !== 'assistant') return [item];
      let touched = false;
      const content = item.content.flatMap((part): llm.ChatContent[] => {
        if (typeof part !== 'string') return [part];
        const stripped = this.#strip(part);
        if (stripped === part) return [part];
        touched = true;
        return stripped ? [stripped] : [];
      });
      if (!touched) return [item];
      changed = true;
      if (content.length === 0) return [];
      return [
        llm.ChatMessage.create({
          id: item.id,
          role: item.role,
          content,
          interrupted: item.interrupted,
          createdAt: item.createdAt,
          extra: item.extra,
          metrics: item.metrics,
          ...(item.transcriptConfidence !== undefined && { transcriptConfidence: item.transcriptConfidence }),
        }),
      ];
    });
    return changed ? new llm.ChatContext(items) : chatCtx;
  }

  #holdsPhrase(item: llm.ChatItem): boolean {
    return (
      item.type === 'message' &&
      item.role === 'assistant' &&
      item.content.some((part) => typeof part === 'string' && this.#strip(part) !== part)
    );
  }

  #strip(text: string): string {
    let rest = text.trimStart();
    let stripped = false;
    for (let found = true; found;) {
      found = false;
      for (const phrase of this.#phrases) {
        if (rest.startsWith(phrase)) {
          rest = rest.slice(phrase.length).trimStart();
          stripped = found = true;
          break;
        }
      }
    }
    return stripped ? rest.trimEnd() : text;
  }
}
