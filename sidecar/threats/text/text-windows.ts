/**
 * Judges a long text window by window (ADR 30). Text verdicts bound the characters they read at once, for their
 * tokenisers' and regular expressions' sake. Judging only the first window let an attacker pad a value past it and
 * put the attack after. Windows of `size` characters overlap by a quarter, so any attack up to that long lies
 * whole inside one of them. The cost stays linear: each character is read at most twice.
 */

/** One window's verdict; `atStart` is false for a window that begins inside the text, cut wherever it fell. */
export type WindowVerdict = (text: string, atStart: boolean) => string | undefined;

/** The first window with a verdict: where it starts, and the verdict; undefined when none has one. */
export const firstWindow = (
  text: string,
  size: number,
  judge: WindowVerdict,
): { start: number; found: string } | undefined => {
  const step = size - (size >> 2);
  for (let start = 0; ; start += step) {
    const found = judge(text.slice(start, start + size), start === 0);
    if (found !== undefined) return { start, found };
    if (start + size >= text.length) return undefined;
  }
};

export const inWindows = (text: string, size: number, judge: WindowVerdict): string | undefined =>
  text.length <= size ? judge(text, true) : firstWindow(text, size, judge)?.found;
