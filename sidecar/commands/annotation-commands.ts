/** The fallback channel: signed commands the control plane wrote into a pod annotation, one compact JWS per line. */

export const commandsAnnotation = 'meshward.io/commands';

const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The JWS strings found in the annotations (a JSON array or whitespace-separated); anything else is ignored. */
export const annotationCommands = (annotations: Readonly<Record<string, string>>): string[] => {
  const raw = annotations[commandsAnnotation]?.trim() ?? '';
  if (raw === '') return [];
  let items: unknown[] = raw.split(/\s+/);
  if (raw.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      items = Array.isArray(parsed) ? parsed : [];
    } catch {
      items = [];
    }
  }
  return items
    .filter((item): item is string => typeof item === 'string' && compactJws.test(item))
    .slice(0, 64);
};
