/** Calls the REST API with the stored bearer token; every answer is a value, failures included. */

export type ApiAnswer<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

export type ApiClient = {
  get<T>(path: string): Promise<ApiAnswer<T>>;
  send<T>(method: 'PUT' | 'POST', path: string, body?: unknown): Promise<ApiAnswer<T>>;
};

const messageOf = async (response: Response): Promise<string> => {
  try {
    const body = (await response.json()) as { message?: string };
    return body.message ?? response.statusText;
  } catch {
    return response.statusText;
  }
};

export const createApiClient = (
  token: () => string | undefined,
  onAuthFailure: (status: number, message: string) => void,
): ApiClient => {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token() ?? ''}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      response = await fetch(path, init);
    } catch (error) {
      return { ok: false, status: 0, message: `control plane unreachable: ${String(error)}` };
    }
    if (response.ok) return { ok: true, value: (await response.json()) as T };
    const message = await messageOf(response);
    if (response.status === 401) onAuthFailure(response.status, message);
    return { ok: false, status: response.status, message };
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
};
