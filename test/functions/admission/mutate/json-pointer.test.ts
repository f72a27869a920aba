/** RFC 6901 escaping of annotation keys in patch paths. */
import { describe, expect, it } from 'vitest';
import { escapePointerSegment, pointer } from '#functions/admission/mutate/json-pointer.ts';

describe('json pointer', () => {
  it('escapes ~ before / (RFC 6901 section 4)', () => {
    expect(escapePointerSegment('a/b~c')).toBe('a~1b~0c');
    expect(escapePointerSegment('~1')).toBe('~01');
    expect(pointer('metadata', 'annotations', 'meshward.io/status')).toBe(
      '/metadata/annotations/meshward.io~1status',
    );
    expect(pointer('spec', 'containers', '-')).toBe('/spec/containers/-');
  });
});
