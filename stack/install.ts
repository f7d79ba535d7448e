import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EastwatchError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/** Raised when a tool the stack needs is missing and cannot be installed here. */
export class StackSetupError extends EastwatchError {
  constructor(message: string, cause?: unknown) {
    super('STACK_SETUP_FAILED', message, { retriable: false, cause });
  }
}

const KAFKA_POM = join(dirname(fileURLToPath(import.meta.url)), 'kafka', 'pom.xml');

/** Returns the absolute path of `command` on PATH, or undefined. */
export function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = result.stdout.trim();
  return result.status === 0 && path !== '' ? path : undefined;
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    throw new StackSetupError(
      `${what} failed: ${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`,
      result.error,
    );
  }
}

/**
 * Makes sure the broker's jars are in `libDir`, fetching `org.apache.kafka:kafka_2.13` and its
 * runtime dependencies from Maven Central with the project's pom when they are missing.
 */
export function ensureKafkaJars(libDir: string, log: Logger): void {
  if (!which('java')) {
    throw new StackSetupError(
      'java not found on PATH; the Kafka broker needs Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)',
    );
  }
  if (existsSync(libDir) && readdirSync(libDir).some((f) => f.startsWith('kafka_2.13-'))) return;

  if (!which('mvn')) {
    throw new StackSetupError(
      `Kafka jars missing in ${libDir} and mvn not found; install Maven (Debian: apt-get install maven)`,
    );
  }
  mkdirSync(libDir, { recursive: true });
  log.info({ lib_dir: libDir }, 'fetching kafka broker from maven central');
  run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      KAFKA_POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libDir}`,
    ],
    'fetching the Kafka broker',
  );
}

const DEBIAN_PACKAGES: Record<string, string> = {
  'clickhouse-server': 'clickhouse-server',
  'clickhouse-client': 'clickhouse-client',
  kcat: 'kcat',
};

/** Installs the Debian packages behind any missing command with apt-get, when run as root. */
export function ensureDebianCommands(commands: string[], log: Logger): void {
  const missing = commands.filter((c) => !which(c));
  if (missing.length === 0) return;

  const packages = missing.map((c) => DEBIAN_PACKAGES[c] ?? c);
  const hint = `install them with: apt-get install ${packages.join(' ')}`;
  if (!which('apt-get')) {
    throw new StackSetupError(
      `${missing.join(', ')} not found and apt-get is not available; ${hint} or your system's packages`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new StackSetupError(`${missing.join(', ')} not found; run as root or ${hint}`);
  }
  log.info({ packages }, 'installing debian packages');
  run('apt-get', ['update', '-qq'], 'apt-get update');
  run('apt-get', ['install', '-y', '-qq', ...packages], `installing ${packages.join(' ')}`);
}
