import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../core/config.ts';
import type { ManagedProcess } from './process.ts';

export interface ClickHousePaths {
  root: string;
  data: string;
  config: string;
  users: string;
  log: string;
  process: ManagedProcess;
}

export function clickhousePaths(stackDir: string): ClickHousePaths {
  const root = join(stackDir, 'clickhouse');
  return {
    root,
    data: join(root, 'data'),
    config: join(root, 'config.xml'),
    users: join(root, 'users.xml'),
    log: join(root, 'server.log'),
    process: {
      name: 'clickhouse',
      pidFile: join(root, 'server.pid'),
      commandMarker: join(root, 'config.xml'),
    },
  };
}

/**
 * Writes a server configuration that listens on loopback only and keeps every file under the
 * stack folder. The element names are those of 18.16 and are still read by current releases.
 */
export function prepareClickHouse(paths: ClickHousePaths, stack: StackConfig): void {
  mkdirSync(join(paths.data, 'tmp'), { recursive: true });
  mkdirSync(join(paths.data, 'user_files'), { recursive: true });
  writeFileSync(paths.config, serverConfig(paths, stack));
  writeFileSync(paths.users, usersConfig());
}

function serverConfig(paths: ClickHousePaths, stack: StackConfig): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${paths.root}/clickhouse-server.log</log>
    <errorlog>${paths.root}/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <http_port>${stack.clickhouseHttpPort}</http_port>
  <tcp_port>${stack.clickhouseTcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${paths.data}/</path>
  <tmp_path>${paths.data}/tmp/</tmp_path>
  <user_files_path>${paths.data}/user_files/</user_files_path>
  <users_config>${paths.users}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>536870912</mark_cache_size>
  <max_concurrent_queries>200</max_concurrent_queries>
  <keep_alive_timeout>10</keep_alive_timeout>
</yandex>
`;
}

/** Writes the default user: no password, reachable from loopback only. */
function usersConfig(): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>8000000000</max_memory_usage>
      <log_queries>0</log_queries>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;
}

export function clickhouseCommand(paths: ClickHousePaths): { command: string; args: string[] } {
  return { command: 'clickhouse-server', args: [`--config-file=${paths.config}`] };
}

/** Returns true when the HTTP interface responds `Ok.` to `/ping`. */
export async function clickhouseReady(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/ping`, {
      signal: AbortSignal.timeout(1000),
    });
    return response.ok && (await response.text()).trim() === 'Ok.';
  } catch {
    return false;
  }
}
