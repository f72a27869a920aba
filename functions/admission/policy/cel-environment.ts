/** The CEL environment policies run in, with the Kubernetes extensions they need (quantities, as in the k8s CEL library). */
import { Environment } from '@marcbachmann/cel-js';
import { nanoPerUnit, parseQuantity } from './quantity.ts';

/** A resource quantity in CEL: compare with compareTo/isLessThan/isGreaterThan, like Kubernetes' Quantity type. */
export class Quantity {
  constructor(readonly nano: bigint) {}
}

const quantity = (text: string): Quantity => {
  const value = parseQuantity(text);
  if (value === undefined) throw new Error(`quantity: ${JSON.stringify(text)} is not a valid quantity`);
  return new Quantity(value);
};

const compare = (a: Quantity, b: Quantity): bigint => (a.nano < b.nano ? -1n : a.nano > b.nano ? 1n : 0n);

const method = (
  name: string,
  returnType: string,
  params: string[],
  handler: (...args: never[]) => unknown,
) => ({
  name,
  receiverType: 'Quantity',
  returnType,
  params: params.map((type, index) => ({ name: `arg${index}`, type })),
  handler,
});

const buildEnvironment = () =>
  new Environment({ homogeneousAggregateLiterals: false })
    .registerType('Quantity', Quantity)
    .registerVariable('object', 'dyn')
    .registerVariable('oldObject', 'dyn')
    .registerVariable('podSpec', 'dyn')
    .registerVariable('podMetadata', 'dyn')
    .registerVariable('namespaceName', 'string')
    .registerFunction('quantity(string): Quantity', quantity)
    .registerFunction('isQuantity(string): bool', (text: string) => parseQuantity(text) !== undefined)
    .registerFunction(method('compareTo', 'int', ['Quantity'], compare))
    .registerFunction(
      method('isLessThan', 'bool', ['Quantity'], (a: Quantity, b: Quantity) => a.nano < b.nano),
    )
    .registerFunction(
      method('isGreaterThan', 'bool', ['Quantity'], (a: Quantity, b: Quantity) => a.nano > b.nano),
    )
    .registerFunction(method('sign', 'int', [], (a: Quantity) => compare(a, new Quantity(0n))))
    .registerFunction(method('isInteger', 'bool', [], (a: Quantity) => a.nano % nanoPerUnit === 0n))
    .registerFunction(method('asInteger', 'int', [], (a: Quantity) => a.nano / nanoPerUnit))
    .registerFunction(
      method('asApproximateFloat', 'double', [], (a: Quantity) => Number(a.nano) / Number(nanoPerUnit)),
    )
    .registerFunction(
      method('add', 'Quantity', ['Quantity'], (a: Quantity, b: Quantity) => new Quantity(a.nano + b.nano)),
    )
    .registerFunction(
      method('sub', 'Quantity', ['Quantity'], (a: Quantity, b: Quantity) => new Quantity(a.nano - b.nano)),
    );

let shared: ReturnType<typeof buildEnvironment> | undefined;

/** One environment for every policy: building it is the expensive part, parsing expressions is cheap. */
export const celEnvironment = () => {
  shared ??= buildEnvironment();
  return shared;
};
