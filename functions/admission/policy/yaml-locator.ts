/** Maps a field path in a parsed YAML document back to the 1-based line it was written on. */
import type { Document, LineCounter } from 'yaml';

type Located = { range?: [number, number, number] | null };

/** The line of the deepest node of `path` that exists (a missing key points at its parent). */
export const lineOf = (
  document: Document.Parsed,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined => {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const keys = path.slice(0, depth).map((key) => (typeof key === 'symbol' ? String(key) : key));
    const node = (depth === 0 ? document.contents : document.getIn(keys, true)) as Located | undefined;
    const offset = node?.range?.[0];
    if (typeof offset === 'number') return counter.linePos(offset).line;
  }
  return undefined;
};
