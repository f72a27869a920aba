/** Earlier and later of two ISO-8601 UTC times (they order as strings). */

export const earlier = (a: string, b: string): string => (a.localeCompare(b) <= 0 ? a : b);
export const later = (a: string, b: string): string => (a.localeCompare(b) >= 0 ? a : b);
