/** RFC 6901 JSON Pointer escaping: `~` becomes `~0` and `/` becomes `~1`, in that order (section 4). */

export const escapePointerSegment = (segment: string): string =>
  segment.replaceAll('~', '~0').replaceAll('/', '~1');

export const pointer = (...segments: (string | number)[]): string =>
  segments.map((segment) => `/${escapePointerSegment(String(segment))}`).join('');
