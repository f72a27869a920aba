/**
 * Remembers a text verdict's recent answers. Header values, Redis keys, topic names and prepared statements repeat
 * from request to request, and judging one costs several regular expressions and a tokeniser; looking it up costs
 * one hash. Bounded: texts past `maxText` characters are judged every time, and the memory is cleared when full.
 */

/** A verdict on a text: a reason (or any finding) when it holds an attack, undefined when it does not. */
export type TextVerdict<Found = string> = (text: string) => Found | undefined;

export const memoVerdict = <Found extends NonNullable<unknown> = string>(
  verdict: TextVerdict<Found>,
  maxEntries = 2048,
  maxText = 512,
): TextVerdict<Found> => {
  /** The verdict per text; null when it found nothing (undefined is "not seen"). */
  const seen = new Map<string, Found | null>();
  return (text) => {
    if (text.length > maxText) return verdict(text);
    const known = seen.get(text);
    if (known !== undefined) return known ?? undefined;
    const found = verdict(text);
    if (seen.size >= maxEntries) seen.clear();
    seen.set(text, found ?? null);
    return found;
  };
};
