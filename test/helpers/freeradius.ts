/**
 * A real FreeRADIUS 3.2 in a test namespace, in the foreground (`freeradius -X -f -d <dir>`), with a minimal
 * configuration written into the test's directory: one client for the whole loopback with a shared secret and
 * `require_message_authenticator = no` (3.2.1's default, and what a NAS that sends none needs), the users in `users`
 * (the files module), PAP, CHAP and EAP-MD5, an accounting section that answers every request, and auth and
 * accounting listeners on the addresses and ports given.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Netns, waitForUdp } from './netns.ts';

export type FreeradiusOptions = {
  secret: string;
  /** Cleartext-Password by user. */
  users: Record<string, string>;
  /** Where Access-Requests are served, and where Accounting-Requests are. */
  auth: readonly { ip: string; port: number }[];
  acct: readonly { ip: string; port: number }[];
};

const listen = (type: 'auth' | 'acct', { ip, port }: { ip: string; port: number }) => `	listen {
		type = ${type}
		ipaddr = ${ip}
		port = ${port}
	}
`;

const radiusdConf = (dir: string, o: FreeradiusOptions): string => `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = ${dir}
sbindir = /usr/sbin
confdir = ${dir}
raddbdir = ${dir}
logdir = ${dir}
radacctdir = ${dir}
run_dir = ${dir}
db_dir = ${dir}
libdir = /usr/lib/freeradius
pidfile = ${dir}/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 0
max_requests = 1024
hostname_lookups = no
log {
	destination = stdout
}
security {
	allow_core_dumps = no
	reject_delay = 0
	status_server = no
}
client loopback {
	ipaddr = 127.0.0.0/8
	secret = ${o.secret}
	require_message_authenticator = no
}
modules {
	pap {
	}
	chap {
	}
	files {
		filename = \${confdir}/users
	}
	always ok {
		rcode = ok
	}
	eap {
		default_eap_type = md5
		timer_expire = 60
		max_sessions = 64
		md5 {
		}
	}
}
server default {
${o.auth.map((a) => listen('auth', a)).join('')}${o.acct.map((a) => listen('acct', a)).join('')}	authorize {
		eap {
			ok = return
		}
		files
		chap
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
		eap
	}
	preacct {
	}
	accounting {
		ok
	}
	post-auth {
	}
}
`;

/** Writes the configuration into `dir`, starts the server in `ns` and waits for every listener. */
export const startFreeradius = async (ns: Netns, dir: string, o: FreeradiusOptions): Promise<void> => {
  writeFileSync(join(dir, 'radiusd.conf'), radiusdConf(dir, o));
  // The dictionaries under /usr/share/freeradius are read first; this one, the site's own, adds nothing.
  writeFileSync(join(dir, 'dictionary'), '');
  const users = Object.entries(o.users).map(
    ([user, password]) => `${user}\tCleartext-Password := "${password}"\n`,
  );
  writeFileSync(join(dir, 'users'), users.join(''));
  // -X logs every request to stdout, some 5 KiB each: into a file, since a pipe to this process fills while the
  // test waits for radclient synchronously, and the server then stops answering.
  ns.spawn('sh', ['-c', `exec freeradius -X -f -d "$1" > "$1/radiusd.out" 2>&1`, 'sh', dir]);
  for (const { ip, port } of [...o.auth, ...o.acct]) await waitForUdp(ns, ip, port);
};

/** The answer radclient printed (`Received Access-Accept Id 7 from ...`), or `no answer`. */
const answerIn = (out: string): string => /^Received (\S+)/m.exec(out)?.[1] ?? 'no answer';

/**
 * One radclient run (one UDP socket: one flow) sending `attributes` (`auth` or `acct`), one try: the answer's name.
 * radclient exits 1 when the answer is not the one it expected (a Reject, a Challenge); what it printed still says.
 */
export const radclient = (
  ns: Netns,
  server: string,
  kind: 'auth' | 'acct',
  secret: string,
  attributes: string,
) => {
  try {
    return answerIn(
      ns.exec('radclient', ['-x', '-r', '1', '-t', '3', server, kind, secret], { input: `${attributes}\n` }),
    );
  } catch (error) {
    return answerIn(String((error as { stdout?: unknown }).stdout ?? ''));
  }
};
