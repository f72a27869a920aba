/** RFC 6901 JSON Pointer escaping: `~` becomes `~0` and `/` becomes `~1`, in that order (section 4). */

/** Most segments (`spec`, `containers`, `-`) need no escaping, and are returned as they are without a copy. */
export const escapePointerSegment = (segment: string): string =>
  segment.includes('~') || segment.includes('/')
    ? segment.replaceAll('~', '~0').replaceAll('/', '~1')
    : segment;

export const pointer = (...segments: (string | number)[]): string => {
  let path = '';
  for (const segment of segments) path += `/${escapePointerSegment(String(segment))}`;
  return path;
};
