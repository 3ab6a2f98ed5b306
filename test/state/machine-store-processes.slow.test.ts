import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMachineStore } from '../../src/state/create-machine-store.js';
import { eventually } from '../helpers/state.js';

const worker = new URL('./processes/store-worker.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lvs-machine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise<string>((resolve) => child.once('exit', () => resolve(output)));
  return { child, exited, output: () => output };
}

describe('the machine store across processes', () => {
  it('gives each lock to exactly one of several racing processes', async () => {
    const lockDir = join(dir, 'locks');
    const racers = [...Array(4)].map(() => run(['lock', lockDir, '200']));
    expect(await eventually(() => racers.every((racer) => racer.output().includes('ready')), 30_000)).toBe(true);
    writeFileSync(`${lockDir}.go`, '');
    const outputs = await Promise.all(racers.map((racer) => racer.exited));
    const won = outputs.flatMap((output) => JSON.parse(output.split('\n')[1]!) as number[]);
    expect(won.sort((a, b) => a - b)).toEqual([...Array(200).keys()]);
  });

  it("sees another process's writes, replacements and deletes through the reads it answers from memory", async () => {
    const viewDir = join(dir, 'view');
    const store = createMachineStore({ dir: viewDir });
    expect(store.get('cooldown:x')).toBeUndefined(); // mirrored as absent from now on
    for (const value of [{ n: 1 }, { n: 2 }, { n: 3 }]) {
      // Same size each time: only the watch (or the file's identity) tells the entries apart.
      await run(['set', viewDir, 'cooldown:x', JSON.stringify(value)]).exited;
      expect(await eventually(() => store.get<{ n: number }>('cooldown:x')?.n === value.n)).toBe(true);
    }
    await run(['delete', viewDir, 'cooldown:x']).exited;
    expect(await eventually(() => store.get('cooldown:x') === undefined)).toBe(true);
    await store.close();
  });

  it('never leaves a torn entry when a writer is killed mid-write', async () => {
    const writeDir = join(dir, 'writes');
    const writer = run(['write-forever', writeDir]);
    // Killed once it has written all 20 entries and is rewriting them.
    const written = () => (existsSync(writeDir) ? readdirSync(writeDir).filter((name) => !name.startsWith('.tmp-')).length : 0);
    expect(await eventually(() => written() >= 20, 30_000)).toBe(true);
    writer.child.kill('SIGKILL');
    await writer.exited;
    const entries = readdirSync(writeDir).filter((name) => !name.startsWith('.tmp-'));
    expect(entries.length).toBeGreaterThan(0);
    for (const name of entries) expect(() => JSON.parse(readFileSync(join(writeDir, name), 'utf8'))).not.toThrow();
    const store = createMachineStore({ dir: writeDir });
    for (let i = 0; i < 20; i++) expect(store.get<{ big: string }>(`entry:${i}`)?.big).toHaveLength(50_000);
    await store.close();
  });
});
