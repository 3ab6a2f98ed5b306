/** Fields shared by every provider entry of every modality. */
export interface EntryBase {
  /**
   * The last-resort tier (e.g. a local llama.cpp): tried after the remote options of a pass failed, before waiting.
   * @default true for `llama-cpp`, false otherwise
   */
  lastResort?: boolean;
  /**
   * The organisation whose backend record this entry came from (set by `createProviderResolver()`). Such an entry
   * never reads a key (or any other variable) from the environment: the worker's keys belong to the platform.
   */
  orgId?: string;
}
