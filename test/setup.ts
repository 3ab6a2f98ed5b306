import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeLogger, loggerOptions } from '@livekit/agents';

// LiveKit's constructors need its logger outside `cli.runApp`; keep test output quiet.
if (!loggerOptions()) initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });

// The default machine store is shared by every process of the machine: each test file gets its own directory, so that
// test files, runs (and other checkouts on the machine) never see each other's cooldowns, cache or modes.
mkdirSync(join(tmpdir(), 'lvs-test-state'), { recursive: true });
process.env.LIVEKIT_VOICE_STACK_STATE_DIR = mkdtempSync(join(tmpdir(), 'lvs-test-state', 'run-'));
