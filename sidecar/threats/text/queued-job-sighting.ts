/**
 * A beanstalkd or Gearman job as insecure-deserialization tells it (ADR 55): the body an event carries (`serialized`:
 * put, submitted, reserved or assigned), judged by queued-job.ts, with evidence naming the tube or function and who
 * deserializes it: the worker the job goes to, or this worker when the server hands it over.
 */
import type { OperationEvent } from '../../events.ts';
import { opensStream } from '../../protocols/java-rmi-call.ts';
import { queuedJobGadget } from './queued-job.ts';
import { restGadget, restShown } from './rest-gadget.ts';
import type { Sighting } from './serialized-format.ts';

/** How a job is told: put or submitted by this client, or handed to this worker. */
const jobCarrier = (event: OperationEvent): string => {
  const what = `${event.protocol} ${event.operation.slice(0, 200)}${event.detail === undefined ? '' : ` (${event.detail.slice(0, 200)})`}`;
  return event.direction === 'to-client'
    ? `${what}, a job handed to this worker, which deserializes its body`
    : `${what}, a job whose body the worker that takes it deserializes`;
};

/**
 * A beanstalkd or Gearman job (`serialized`: the body put, submitted, reserved or assigned): serialized by design, so
 * only a known gadget chain is told (queued-job.ts), and ordinary jobs, PHP objects among them, are not.
 */
export const queuedJobSighting = (event: OperationEvent): Sighting | undefined => {
  const body = event.serialized;
  if ((event.protocol !== 'beanstalkd' && event.protocol !== 'gearman') || body === undefined)
    return undefined;
  const kept = queuedJobGadget(body);
  const past = kept === undefined && opensStream(body, 0) ? restGadget(event) : undefined;
  const found =
    kept ?? (past === undefined ? undefined : { format: 'Java serialized object', gadget: past.gadget });
  if (found === undefined) return undefined;
  return {
    found: { format: `${jobCarrier(event)}: ${found.format}`, gadget: found.gadget },
    where: `${event.protocol} ${event.direction === 'to-client' ? 'job handed on' : 'job'}`,
    shown: restShown(body.length, past),
  };
};
