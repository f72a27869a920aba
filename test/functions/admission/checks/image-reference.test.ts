/** Image references as runtimes read them: registry host:port, implicit docker.io/library, tags, digests. */
import { describe, expect, it } from 'vitest';
import { imageReference } from '#functions/admission/checks/image-reference.ts';

describe('imageReference', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['registry.example.com:5000/team/web', { registry: 'registry.example.com:5000', repository: 'team/web' }],
    [
      'registry.example.com:5000/team/web:2.0',
      { registry: 'registry.example.com:5000', repository: 'team/web', tag: '2.0' },
    ],
    ['10.0.0.5:5000/x@sha256:abc', { registry: '10.0.0.5:5000', repository: 'x', digest: 'sha256:abc' }],
    [
      'ghcr.io/a/b:1.0@sha256:abc',
      { registry: 'ghcr.io', repository: 'a/b', tag: '1.0', digest: 'sha256:abc' },
    ],
  ])('%s', (image, expected) => {
    expect(imageReference(image)).toEqual(expected);
  });
});
