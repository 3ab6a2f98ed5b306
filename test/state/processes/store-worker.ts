// A process of its own (as LiveKit runs each call): does one store operation named on the command line, prints JSON.
import { existsSync } from 'node:fs';
import { createMachineStore } from '../../../src/state/create-machine-store.js';

const [operation, dir, ...args] = process.argv.slice(2);
const store = createMachineStore({ dir: dir! });
if (operation === 'lock') {
  // Waits for the start signal (a file) so that every process races for the same locks at once.
  const keys = Number(args[0]);
  process.stdout.write('ready\n');
  while (!existsSync(`${dir}.go`)) await new Promise((resolve) => setTimeout(resolve, 2));
  const won: number[] = [];
  for (let i = 0; i < keys; i++) if (await store.setIfAbsent(`lock:${i}`, process.pid, 60_000)) won.push(i);
  process.stdout.write(`${JSON.stringify(won)}\n`);
} else if (operation === 'set') {
  await store.set(args[0]!, JSON.parse(args[1]!), 60_000);
} else if (operation === 'delete') {
  await store.delete(args[0]!);
} else if (operation === 'write-forever') {
  const big = 'x'.repeat(50_000);
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) await store.set(`entry:${i % 20}`, { i, big }, 60_000);
}
await store.close();
