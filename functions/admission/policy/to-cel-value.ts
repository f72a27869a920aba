/** Presents parsed JSON/YAML to CEL: integers read as int (BigInt), converted lazily, only where an expression looks. */

const views = new WeakMap<object, object>();

const convert = (value: unknown): unknown => {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  const cached = views.get(value);
  if (cached !== undefined) return cached;
  // A read-only proxy: converting a whole Deployment up front costs more than the expression that reads two fields.
  const view = new Proxy(value, {
    get: (target, key, receiver) => {
      const item: unknown = Reflect.get(target, key, receiver);
      return typeof key === 'symbol' || key === 'length' ? item : convert(item);
    },
    set: () => false,
    deleteProperty: () => false,
  });
  views.set(value, view);
  return view;
};

export const toCelValue = (value: unknown): unknown => convert(value);
