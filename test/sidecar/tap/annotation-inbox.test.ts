import { describe, expect, it } from 'vitest';
import { commandsAnnotation } from '#sidecar/commands/annotation-commands.ts';
import { annotationInbox } from '#sidecar/tap/annotation-inbox.ts';

describe('annotationInbox', () => {
  it('hands each token over once, however often the annotations are re-read', async () => {
    const handed: string[][] = [];
    const inbox = annotationInbox(async (tokens) => {
      handed.push([...tokens]);
      return [];
    });
    inbox({ [commandsAnnotation]: 'a.b.c' });
    inbox({ [commandsAnnotation]: 'a.b.c' });
    inbox({ [commandsAnnotation]: 'a.b.c d.e.f' });
    inbox({});
    expect(handed).toEqual([['a.b.c'], ['d.e.f']]);
  });
});
