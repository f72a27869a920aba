/**
 * The documents of an exported namespace that belong to one workload: those whose provenance comment
 * names it (`# ns/name: learned by meshward`, `# ns/name port 9080: …`) or whose resource name is the
 * exporters' `meshward-NAME`, `meshward-NAME-PORT` or `meshward-NAME-PORT-mtls` (Linkerd's later documents).
 */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const documentsNaming = (yaml: string, namespace: string, name: string): string[] => {
  const key = escapeRegExp(`${namespace}/${name}`);
  const own = new RegExp(`(^# ${key}[: ])|(\\bname: meshward-${escapeRegExp(name)}(-\\d+(-mtls)?)?$)`, 'm');
  return yaml.split(/^---\n/m).filter((doc) => own.test(doc));
};
