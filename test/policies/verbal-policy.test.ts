import { llm } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { VerbalPolicy } from '../../src/policies/verbal-policy.js';

describe('VerbalPolicy', () => {
  const policy = () =>
    new VerbalPolicy({
      holding: ['One moment.', 'Just a second.'],
      apology: 'Sorry.',
      notHearing: 'I cannot hear you.',
      holdingAfterMs: 1_200,
      minIntervalMs: 10_000,
    });
  const history = (...assistant: [string, number][]) => {
    const chatCtx = llm.ChatContext.empty();
    for (const [text, createdAt] of assistant) {
      chatCtx.addMessage({ role: 'user', content: 'question', createdAt: createdAt - 1 });
      chatCtx.addMessage({ role: 'assistant', content: text, createdAt });
    }
    return chatCtx;
  };

  it('rotates the phrases and never repeats one within minIntervalMs in a conversation', () => {
    const now = 100_000;
    expect(policy().pickHolding(history(), now)).toBe('One moment.');
    expect(policy().pickHolding(history(['One moment. Hi.', now - 1_000]), now)).toBe('Just a second.');
    expect(policy().pickHolding(history(['One moment. Hi.', now - 2_000], ['Just a second. Hi.', now - 1_000]), now)).toBeUndefined();
    expect(policy().pickHolding(history(['One moment. Hi.', now - 20_000], ['Just a second. Hi.', now - 1_000]), now)).toBe('One moment.');
  });

  it('keeps its phrases out of the context the models see, and leaves a clean context untouched', () => {
    const chatCtx = history(['One moment. Paris is sunny.', 1_000], ['One moment. Sorry.', 2_000]);
    const stripped = policy().stripFromContext(chatCtx);
    expect(stripped.items.map((item) => (item.type === 'message' ? `${item.role}: ${item.textContent}` : item.type))).toEqual([
      'user: question',
      'assistant: Paris is sunny.',
      'user: question',
    ]);
    const clean = history(['Paris is sunny.', 1_000]);
    expect(policy().stripFromContext(clean)).toBe(clean);
  });

  it('tells a TTS stream when to flush', () => {
    expect(policy().isSpokenPhrase(' One moment. ')).toBe(true);
    expect(policy().endsWithSpokenPhrase('Hello. One moment. ')).toBe(true);
    expect(policy().endsWithSpokenPhrase('Hello there')).toBe(false);
  });
});
