/** Splits text at shell control operators into simple commands: words of each, and whether an operator preceded it. */

export type ShellSegment = { words: string[]; afterOperator: boolean };

/** `;` `|` `||` `&` `&&` newline (also a literal `\n` left by a template), backticks and `$(`/`)` all start a new command for the shell. */
const operator = /\|\||&&|[;|&\n\r`]|\$\(|\)|\\n/g;
const wordSplit = /(?:\s|\$\{IFS\}|\$IFS\b|\t|,)+/;

const words = (segment: string): string[] =>
  segment
    .split(wordSplit)
    .map((w) => w.replace(/^[({'"]+/, ''))
    .filter((w) => w !== '');

/** Every segment, however many come first (ADR 30): the caller's window bounds the text. */
export const shellSegments = (text: string): ShellSegment[] => {
  const segments: ShellSegment[] = [];
  let last = 0;
  let afterOperator = false;
  for (const match of text.matchAll(operator)) {
    segments.push({ words: words(text.slice(last, match.index)), afterOperator });
    last = match.index + match[0].length;
    afterOperator = true;
  }
  segments.push({ words: words(text.slice(last)), afterOperator });
  return segments.filter((s) => s.words.length > 0);
};
