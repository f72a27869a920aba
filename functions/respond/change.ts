/** What an action plans to do, as data: dry runs print it, tests compare it, apply performs it. */
import type { CoreV1Event, V1NetworkPolicy } from '@kubernetes/client-node';
import type { Mode } from '#core/mode.ts';
import type { AlertRequest } from './alerts/alert-request.ts';
import type { QuarantineRecord } from './store/response-store.ts';
import type { TapCommandRequest } from './tap-commands.ts';

type Described = { summary: string };

export type Change = Described &
  (
    | { kind: 'note' }
    | { kind: 'patch-pod'; namespace: string; name: string; patch: Record<string, unknown> }
    | { kind: 'create-network-policy'; namespace: string; policy: V1NetworkPolicy }
    | { kind: 'delete-network-policy'; namespace: string; name: string }
    | { kind: 'create-event'; namespace: string; event: CoreV1Event }
    /** With `pod`: also written to the pod's commands annotation when its tap is not polling ingest. */
    | { kind: 'tap-command'; command: TapCommandRequest; pod?: { namespace: string; name: string } }
    | {
        kind: 'capture';
        podUid: string;
        /** Where the capture command also goes by annotation when the tap is not polling ingest. */
        pod?: { namespace: string; name: string };
        id: string;
        key: string;
        beforeSeconds: number;
        afterSeconds: number;
        flow?: { ip: string; port: number };
      }
    | { kind: 'set-group-mode'; group: string; mode: Mode; podUids: string[] }
    | { kind: 'http-post'; url: string; body: unknown; secretEnv?: string }
    | { kind: 'slack-alert'; request: AlertRequest }
    /** With a record: store it; without: the pod is released. */
    | { kind: 'record-quarantine'; podUid: string; record?: QuarantineRecord }
  );

export type ChangeKind = Change['kind'];
