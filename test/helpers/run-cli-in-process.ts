import { main } from '../../src/cli/index.js';

/** Runs the CLI in this process (msw and fake envs apply), capturing what it writes. */
export async function runCliInProcess(
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stream = (append: (text: string) => void) =>
    ({
      write: (text: string) => {
        append(String(text));
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  const io = {
    stdout: stream((text) => (stdout += text)),
    stderr: stream((text) => (stderr += text)),
    env: { NO_COLOR: '1', ...env },
  } as unknown as NonNullable<Parameters<typeof main>[1]>;
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
