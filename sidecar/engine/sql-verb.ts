/** The statement verb of SQL text: its first keyword, after whitespace, comments and parentheses, upper-cased. */

const maxVerb = 24;

const isLetter = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);

/** Skips whitespace, `(`, `-- …` line comments and `/* … *\/` block comments. */
const skipNoise = (text: string, from: number): number => {
  let at = from;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code <= 32 || code === 40 || code === 59) at += 1;
    else if (text.startsWith('--', at))
      at = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at) + 1;
    else if (text.startsWith('/*', at))
      at = text.indexOf('*/', at) < 0 ? text.length : text.indexOf('*/', at) + 2;
    else break;
  }
  return at;
};

export const sqlVerb = (text: string): string | undefined => {
  const start = skipNoise(text, 0);
  let end = start;
  while (end < text.length && end - start < maxVerb && isLetter(text.charCodeAt(end))) end += 1;
  return end > start ? text.slice(start, end).toUpperCase() : undefined;
};
