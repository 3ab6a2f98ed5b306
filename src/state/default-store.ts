import { createMachineStore } from './create-machine-store.js';
import type { StateStore } from './state-store.js';

let machine: StateStore | undefined;

/**
 * The store used when none is given: one machine store per process (its default directory), shared by the stacks,
 * resolvers and mode controllers of the process, and through its files with every other process on the machine.
 */
export function defaultStore(): StateStore {
  return (machine ??= createMachineStore());
}
