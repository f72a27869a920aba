/** documentsNaming: a workload's own documents from a namespace export, in every exporter's naming. */
import { describe, expect, it } from 'vitest';
import { exporters } from '#functions/export/index.ts';
import { renderYaml } from '#functions/export/render-yaml.ts';
import { bookinfo, rulesOf } from '#test/helpers/topology.ts';
import { documentsNaming } from '../../dashboard/src/documents-naming.ts';

const app = bookinfo();
const yamlOf = (format: string) => {
  const exporter = exporters.find((e) => e.id === format);
  if (exporter === undefined) throw new Error(`no exporter ${format}`);
  return renderYaml(
    exporter.export({ rules: rulesOf(app), workloads: app.workloads, namespace: 'default' }),
    ['test'],
  );
};

describe('documentsNaming', () => {
  it.each(['networkpolicy', 'istio', 'cilium', 'linkerd'])(
    '%s: reviews gets its own documents only',
    (format) => {
      const docs = documentsNaming(yamlOf(format), 'default', 'reviews');
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(doc).toMatch(/meshward-reviews/);
        expect(doc).not.toMatch(/name: meshward-(details|ratings|productpage)\b/);
      }
    },
  );

  it('linkerd: keeps the Server, route and authorization documents that follow the commented one', () => {
    const docs = documentsNaming(yamlOf('linkerd'), 'default', 'reviews');
    expect(docs.map((doc) => /^kind: (\w+)/m.exec(doc)?.[1]).sort()).toEqual(
      expect.arrayContaining(['AuthorizationPolicy', 'HTTPRoute', 'Server']),
    );
  });

  it('does not confuse a name with a longer one, and finds nothing for a source-only workload in Istio', () => {
    const yaml = '# shop/cart: learned\nkind: A\n---\nmetadata:\n  name: meshward-cart-cache\n';
    expect(documentsNaming(yaml, 'shop', 'cart')).toHaveLength(1);
    expect(documentsNaming(yamlOf('istio'), 'default', 'productpage')).toEqual([]);
  });
});
