/**
 * A known gadget among the classes a Java stream names past the octets kept of it (`restClasses`,
 * java-class-scan.ts): a stream padded past 64 KiB to hide its chain from whatever reads only its start.
 */
import type { OperationEvent } from '../../events.ts';
import { gadgetIn } from './deserialization-gadgets.ts';

export type RestGadget = { gadget: string; className: string };

export const restGadget = (event: OperationEvent): RestGadget | undefined => {
  for (const className of event.restClasses ?? []) {
    const gadget = gadgetIn(className, 'java');
    if (gadget !== undefined) return { gadget, className };
  }
  return undefined;
};

/** The evidence's account of the octets: how many were kept, and the class named past them when it was found there. */
export const restShown = (kept: number, found: RestGadget | undefined): string =>
  found === undefined
    ? `${kept} octets`
    : `${kept} octets kept, the stream padded past them: ${found.className.slice(0, 200)} named after the first 64 KiB`;
