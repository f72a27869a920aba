/** The Java classes RMI-IIOP repository ids name in a GIOP request's arguments, bounded, and none without `RMI:`. */
import { describe, expect, it } from 'vitest';
import { rmiIiopClasses } from '#sidecar/threats/text/rmi-iiop-classes.ts';
import { jtaRebind } from '#test/fixtures/protocols/giop-gadget.ts';
import { bind10 } from '#test/fixtures/protocols/giop-messages.ts';

const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('rmiIiopClasses', () => {
  it('names each class once, in order, from repository ids with their hash and serial version UID', () => {
    expect(rmiIiopClasses(jtaRebind)).toEqual([
      'com.bea.core.repackaged.springframework.transaction.jta.JtaTransactionManager',
    ]);
    expect(
      rmiIiopClasses(
        bytes('\0RMI:java.util.Date:AC:68\0RMI:[Ljava.lang.Object;:1:2\0RMI:java.util.Date:AC:68'),
      ),
    ).toEqual(['java.util.Date', '[Ljava.lang.Object;']);
  });

  it('takes nothing from IDL repository ids, a bare `RMI:`, a name without its colon, or past 32 classes', () => {
    expect(rmiIiopClasses(bind10)).toEqual([]);
    expect(rmiIiopClasses(bytes('RMI:'))).toEqual([]);
    expect(rmiIiopClasses(bytes('RMI::x RMI:a b RMI:a'))).toEqual([]);
    const many = Array.from({ length: 40 }, (_, i) => `RMI:c${i}:0`).join('\0');
    expect(rmiIiopClasses(bytes(many))).toHaveLength(32);
    expect(rmiIiopClasses(bytes(`RMI:${'a'.repeat(300)}:0`))).toEqual([]);
  });
});
