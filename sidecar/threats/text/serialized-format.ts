/** What a serialized value was found to be: its format, and the gadget chain or dangerous call it builds, if known. */
export type Serialized = {
  /** The format and where it was read, e.g. `Java serialized object (base64)`. */
  format: string;
  /** The known gadget chain or the dangerous global named; undefined when the value is serialized but not known to harm. */
  gadget?: string | undefined;
};

/** A serialized value found in an event: what it is, where in the event it was read, what the evidence shows. */
export type Sighting = { found: Serialized; where: string; shown: string };

/** The same finding, read through an encoding (`base64`, `gzip`, `hex`). */
export const through = (found: Serialized | undefined, encoding: string): Serialized | undefined =>
  found === undefined ? undefined : { ...found, format: `${found.format}, ${encoding}` };
