/** Parses the kubelet's downward-API format for labels and annotations: one `key="Go-quoted value"` per line. */

const goEscapes: Record<string, string> = { a: '\u0007', v: '\u000b', "'": "'" };

/** Unquotes a Go `strconv.Quote` string: JSON handles most escapes, the rest (\a \v \' \xNN) are mapped first. */
const unquote = (quoted: string): string | undefined => {
  const jsonable = quoted.replace(/\\(x[0-9a-fA-F]{2}|[av'])|\\\\/g, (whole, code: string | undefined) => {
    if (code === undefined) return whole;
    if (code.startsWith('x')) return `\\u00${code.slice(1)}`;
    return JSON.stringify(goEscapes[code]).slice(1, -1);
  });
  try {
    const value: unknown = JSON.parse(jsonable);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

export const parseDownwardApiFile = (text: string): Record<string, string> => {
  const result: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const value = unquote(line.slice(at + 1).trim());
    if (value !== undefined) result[line.slice(0, at).trim()] = value;
  }
  return result;
};
