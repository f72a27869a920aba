import { describe, expect, it } from 'vitest';
import { parseDownwardApiFile } from '#sidecar/identity/downward-api-file.ts';

describe('parseDownwardApiFile', () => {
  it('reads the kubelet format, including Go escapes and JSON-valued annotations', () => {
    // As the kubelet writes it (pkg/fieldpath FormatMap: key="strconv.Quote(value)", sorted, newline separated).
    const text = [
      'app="cart"',
      'kubectl.kubernetes.io/last-applied-configuration="{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Pod\\"}\\n"',
      'note="tab\\there \\x41\\a \\\\x41"',
      'pod-template-hash="7d9f8c6b5"',
    ].join('\n');
    expect(parseDownwardApiFile(text)).toEqual({
      app: 'cart',
      'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Pod"}\n',
      note: 'tab\there A\u0007 \\x41',
      'pod-template-hash': '7d9f8c6b5',
    });
  });

  it('skips malformed lines instead of failing', () => {
    expect(parseDownwardApiFile('=x\nbroken="unterminated\nok="1"\n\n')).toEqual({ ok: '1' });
  });
});
