/**
 * Documents whose parser builds the class the document names: fastjson `@type`, Json.NET `$type`, Jackson default
 * typing `["class", {…}]`, SnakeYAML `!!class`, PyYAML `!!python/object/apply:`, Psych `!ruby/object:`, XStream
 * `<dynamic-proxy>` / `<sorted-set>`, java.beans.XMLDecoder `<java><object class=…>`, and node-serialize's
 * `_$$ND_FUNC$$_`. JSON-LD's `@type` and a DTO's `$type` are ordinary: JSON type fields count only with a known gadget.
 */
import { gadgetIn } from './deserialization-gadgets.ts';
import type { Serialized } from './serialized-format.ts';

const pythonTag = /!!python\/(object\/apply|object\/new|object|name|module):([\w.]+)/;
const pythonRunners =
  /^(?:os|posix|nt|subprocess|pty|commands|runpy|builtins\.(?:eval|exec|__import__)|__builtin__)\b/;
/** SnakeYAML global tags of a Java class in a package a server ships, applied to arguments. */
const javaTag = /!!((?:java|javax|com|org|sun|jdk|net|ch|io|groovy|bsh|clojure)\.[\w.$]+)\s*[[{(]/;
const rubyTag = /!ruby\/(?:object|hash|struct):([\w:]+)/;
const jacksonArray =
  /\[\s*"((?:java|javax|com|org|sun|jdk|net|ch|oracle|bsh|clojure|br)\.[\w.$]+)"\s*,\s*[{["]/;

const yaml = (text: string): Serialized | undefined => {
  const python = pythonTag.exec(text);
  if (python !== null) {
    const [, how, target] = python as unknown as [string, string, string];
    const gadget = pythonRunners.test(target) ? `${how} ${target}` : undefined;
    return { format: `PyYAML python/${how} tag of ${target}`, gadget };
  }
  const ruby = rubyTag.exec(text);
  if (ruby !== null) return { format: `Ruby YAML object tag ${ruby[1]}`, gadget: gadgetIn(text, 'ruby') };
  const java = javaTag.exec(text);
  if (java !== null) return { format: `SnakeYAML global tag ${java[1]}`, gadget: gadgetIn(text, 'java') };
  return undefined;
};

/** XStream names classes by element, XMLDecoder by `class=` attributes, under a `<java>` root. */
const xml = (text: string): Serialized | undefined => {
  if (/<java\b[^>]*>/.test(text) && /<(?:object|void)\s[^>]*class\s*=/.test(text))
    return { format: 'java.beans.XMLDecoder document', gadget: gadgetIn(text, 'java') };
  if (/<dynamic-proxy>|<(?:sorted-set|tree-map|java\.util\.PriorityQueue)\b/.test(text)) {
    const gadget = gadgetIn(text, 'java');
    if (gadget !== undefined || text.includes('<dynamic-proxy>'))
      return { format: 'XStream document', gadget: gadget ?? undefined };
  }
  return undefined;
};

const json = (text: string): Serialized | undefined => {
  if (/["']?@type["']?\s*:/.test(text)) {
    const gadget = gadgetIn(text, 'java');
    if (gadget !== undefined) return { format: 'fastjson @type', gadget };
  }
  if (/["']?\$type["']?\s*:/.test(text)) {
    const gadget = gadgetIn(text, 'dotnet');
    if (gadget !== undefined) return { format: 'Json.NET $type', gadget };
  }
  const array = jacksonArray.exec(text);
  const gadget = array === null ? undefined : gadgetIn(array[1] ?? '', 'java');
  return gadget === undefined ? undefined : { format: 'Jackson polymorphic type', gadget };
};

const nodeSerialize = (text: string): Serialized | undefined => {
  const at = text.indexOf('_$$ND_FUNC$$_');
  if (at < 0) return undefined;
  // The function runs on unserialize only when the payload calls it: `function(){…}()`.
  const invoked = /\}\s*\(\s*\)/.test(text.slice(at));
  return { format: 'node-serialize function', gadget: invoked ? 'immediately invoked function' : undefined };
};

/** A typed document in `text`; undefined when it names no class to build. */
export const typedDocument = (text: string): Serialized | undefined => {
  if (text.includes('!!') || text.includes('!ruby/')) {
    const found = yaml(text);
    if (found !== undefined) return found;
  }
  if (text.includes('<')) {
    const found = xml(text);
    if (found !== undefined) return found;
  }
  return json(text) ?? nodeSerialize(text);
};

/** A JSON leaf in a type slot (`$.x.@type`, `$.x.$type`, Jackson's `$.x[0]`) that names a gadget class. */
export const typeSlot = (where: string, value: string): Serialized | undefined => {
  if (where.endsWith('[0]')) {
    const gadget =
      value.length < 200 && /^[a-z][\w.$]*\.[A-Z]/.test(value) ? gadgetIn(value, 'java') : undefined;
    return gadget === undefined ? undefined : { format: 'Jackson polymorphic type', gadget };
  }
  if (where.endsWith('.@type')) {
    const gadget = gadgetIn(value, 'java');
    return gadget === undefined ? undefined : { format: 'fastjson @type', gadget };
  }
  if (where.endsWith('.$type')) {
    const gadget = gadgetIn(value, 'dotnet');
    return gadget === undefined ? undefined : { format: 'Json.NET $type', gadget };
  }
  return undefined;
};
