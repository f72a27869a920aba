/**
 * Debian's clickhouse-server (18.16) in a test's network namespace: a config written into a temporary directory
 * (listening on 127.0.0.1 only, the native protocol on the port asked for, no HTTP port, its data and tmp paths in the
 * directory) and one user with a password, for the real ClickHouse test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Netns, waitForListen } from './netns.ts';

export type ClickhouseUser = { name: string; password: string };

const config = (dir: string, port: number): string => `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>${port}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/data/tmp/</tmp_path>
  <user_files_path>${dir}/data/user_files/</user_files_path>
  <format_schema_path>${dir}/data/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
  <timezone>UTC</timezone>
</yandex>
`;

const users = (user: ClickhouseUser): string => `<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users>
    <${user.name}>
      <password>${user.password}</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${user.name}>
  </users>
  <quotas><default></default></quotas>
</yandex>
`;

/** Writes the config into `dir`, starts the server in `ns` and resolves once it listens on `port`. */
export const startClickhouse = async (
  ns: Netns,
  dir: string,
  port: number,
  user: ClickhouseUser,
): Promise<void> => {
  mkdirSync(join(dir, 'data', 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'config.xml'), config(dir, port));
  writeFileSync(join(dir, 'users.xml'), users(user));
  ns.spawn('clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`]);
  await waitForListen(ns, port, 30_000);
};
