import { createMachineStore, defaultMachineStoreDir } from './create-machine-store.js';
import type { StateStore } from './state-store.js';

const machines = new Map<string, StateStore>();

/**
 * The store used when none is given: the machine store of the default directory (`LIVEKIT_VOICE_STACK_STATE_DIR`,
 * read at each call), one instance per directory in a process, shared by its stacks, resolvers and mode controllers,
 * and through its files with every other process on the machine.
 */
export function defaultStore(): StateStore {
  const dir = defaultMachineStoreDir();
  let store = machines.get(dir);
  if (!store) machines.set(dir, (store = createMachineStore({ dir })));
  return store;
}
