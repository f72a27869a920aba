/**
 * Debian's Tomcat 10 and Apache 2.4 set up for ajp-real.test.ts inside a test's network namespace: Catalina run from
 * /usr/share/tomcat10 (tomcat10-common) with a CATALINA_BASE written into a temp dir (one AJP connector on loopback,
 * `secretRequired="false"`, a ROOT application served by the default servlet), and Apache (apache2-bin) with
 * mod_proxy_ajp proxying HTTP on loopback to it, pinging each connection first (CPING, `ping=10`: a loaded CI machine can take more than 2 s to answer the first).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Netns } from './netns.ts';

const home = '/usr/share/tomcat10';
const modules = '/usr/lib/apache2/modules';

/** Why Tomcat or Apache cannot run here (.ci/apt/ajp.txt installs them), or undefined. */
export const tomcatAjpMissing = (): string | undefined => {
  if (!existsSync(join(home, 'bin/bootstrap.jar')))
    return 'Tomcat 10 is missing (apt-get install tomcat10-common)';
  if (!existsSync(join(modules, 'mod_proxy_ajp.so')))
    return 'mod_proxy_ajp is missing (apt-get install apache2-bin)';
  return undefined;
};

const serverXml = (port: number): string => `<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector protocol="AJP/1.3" address="127.0.0.1" port="${port}" secretRequired="false" />
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false" />
    </Engine>
  </Service>
</Server>
`;

/** The application's own web.xml: the file Ghostcat asks for. */
export const webXml = `<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="5.0">
  <servlet>
    <servlet-name>default</servlet-name>
    <servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class>
  </servlet>
  <servlet-mapping><servlet-name>default</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
</web-app>
`;

/** Starts Catalina with its base under `dir`, its AJP connector on 127.0.0.1:`port` (wait for it with waitForListen). */
export const startTomcat = (ns: Netns, dir: string, port: number): void => {
  const base = join(dir, 'tomcat');
  for (const sub of ['conf', 'logs', 'temp', 'work', 'webapps/ROOT/WEB-INF'])
    mkdirSync(join(base, sub), { recursive: true });
  writeFileSync(join(base, 'conf/server.xml'), serverXml(port));
  writeFileSync(join(base, 'webapps/ROOT/WEB-INF/web.xml'), webXml);
  writeFileSync(join(base, 'webapps/ROOT/index.html'), 'hello from tomcat\n');
  const classpath = ['bin/bootstrap.jar', 'bin/tomcat-juli.jar'].map((jar) => join(home, jar)).join(':');
  ns.spawn('java', [
    '-cp',
    classpath,
    `-Dcatalina.home=${home}`,
    `-Dcatalina.base=${base}`,
    `-Djava.io.tmpdir=${join(base, 'temp')}`,
    'org.apache.catalina.startup.Bootstrap',
    'start',
  ]);
};

/** Starts Apache (it forks into the namespace) proxying 127.0.0.1:`httpPort` to the AJP connector on `ajpPort`. */
export const startApache = (ns: Netns, dir: string, httpPort: number, ajpPort: number): void => {
  const root = join(dir, 'apache');
  mkdirSync(root, { recursive: true });
  const load = (name: string) => `LoadModule ${name}_module ${modules}/mod_${name}.so`;
  const conf = [
    `ServerRoot ${root}`,
    'ServerName localhost',
    `Listen 127.0.0.1:${httpPort}`,
    ...['mpm_event', 'authz_core', 'proxy', 'proxy_ajp'].map(load),
    `PidFile ${join(root, 'httpd.pid')}`,
    `ErrorLog ${join(root, 'error.log')}`,
    'User nobody',
    'Group nogroup',
    `ProxyPass / ajp://127.0.0.1:${ajpPort}/ ping=10`,
  ];
  writeFileSync(join(root, 'httpd.conf'), `${conf.join('\n')}\n`);
  ns.exec('apache2', ['-f', join(root, 'httpd.conf'), '-k', 'start']);
};
