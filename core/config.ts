import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { secretRefSchema } from './secret.ts';
import { ingestConfigSchema } from '../ingest/config.ts';
import { trainConfigSchema } from '../models/config.ts';
import { scoreConfigSchema } from '../detectors/config.ts';
import { alertsConfigSchema } from '../alerts/config.ts';
import { policyConfigSchema } from '../policy/config.ts';

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'expected host:port, for example 127.0.0.1:9092');

const port = z.number().int().min(1).max(65535);

export const kafkaConfigSchema = z
  .strictObject({
    /** Bootstrap brokers, `host:port`. */
    brokers: z.array(hostPort).min(1).default(['127.0.0.1:9092']),
    clientId: z.string().min(1).default('eastwatch'),
    ssl: z.boolean().default(false),
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: secretRefSchema,
      })
      .optional(),
    /** Connection timeout for each broker, in milliseconds. */
    connectionTimeoutMs: z.number().int().positive().default(3000),
  })
  .prefault({});

export const clickhouseConfigSchema = z
  .strictObject({
    url: z.url().default('http://127.0.0.1:8123'),
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an identifier of letters, digits and _')
      .default('eastwatch'),
    username: z.string().min(1).default('default'),
    password: secretRefSchema.optional(),
    /** Time limit for one request, in milliseconds. */
    requestTimeoutMs: z.number().int().positive().default(60_000),
  })
  .prefault({});

export const stackConfigSchema = z
  .strictObject({
    /** Folder for the local stack's binaries, data and logs, relative to the working folder. */
    dir: z.string().min(1).default('.eastwatch'),
    kafkaPort: port.default(9092),
    kafkaControllerPort: port.default(9093),
    clickhouseHttpPort: port.default(8123),
    clickhouseTcpPort: port.default(9000),
    /** How long `stack up` waits for each service to respond, in milliseconds. */
    startTimeoutMs: z.number().int().positive().default(90_000),
  })
  .prefault({});

export const configSchema = z.strictObject({
  kafka: kafkaConfigSchema,
  clickhouse: clickhouseConfigSchema,
  stack: stackConfigSchema,
  ingest: ingestConfigSchema,
  train: trainConfigSchema,
  score: scoreConfigSchema,
  alerts: alertsConfigSchema,
  policy: policyConfigSchema,
});

export type Config = z.infer<typeof configSchema>;
export type KafkaConfig = Config['kafka'];
export type ClickHouseConfig = Config['clickhouse'];
export type StackConfig = Config['stack'];

export const DEFAULT_CONFIG_FILE = 'eastwatch.config.json';

export interface LoadConfigOptions {
  /** Path of the configuration file; `EASTWATCH_CONFIG`, then `./eastwatch.config.json`. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values applied over the file and the environment, for command-line flags. */
  overrides?: Record<string, unknown>;
}

/**
 * Loads and validates the configuration once: the file, then environment overrides, then the
 * caller's overrides. Unknown keys are rejected. The result is frozen.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env['EASTWATCH_CONFIG'];
  const raw = readConfigFile(file);

  const origins = applyEnvOverrides(raw, env);
  if (options.overrides) mergeInto(raw, options.overrides);

  return deepFreeze(parseConfig(raw, file ?? DEFAULT_CONFIG_FILE, origins));
}

/**
 * Validates an already-read configuration object. `origins` names where a key's value came from
 * when not from the file (an environment variable), for the error message.
 */
export function parseConfig(
  raw: unknown,
  source = 'configuration',
  origins: ReadonlyMap<string, string> = new Map(),
): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(`invalid ${source}:\n${formatIssues(result.error, raw, origins)}`);
}

function readConfigFile(file: string | undefined): Record<string, unknown> {
  const path = resolve(file ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (file !== undefined) {
      throw new ConfigError(
        `configuration file ${path} does not exist; check the --config option or EASTWATCH_CONFIG`,
      );
    }
    return {};
  }
  const text = readFileSync(path, 'utf8');
  // An empty file means "all defaults", like no file at all.
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`configuration file ${path} is not valid JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`configuration file ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Applies the environment overrides; returns, per overridden key, the variable it came from. */
function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Map<string, string> {
  const origins = new Map<string, string>();
  const override = (name: string, path: string[], value: unknown): void => {
    setPath(raw, path, value);
    origins.set(path.join('.'), name);
    if (Array.isArray(value)) value.forEach((_, i) => origins.set(`${path.join('.')}.${i}`, name));
  };

  const brokers = env['EASTWATCH_KAFKA_BROKERS'];
  if (brokers) {
    const list = brokers.split(',').map((b) => b.trim());
    override('EASTWATCH_KAFKA_BROKERS', ['kafka', 'brokers'], list);
  }
  const url = env['EASTWATCH_CLICKHOUSE_URL'];
  if (url) override('EASTWATCH_CLICKHOUSE_URL', ['clickhouse', 'url'], url);

  const database = env['EASTWATCH_CLICKHOUSE_DATABASE'];
  if (database) override('EASTWATCH_CLICKHOUSE_DATABASE', ['clickhouse', 'database'], database);

  const user = env['EASTWATCH_CLICKHOUSE_USER'];
  if (user) override('EASTWATCH_CLICKHOUSE_USER', ['clickhouse', 'username'], user);

  if (env['EASTWATCH_CLICKHOUSE_PASSWORD']) {
    setPath(raw, ['clickhouse', 'password'], { env: 'EASTWATCH_CLICKHOUSE_PASSWORD' });
  } else if (env['EASTWATCH_CLICKHOUSE_PASSWORD_FILE']) {
    setPath(raw, ['clickhouse', 'password'], { file: env['EASTWATCH_CLICKHOUSE_PASSWORD_FILE'] });
  }
  return origins;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) mergeInto(existing, value);
    else target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Formats each validation issue as `key: problem (got VALUE)`. */
const SECRET_KEY = /password|secret|token|credentialkey|apikey|bearer/i;

/** Returns true for a key that contains a secret reference, whose value must never be printed. */
function isSecretKey(path: PropertyKey[]): boolean {
  return path.some((segment) => typeof segment === 'string' && SECRET_KEY.test(segment));
}

function formatIssues(
  error: z.ZodError,
  raw: unknown,
  origins: ReadonlyMap<string, string>,
): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? issue.keys : [];
      if (issue.code === 'unrecognized_keys') {
        const names = keys.map((k) => (key === '(root)' ? String(k) : `${key}.${String(k)}`));
        return `  ${names.join(', ')}: unknown key; remove it or check its spelling`;
      }
      const value = valueAt(raw, issue.path);
      const origin = origins.get(key);
      const from = origin === undefined ? '' : `, from ${origin}`;
      if (isSecretKey(issue.path)) {
        // The value may be the secret itself, written in clear: never repeat it.
        return `  ${key}: must be { "env": "NAME" } or { "file": "/path" }, a reference to the secret rather than the secret itself (value hidden${from})`;
      }
      return `  ${key}: ${issue.message} (got ${describeValue(value)}${from})`;
    })
    .join('\n');
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let node = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
