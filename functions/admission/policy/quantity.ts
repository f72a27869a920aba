/** Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`) parsed exactly, in nano-units, as apimachinery does. */

const nano = 1_000_000_000n;
const binary: Record<string, bigint> = {
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
  Ei: 1024n ** 6n,
};
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const pattern = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Multiplies by 10^exponent, rounding a fraction of a nano-unit up, as Kubernetes rounds quantities. */
const scale = (value: bigint, exponent: number): bigint => {
  if (exponent >= 0) return value * 10n ** BigInt(exponent);
  const divisor = 10n ** BigInt(-exponent);
  return (value + divisor - 1n) / divisor;
};

/** The quantity in nano-units, or undefined when the text is not a quantity. */
export const parseQuantity = (text: string): bigint | undefined => {
  const match = pattern.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', number = '', suffix = ''] = match;
  const [whole = '', fraction = ''] = number.split('.');
  // mantissa × 10^-fraction.length, kept as an integer until the end.
  const mantissa = BigInt(`${whole || '0'}${fraction}`);
  let exponent = -fraction.length;
  let factor = 1n;
  const binaryFactor = binary[suffix];
  if (binaryFactor !== undefined) factor = binaryFactor;
  else if (suffix.startsWith('e') || suffix.startsWith('E')) exponent += Number(suffix.slice(1));
  else exponent += decimal[suffix] ?? 0;
  if (Math.abs(exponent) > 60) return undefined;
  const value = scale(mantissa * factor * nano, exponent);
  return sign === '-' ? -value : value;
};

export const nanoPerUnit = nano;
