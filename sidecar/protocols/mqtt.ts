/** MQTT 3.1, 3.1.1 and 5.0: connection packets and the topics clients publish and subscribe to. */
import { detectMqtt } from './mqtt-detect.ts';
import { createMqttParser } from './mqtt-parser.ts';
import type { Protocol } from './protocol.ts';

export const mqtt: Protocol = {
  id: 'mqtt',
  transport: 'tcp',
  ports: [1883],
  encrypted: false,
  detect: detectMqtt,
  createParser: createMqttParser,
};
