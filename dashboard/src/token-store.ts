/** The API token in localStorage, and the role it claims (read for the UI only; the server decides). */

const key = 'meshward.token';

export const loadToken = (): string | undefined => localStorage.getItem(key) ?? undefined;
export const saveToken = (token: string): void => localStorage.setItem(key, token.trim());
export const clearToken = (): void => localStorage.removeItem(key);

/** The `role` claim of a JWT, or undefined when it is not a readable JWT. */
export const roleOfToken = (token: string): string | undefined => {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const role = (JSON.parse(json) as { role?: unknown }).role;
    return typeof role === 'string' ? role : undefined;
  } catch {
    return undefined;
  }
};
