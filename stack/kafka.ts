import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import type { StackConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { StackSetupError } from './install.ts';
import type { ManagedProcess } from './process.ts';

export interface KafkaPaths {
  root: string;
  lib: string;
  data: string;
  properties: string;
  log: string;
  process: ManagedProcess;
}

export function kafkaPaths(stackDir: string): KafkaPaths {
  const root = join(stackDir, 'kafka');
  return {
    root,
    lib: join(root, 'lib'),
    data: join(root, 'data'),
    properties: join(root, 'server.properties'),
    log: join(root, 'broker.log'),
    process: { name: 'kafka', pidFile: join(root, 'broker.pid'), commandMarker: 'kafka.Kafka' },
  };
}

/**
 * The broker's settings: one node acting as broker and KRaft controller. The internal topics must
 * have a replication factor of 1 on a single node, or the group coordinator never loads and
 * consumer groups wait forever.
 */
function brokerProperties(paths: KafkaPaths, stack: StackConfig): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${stack.kafkaControllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${stack.kafkaPort},CONTROLLER://127.0.0.1:${stack.kafkaControllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${stack.kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${paths.data}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    // Test and demo topics are many and small; keep segments small so the disk use stays small.
    'log.segment.bytes=67108864',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/** Writes the broker's configuration and formats its log folder on the first start. */
export function prepareKafka(paths: KafkaPaths, stack: StackConfig, log: Logger): void {
  mkdirSync(paths.data, { recursive: true });
  writeFileSync(paths.properties, brokerProperties(paths, stack));
  if (existsSync(join(paths.data, 'meta.properties'))) return;

  const clusterId = newClusterId();
  log.info({ cluster_id: clusterId }, 'formatting kafka log folder');
  const result = spawnSync(
    'java',
    [
      '-cp',
      `${paths.lib}/*`,
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '-t',
      clusterId,
      '-c',
      paths.properties,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new StackSetupError(`formatting the Kafka log folder failed: ${result.stderr.trim()}`);
  }
}

/**
 * Returns a KRaft cluster id: 16 random bytes in base64url, as Kafka's own tool makes them. An id
 * that starts with `-` would be read by the storage tool as an option, so such ids are redrawn.
 */
export function newClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

export function kafkaCommand(paths: KafkaPaths): { command: string; args: string[] } {
  return {
    command: 'java',
    args: [
      '-Xms256m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dkafka.logs.dir=${paths.root}`,
      '-cp',
      `${paths.lib}/*`,
      'kafka.Kafka',
      paths.properties,
    ],
  };
}

/**
 * Returns true when the broker serves metadata and its group coordinator responds. The first
 * consumer group of a new broker creates `__consumer_offsets`. Doing that here means tests and the
 * demo never meet a coordinator that is still loading.
 */
export async function kafkaReady(port: number): Promise<boolean> {
  const kafka = new Kafka({
    brokers: [`127.0.0.1:${port}`],
    clientId: 'eastwatch-stack',
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    const { groups } = await admin.describeGroups(['eastwatch-stack-probe']);
    return groups.length === 1;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
