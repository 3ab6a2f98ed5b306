/**
 * How long a synchronous `run` holds the event loop, in ms of CPU time: the least of three runs. CPU time, not the
 * wall clock, which on a loaded machine also counts the other processes; the least, so a GC pause is not counted.
 * For parsers of outside input, which must not block a call for more than 100 ms whatever they are fed.
 */
export function blockedMs(run: () => void): number {
  let least = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    run();
    const { user, system } = process.cpuUsage(start);
    least = Math.min(least, (user + system) / 1000);
  }
  return least;
}
