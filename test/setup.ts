import { initializeLogger, loggerOptions } from '@livekit/agents';

// LiveKit's constructors need its logger outside `cli.runApp`; keep test output quiet.
if (!loggerOptions()) initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });
