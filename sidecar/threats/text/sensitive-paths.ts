/**
 * Paths scanners ask every server for because an answer gives its secrets away (`/.git/config`, `/.env`,
 * `/actuator/heapdump`), and what the answer holds when it does. A path matches an entry when it ends with it, any
 * case, a trailing slash and URL encoding aside: `/app/.git/config` and `/%2egit/config` are probes of `/.git/config`.
 */
import { lenientUrlDecode } from './lenient-url-decode.ts';

export type SensitivePath = {
  /** The path's end, lowercase, without a trailing slash. */
  path: string;
  /**
   * Text the answer holds when it really is the file (`[core]` for `.git/config`); without one, an answer that is not
   * an HTML page counts, since many applications answer every path with their start page.
   */
  marker?: string | undefined;
};

export type PathMatcher<Entry> = (path: string) => Entry | undefined;

const normalize = (path: string): string => {
  const decoded = path.includes('%') ? lenientUrlDecode(path, false) : path;
  const lower = decoded.toLowerCase().replace(/\/{2,}/g, '/');
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
};

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * A matcher for `entries`: one lookup of the path's last segment (cheap on every request), then the suffixes of the
 * entries ending in that segment.
 */
export const pathMatcher = <Entry extends { path: string }>(
  entries: readonly Entry[],
): PathMatcher<Entry> => {
  const bySegment = new Map<string, Entry[]>();
  for (const entry of entries) {
    const path = normalize(entry.path.startsWith('/') ? entry.path : `/${entry.path}`);
    const segment = lastSegment(path);
    const list = bySegment.get(segment) ?? [];
    list.push({ ...entry, path });
    bySegment.set(segment, list);
  }
  return (raw) => {
    const cut = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
    const quick = lastSegment(cut);
    if (!quick.includes('%') && !bySegment.has(quick.toLowerCase())) return undefined;
    const path = normalize(raw);
    return bySegment.get(lastSegment(path))?.find((entry) => path.endsWith(entry.path));
  };
};

const latin1 = new TextDecoder('latin1');

/** Whether an answer's body is the file `entry` names rather than an error or start page. */
export const answerHolds = (entry: SensitivePath, body: Uint8Array, contentType: string): boolean => {
  if (body.length === 0) return false;
  const head = latin1.decode(body.subarray(0, 8192));
  if (entry.marker !== undefined) return head.toLowerCase().includes(entry.marker.toLowerCase());
  return !contentType.includes('html') && !head.trimStart().startsWith('<');
};
