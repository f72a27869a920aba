import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actions,
  blockKitLimits,
  button,
  confirm,
  context,
  escapeMrkdwn,
  fields,
  header,
  message,
  section,
  truncate,
} from '#functions/platform/slack/block-kit.ts';
import { blockKitProblems } from '#test/helpers/fake-slack-api.ts';

describe('Block Kit builders', () => {
  it('truncate marks the cut and never exceeds the limit', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('escapes mrkdwn control characters', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  it('the fake rejects what Slack rejects', () => {
    expect(
      blockKitProblems([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }]),
    ).toEqual(['blocks[0].text: must be less than 151 characters']);
    const twoSame = [
      button({ text: 'A', actionId: 'a', value: '1' }),
      button({ text: 'B', actionId: 'a', value: '2' }),
    ];
    expect(blockKitProblems([actions('x', twoSame)])[0]).toContain('duplicate action_id');
    expect(blockKitProblems(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toEqual([
      'blocks: must be less than 51 items',
    ]);
  });

  it('keeps any input within every limit the fake checks', () => {
    const text = fc.string({ minLength: 1, maxLength: 5000 });
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(text, { minLength: 1, maxLength: 30 }),
        fc.nat(80),
        (a, b, many, count) => {
          const buttons = many.map((label, i) =>
            button({
              text: label,
              actionId: `act-${i}`,
              value: label.repeat(3),
              confirm: confirm(a, b, label),
            }),
          );
          const blocks = [
            header(a),
            section(b.repeat(2)),
            fields(many.map((value, i) => [`f${i}`, value] as [string, string])),
            context(many),
            actions('buttons', buttons),
            ...Array.from({ length: count }, () => section(a)),
          ];
          const built = message(a, blocks);
          expect(built.blocks.length).toBeLessThanOrEqual(blockKitLimits.blocksPerMessage);
          expect(blockKitProblems(built.blocks)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
