import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StackConfig } from '../core/config.ts';
import { componentLogger } from '../core/logger.ts';
import {
  clickhouseCommand,
  clickhousePaths,
  clickhouseReady,
  prepareClickHouse,
} from './clickhouse.ts';
import { ensureDebianCommands, ensureKafkaJars, StackSetupError } from './install.ts';
import { kafkaCommand, kafkaPaths, kafkaReady, prepareKafka } from './kafka.ts';
import {
  isPortOpen,
  runningPid,
  startDetached,
  stopProcess,
  waitFor,
  type ManagedProcess,
} from './process.ts';

/** Status of one service, as `stack status` reports it. */
export interface ServiceStatus {
  name: 'kafka' | 'clickhouse';
  running: boolean;
  pid?: number;
  address: string;
  ready: boolean;
  log: string;
}

interface Service {
  name: ServiceStatus['name'];
  port: number;
  process: ManagedProcess;
  log: string;
  prepare: () => void;
  command: () => { command: string; args: string[] };
  ready: () => Promise<boolean>;
  portSetting: string;
}

const log = componentLogger('stack');

function services(stack: StackConfig): Service[] {
  const dir = resolve(stack.dir);
  const kafka = kafkaPaths(dir);
  const clickhouse = clickhousePaths(dir);
  return [
    {
      name: 'clickhouse',
      port: stack.clickhouseHttpPort,
      process: clickhouse.process,
      log: clickhouse.log,
      prepare: () => {
        ensureDebianCommands(['clickhouse-server', 'clickhouse-client', 'kcat'], log);
        prepareClickHouse(clickhouse, stack);
      },
      command: () => clickhouseCommand(clickhouse),
      ready: () => clickhouseReady(stack.clickhouseHttpPort),
      portSetting: 'stack.clickhouseHttpPort',
    },
    {
      name: 'kafka',
      port: stack.kafkaPort,
      process: kafka.process,
      log: kafka.log,
      prepare: () => {
        ensureKafkaJars(kafka.lib, log);
        prepareKafka(kafka, stack, log);
      },
      command: () => kafkaCommand(kafka),
      ready: () => kafkaReady(stack.kafkaPort),
      portSetting: 'stack.kafkaPort',
    },
  ];
}

/**
 * Installs what is missing, starts ClickHouse and the Kafka broker on loopback, and waits until
 * both respond. Services that already run are left alone, so `up` twice is safe.
 */
export async function stackUp(stack: StackConfig): Promise<ServiceStatus[]> {
  mkdirSync(resolve(stack.dir), { recursive: true });
  const started: Service[] = [];
  try {
    for (const service of services(stack)) {
      if (await startService(service, stack)) started.push(service);
    }
  } catch (error) {
    // A failed `up` leaves nothing half started: what this call started is stopped again.
    for (const service of started.reverse()) {
      await stopProcess(service.process);
      log.info({ service: service.name }, 'service stopped after failed start');
    }
    throw error;
  }
  return stackStatus(stack);
}

/** Starts a service unless it runs, and waits for it. Returns true when this call started it. */
async function startService(service: Service, stack: StackConfig): Promise<boolean> {
  const pid = runningPid(service.process);
  let startedHere = false;
  if (pid !== undefined) {
    log.info({ service: service.name, pid }, 'service already running');
  } else {
    if (await isPortOpen(service.port)) {
      throw new StackSetupError(
        `port ${service.port} for ${service.name} is taken by a process this stack did not start; ` +
          `stop it or set ${service.portSetting} to a free port`,
      );
    }
    service.prepare();
    const { command, args } = service.command();
    const started = startDetached(service.process, command, args, service.log);
    startedHere = true;
    log.info({ service: service.name, pid: started, port: service.port }, 'service started');
  }

  const ready = await waitFor(service.ready, stack.startTimeoutMs);
  if (!ready) {
    if (startedHere) await stopProcess(service.process);
    throw new StackSetupError(
      `${service.name} did not respond on 127.0.0.1:${service.port} within ${stack.startTimeoutMs} ms; see ${service.log}`,
    );
  }
  log.info({ service: service.name, port: service.port }, 'service ready');
  return startedHere;
}

/** Stops the processes that `up` started, and only those. Returns what was stopped. */
export async function stackDown(stack: StackConfig): Promise<{ name: string; pid: number }[]> {
  const stopped: { name: string; pid: number }[] = [];
  // Kafka first: it stores nothing in ClickHouse, and stopping it first ends client retries sooner.
  for (const service of services(stack).reverse()) {
    const pid = await stopProcess(service.process);
    if (pid !== undefined) {
      stopped.push({ name: service.name, pid });
      log.info({ service: service.name, pid }, 'service stopped');
    }
  }
  return stopped;
}

export async function stackStatus(stack: StackConfig): Promise<ServiceStatus[]> {
  const result: ServiceStatus[] = [];
  for (const service of services(stack)) {
    const pid = runningPid(service.process);
    const status: ServiceStatus = {
      name: service.name,
      running: pid !== undefined,
      address: `127.0.0.1:${service.port}`,
      ready: pid !== undefined && (await service.ready()),
      log: service.log,
    };
    if (pid !== undefined) status.pid = pid;
    result.push(status);
  }
  return result;
}
