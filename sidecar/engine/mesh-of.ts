/** Recognises service-mesh mTLS from a ClientHello: Istio by its ALPN values, Linkerd by its SNI or ALPN. */

export type Mesh = 'istio' | 'linkerd';

/** Istio's sidecars offer `istio-peer-exchange`, `istio`, `istio-http/1.0`, `istio-http/1.1`, `istio-h2`. */
const isIstioAlpn = (value: string): boolean => value === 'istio' || value.startsWith('istio-');

/** Linkerd's proxies name peers `<sa>.<ns>.serviceaccount.identity.linkerd.cluster.local` and use transport.l5d.io ALPN. */
const isLinkerdAlpn = (value: string): boolean => value.startsWith('transport.l5d.io');

export const meshOf = (sni: string | undefined, alpn: readonly string[]): Mesh | undefined => {
  if (alpn.some(isIstioAlpn)) return 'istio';
  if (sni?.endsWith('.linkerd.cluster.local') || alpn.some(isLinkerdAlpn)) return 'linkerd';
  return undefined;
};
