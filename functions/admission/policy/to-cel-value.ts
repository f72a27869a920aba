/** Converts parsed JSON/YAML into CEL values: integers become int (BigInt), everything else stays as it is. */

export const toCelValue = (value: unknown): unknown => {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelValue);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = toCelValue(item);
    return out;
  }
  return value;
};
