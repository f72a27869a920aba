/** Path templates from segment cardinality, not only from numeric or UUID shapes. */
import { describe, expect, it } from 'vitest';
import { pathMatches, templatePaths } from '#functions/learn/path-templates.ts';

const options = { minSiblings: 4, literalMax: 32, maxTemplates: 64 };
/** The nine product ids of Online Boutique's productcatalogservice (products.json). */
const products = [
  'OLJCESPC7Z',
  '66VCHSJNUP',
  '1YMWWN1N4O',
  'L9ECAV7KIM',
  '2ZYFJ3GM2N',
  '0PUK6V6EV0',
  'LS4PSXUNUM',
  '9SIQT8TOJO',
  '6E92ZMYYFZ',
];

describe('path templates', () => {
  it('turns Online Boutique product ids into one template and keeps the other routes literal', () => {
    const paths = [
      '/',
      '/cart',
      '/cart/checkout',
      '/setCurrency',
      '/logout',
      '/_healthz',
      ...products.map((p) => `/product/${p}`),
    ];
    expect(templatePaths(paths, options)).toEqual([
      '/',
      '/_healthz',
      '/cart',
      '/cart/checkout',
      '/logout',
      '/product/{param}',
      '/setCurrency',
    ]);
  });

  it('does not template three ids (too few to tell) but does at four', () => {
    expect(
      templatePaths(
        products.slice(0, 3).map((p) => `/product/${p}`),
        options,
      ),
    ).toHaveLength(3);
    expect(
      templatePaths(
        products.slice(0, 4).map((p) => `/product/${p}`),
        options,
      ),
    ).toEqual(['/product/{param}']);
  });

  it('templates purely alphabetic slugs of one shape, which no numeric/UUID rule would', () => {
    const slugs = ['abcd', 'efgh', 'ijkl', 'mnop', 'qrst'].map((s) => `/users/${s}/orders`);
    expect(templatePaths(slugs, options)).toEqual(['/users/{param}/orders']);
  });

  it('templates numbers and UUIDs at once and drops the query', () => {
    expect(
      templatePaths(['/orders/17?x=1', '/orders/9f1c2b6e-8a2f-4c55-9a9e-2f3b1f0c4d11/items'], options),
    ).toEqual(['/orders/{param}', '/orders/{param}/items']);
  });

  it('keeps adding to an existing template without losing it', () => {
    const first = templatePaths(
      products.map((p) => `/product/${p}`),
      options,
    );
    expect(templatePaths([...first, '/product/ZZZZZZZZZ1', '/cart'], options)).toEqual([
      '/cart',
      '/product/{param}',
    ]);
  });

  it('caps the number of templates by collapsing harder', () => {
    const many = Array.from(
      { length: 200 },
      (_, i) => `/${'x'.repeat((i % 7) + 1)}${i}/${String.fromCharCode(97 + (i % 26))}`,
    );
    expect(templatePaths(many, { ...options, maxTemplates: 10 }).length).toBeLessThanOrEqual(10);
  });

  it('matches a path against a template segment by segment', () => {
    expect(pathMatches('/product/{param}', '/product/OLJCESPC7Z')).toBe(true);
    expect(pathMatches('/product/{param}', '/product/x/y')).toBe(false);
    expect(pathMatches('/cart', '/cart?x=1')).toBe(true);
    expect(pathMatches('/cart', '/admin')).toBe(false);
  });
});
