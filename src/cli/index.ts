#!/usr/bin/env node
// The `livekit-voice-stack` binary: `doctor` and `config` (see docs/operations.md).
const [command] = process.argv.slice(2);
console.error(`livekit-voice-stack: unknown command "${command ?? ''}". Commands: doctor, config.`);
process.exitCode = 2;
