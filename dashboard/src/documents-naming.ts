/** The documents of a multi-document YAML text that name a workload (the exporters work per namespace). */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const documentsNaming = (yaml: string, name: string): string[] => {
  const word = new RegExp(`(^|[^\\w-])${escapeRegExp(name)}([^\\w-]|$)`, 'm');
  return yaml.split(/^---\n/m).filter((doc) => word.test(doc));
};
