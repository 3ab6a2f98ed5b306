import { describe, expect, it } from 'vitest';
import { terminalLogger } from '../../src/config/terminal-logger.js';

describe('terminalLogger: what LiveKit and the stack print when the library set up the logger', () => {
  it('one readable line per call, pino-style arguments, secrets masked, below the level dropped', () => {
    const lines: string[] = [];
    const root = terminalLogger({ level: 'warn', write: (line) => void lines.push(line) });
    const ours = root.child({ name: 'livekit-voice-stack' });
    ours.warn({ label: 'openrouter/a', statusCode: 429, nested: { big: true } }, 'LLM option openrouter/a failed');
    root.child({ jobID: 'job-1' }).error({ error: new Error('socket hang up') }, 'TTS stream failed');
    root.error(new Error('Authorization: Bearer sk' + '-live-0123456789abcdef'));
    ours.info('voice stack ready');
    root.warn({ 'lk.pii.user_input': 'my card number' }, 'skipping user input, speech scheduling is paused');
    expect(lines).toEqual([
      'livekit-voice-stack warn: LLM option openrouter/a failed (label=openrouter/a, statusCode=429)\n',
      'livekit error: TTS stream failed: socket hang up (jobID=job-1)\n',
      'livekit error: Authorization: Bearer ••••\n',
    ]);
    root.level = 'debug'; // children follow
    ours.info('now shown');
    expect(lines.at(-1)).toBe('livekit-voice-stack info: now shown\n');
    expect(ours.isLevelEnabled('debug')).toBe(true);
  });
});
