/** The HTTP API routes of each cloud function, read from the same registry the local host serves (`functions/index.ts`). */
import { cloudFunctions } from '#functions/index.ts';

export type HttpRoute = { method: string; path: string };

/** A function's routes as API Gateway route keys (`METHOD /path`, `{name}`, a trailing `{proxy+}`). */
export const httpRoutes = (id: string): HttpRoute[] => {
  const fn = cloudFunctions.find((candidate) => candidate.id === id);
  if (fn === undefined) throw new Error(`no cloud function "${id}" in functions/index.ts`);
  return fn.routes.map((route) => {
    const space = route.indexOf(' ');
    return { method: route.slice(0, space), path: route.slice(space + 1) };
  });
};
