/** The path of a minimal SMTP sink (smtp-sink.py: accepts and drops mail), run as `python3 smtpSink HOST PORT`. */
import { fileURLToPath } from 'node:url';

export const smtpSink = fileURLToPath(new URL('./smtp-sink.py', import.meta.url));
