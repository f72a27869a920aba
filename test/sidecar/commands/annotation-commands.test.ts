import { describe, expect, it } from 'vitest';
import { annotationCommands, commandsAnnotation } from '#sidecar/commands/annotation-commands.ts';

const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiIxIn0.c2ln';

describe('annotationCommands', () => {
  it('reads a JSON array and a whitespace-separated list', () => {
    expect(annotationCommands({ [commandsAnnotation]: JSON.stringify([jws, jws]) })).toEqual([jws, jws]);
    expect(annotationCommands({ [commandsAnnotation]: `${jws}\n ${jws}` })).toEqual([jws, jws]);
  });

  it('ignores a missing annotation, bad JSON and non-JWS items', () => {
    expect(annotationCommands({})).toEqual([]);
    expect(annotationCommands({ [commandsAnnotation]: '[not json' })).toEqual([]);
    expect(annotationCommands({ [commandsAnnotation]: JSON.stringify([1, 'x', jws]) })).toEqual([jws]);
  });
});
