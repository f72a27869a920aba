/** Manifest input for `meshward policy test`: multi-document YAML, JSON, Lists, helm comments, stdin, clear errors. */
import { describe, expect, it } from 'vitest';
import { parseManifests, readManifests } from '#functions/admission/validate/manifest-documents.ts';

describe('parseManifests', () => {
  it('reads helm template output: comments, empty documents, several objects', () => {
    const text = `---
# Source: chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: a}
---
# Source: chart/templates/empty.yaml
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
`;
    expect(parseManifests(text, 'out.yaml').map((d) => [d.document, d.object.kind])).toEqual([
      [1, 'Service'],
      [3, 'Deployment'],
    ]);
  });

  it('flattens Lists and reads JSON', () => {
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ kind: 'Pod' }, { kind: 'Service' }],
    });
    expect(parseManifests(list, 'list.json').map((d) => d.object.kind)).toEqual(['Pod', 'Service']);
  });

  it('names the file and line of a syntax error', () => {
    expect(() => parseManifests('a: 1\nb: [\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+: /);
  });
});

describe('readManifests', () => {
  it('reads "-" from the injected stdin', () => {
    const docs = readManifests(['-'], () => 'kind: Pod\nmetadata: {name: p}\n');
    expect(docs).toEqual([
      { file: '(stdin)', document: 1, object: { kind: 'Pod', metadata: { name: 'p' } } },
    ]);
  });

  it('says which path it cannot read', () => {
    expect(() => readManifests(['/nonexistent/x.yaml'], () => '')).toThrow(
      /^cannot read \/nonexistent\/x.yaml: /,
    );
  });
});
