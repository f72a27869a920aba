/**
 * Emulated traffic for the rule-quality figure: what the taps of each pod would report for the apps' real
 * request mix. Online Boutique follows its load generator (locustfile.py task weights: index 1, setCurrency 2,
 * browseProduct 10, addToCart 2, viewCart 3, checkout 1) and the frontend's handlers (handlers.go: which
 * backends each page calls); Bookinfo follows productpage.py (details + reviews per page, reviews v2/v3 →
 * ratings). Kubelet probes come from the node's host-network IP. Not packet captures: flow findings shaped
 * exactly as the engine emits them (server pod IP and target port, protocol, HTTP paths / gRPC methods).
 */
import type { AppGraph } from './rule-quality-apps.ts';

export type Call = { from: string; to: string; method: string; path: string };
export type RequestKind = { weight: number; calls: (pick: <T>(items: readonly T[]) => T) => Call[] };

/** The nine product ids of Online Boutique's products.json. */
const products = [
  'OLJCESPC7Z',
  '66VCHSJNUP',
  '1YMWWN1N4O',
  'L9ECAV7KIM',
  '2ZYFJ3GM2N',
  '0PUK6V6EV0',
  'LS4PSXUNUM',
  '9SIQT8TOJO',
  '6E92ZMYYFZ',
];

const rpc = (from: string, to: string, service: string, method: string): Call => ({
  from,
  to,
  method: 'POST',
  path: `/hipstershop.${service}/${method}`,
});
const fe = (to: string, service: string, method: string) => rpc('frontend', to, service, method);
const web = (method: string, path: string): Call => ({ from: 'loadgenerator', to: 'frontend', method, path });
const redis = (command: string): Call => ({
  from: 'cartservice',
  to: 'redis-cart',
  method: command,
  path: '',
});
const recommend = () => [
  fe('recommendationservice', 'RecommendationService', 'ListRecommendations'),
  rpc('recommendationservice', 'productcatalogservice', 'ProductCatalogService', 'ListProducts'),
];
const cart = (method: string) => [
  fe('cartservice', 'CartService', method),
  redis(method === 'GetCart' ? 'HGET' : 'HSET'),
];

export const boutiqueRequests: readonly RequestKind[] = [
  {
    weight: 1,
    calls: () => [
      web('GET', '/'),
      fe('currencyservice', 'CurrencyService', 'GetSupportedCurrencies'),
      fe('productcatalogservice', 'ProductCatalogService', 'ListProducts'),
      ...cart('GetCart'),
      fe('currencyservice', 'CurrencyService', 'Convert'),
      fe('adservice', 'AdService', 'GetAds'),
    ],
  },
  { weight: 2, calls: () => [web('POST', '/setCurrency')] },
  {
    weight: 10,
    calls: (pick) => [
      web('GET', `/product/${pick(products)}`),
      fe('productcatalogservice', 'ProductCatalogService', 'GetProduct'),
      fe('currencyservice', 'CurrencyService', 'GetSupportedCurrencies'),
      ...cart('GetCart'),
      fe('currencyservice', 'CurrencyService', 'Convert'),
      ...recommend(),
      fe('adservice', 'AdService', 'GetAds'),
    ],
  },
  {
    weight: 2,
    calls: () => [
      web('POST', '/cart'),
      fe('productcatalogservice', 'ProductCatalogService', 'GetProduct'),
      ...cart('AddItem'),
    ],
  },
  {
    weight: 3,
    calls: () => [
      web('GET', '/cart'),
      fe('currencyservice', 'CurrencyService', 'GetSupportedCurrencies'),
      ...cart('GetCart'),
      ...recommend(),
      fe('shippingservice', 'ShippingService', 'GetQuote'),
      fe('currencyservice', 'CurrencyService', 'Convert'),
      fe('productcatalogservice', 'ProductCatalogService', 'GetProduct'),
    ],
  },
  {
    weight: 1,
    calls: () => {
      const co = (to: string, service: string, method: string) => rpc('checkoutservice', to, service, method);
      return [
        web('POST', '/cart/checkout'),
        fe('checkoutservice', 'CheckoutService', 'PlaceOrder'),
        co('cartservice', 'CartService', 'GetCart'),
        redis('HGET'),
        co('productcatalogservice', 'ProductCatalogService', 'GetProduct'),
        co('currencyservice', 'CurrencyService', 'Convert'),
        co('shippingservice', 'ShippingService', 'GetQuote'),
        co('paymentservice', 'PaymentService', 'Charge'),
        co('shippingservice', 'ShippingService', 'ShipOrder'),
        co('emailservice', 'EmailService', 'SendOrderConfirmation'),
        co('cartservice', 'CartService', 'EmptyCart'),
        redis('HSET'),
        ...recommend(),
        fe('currencyservice', 'CurrencyService', 'GetSupportedCurrencies'),
      ];
    },
  },
];

export const bookinfoRequests: readonly RequestKind[] = [
  {
    weight: 1,
    calls: (pick) => {
      const reviews = pick(['reviews-v1', 'reviews-v2', 'reviews-v3']);
      const id = pick(['0', '1', '2', '3']);
      const ratings: Call[] =
        reviews === 'reviews-v1'
          ? []
          : [{ from: reviews, to: 'ratings-v1', method: 'GET', path: `/ratings/${id}` }];
      return [
        { from: 'productpage-v1', to: 'details-v1', method: 'GET', path: `/details/${id}` },
        { from: 'productpage-v1', to: reviews, method: 'GET', path: `/reviews/${id}` },
        ...ratings,
      ];
    },
  },
];

/** A deterministic PRNG (mulberry32), so every run of the figure is the same. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const requestsFor = (graph: AppGraph): readonly RequestKind[] =>
  graph.app === 'bookinfo' ? bookinfoRequests : boutiqueRequests;
