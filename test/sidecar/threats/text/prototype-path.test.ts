import { describe, expect, it } from 'vitest';
import { prototypeGadget } from '#sidecar/threats/text/prototype-gadgets.ts';
import { prototypeWrite, setPathWrite } from '#sidecar/threats/text/prototype-path.ts';

describe('prototypeWrite', () => {
  it.each([
    ['__proto__[isAdmin]', { property: 'isAdmin', via: '__proto__' }],
    ['a[__proto__][x]', { property: 'x', via: '__proto__' }],
    ['constructor[prototype][shell]', { property: 'shell', via: 'constructor.prototype' }],
    ['a.constructor.prototype.env', { property: 'env', via: 'constructor.prototype' }],
    ['__proto__.polluted', { property: 'polluted', via: '__proto__' }],
    ['a[__proto__]', { property: '', via: '__proto__' }],
    ['__proto__', { property: '', via: '__proto__' }],
  ])('%s writes onto Object.prototype', (path, write) => {
    expect(prototypeWrite(path)).toEqual(write);
  });

  it.each([
    'constructor',
    'constructor[name]',
    'prototype[x]',
    'a[prototype][constructor]',
    'user[proto]',
    '_proto_[x]',
  ])('%s does not leave the object', (path) => {
    expect(prototypeWrite(path)).toBeUndefined();
  });
});

describe('setPathWrite', () => {
  it.each([
    ['__proto__.isAdmin', 'isAdmin'],
    ['a.__proto__.polluted', 'polluted'],
    ['constructor.prototype.shell', 'shell'],
    ["__proto__['role']", 'role'],
    ['[__proto__][x]', 'x'],
  ])('%s is a set path onto Object.prototype', (value, property) => {
    expect(setPathWrite(value)?.property).toBe(property);
  });

  it.each([
    '__proto__',
    'obj.__proto__',
    'Use __proto__.x sparingly',
    'Object.getPrototypeOf(a).__proto__.x',
    'a.b.c',
    'constructor.name',
    `__proto__.${'a'.repeat(300)}`,
  ])('%s is not', (value) => {
    expect(setPathWrite(value)).toBeUndefined();
  });
});

describe('prototypeGadget', () => {
  it('names what a known gadget gives and nothing for another property', () => {
    expect(prototypeGadget('NODE_OPTIONS')).toBe('code execution');
    expect(prototypeGadget('outputFunctionName')).toBe('code execution');
    expect(prototypeGadget('isAdmin')).toBe('privilege');
    expect(prototypeGadget('polluted')).toBeUndefined();
    expect(prototypeGadget('toString')).toBeUndefined();
  });
});
