/** One machine-store entry on disk: the key (file names are hashes), when it expires, the value. */
export interface FileEntry {
  k: string;
  e: number;
  v: unknown;
}

/**
 * The entry in a machine-store file's text, or `undefined` when the text is not one (not JSON, `null`, a key that is
 * not a string, an expiry that is not a number, no value). Never throws: any process of the user, an editor or a
 * full disk may have left anything there.
 */
export function parseFileEntry(text: string): FileEntry | undefined {
  const parsed = parseJson(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { k, e } = parsed as Partial<FileEntry>;
  if (typeof k !== 'string' || typeof e !== 'number' || Number.isNaN(e) || !('v' in parsed)) return undefined;
  return parsed as FileEntry;
}

/** The JSON value of `text`, or `undefined` when it is not JSON (a Redis value another client wrote). Never throws. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether `text` is JSON (a value a store may keep in its mirror and parse again on each read). */
export function isJson(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
