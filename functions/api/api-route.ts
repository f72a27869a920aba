/** The API route seam: a route key, the role it needs, and a pure-ish function of the request and the runtime. */
import type { ApiCaller, ApiRole } from '#functions/platform/auth/verify-api-token.ts';
import type { CommandSigner } from '#functions/platform/keys/command-signer.ts';
import type { Store } from '#functions/platform/store/store.ts';

export type ApiRequest = {
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  caller: ApiCaller;
};

export type ApiDeps = { store: Store; signer?: CommandSigner; now: () => Date };

export type ApiResult = { status: number; body: unknown };

export type ApiRoute = {
  /** `METHOD /path` with `{name}` parameters, as in API Gateway route keys. */
  route: string;
  role: ApiRole;
  run(request: ApiRequest, deps: ApiDeps): Promise<ApiResult>;
};

export const ok = (body: unknown): ApiResult => ({ status: 200, body });
export const fail = (status: number, error: string, message: string, details: string[] = []): ApiResult => ({
  status,
  body: { error, message, details },
});
