import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * A secret value read from the environment or a file. It never prints: `toString`, `toJSON` and
 * `util.inspect` all give `[redacted]`, so a secret that reaches a log line or an error stays hidden.
 * Only `reveal()` returns the value.
 */
export class Secret {
  readonly #value: string;
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.source})`;
  }
}

/** Where a secret comes from: `{ "env": "NAME" }` or `{ "file": "/path" }`. */
export const secretRefSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
  z.strictObject({ file: z.string().min(1) }),
]);

export type SecretRef = z.infer<typeof secretRefSchema>;

/** Reads a secret reference. Missing variables and unreadable files are configuration errors. */
export function resolveSecret(
  ref: SecretRef,
  key: string,
  env: NodeJS.ProcessEnv = process.env,
): Secret {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new ConfigError(
        `${key}: environment variable ${ref.env} is not set; export it or point ${key} at a file`,
        { context: { key } },
      );
    }
    return new Secret(value, `env:${ref.env}`);
  }
  try {
    // Files written by editors and secret managers usually end in one newline that is not part of
    // the secret.
    const value = readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
    return new Secret(value, `file:${ref.file}`);
  } catch (cause) {
    throw new ConfigError(`${key}: cannot read secret file ${ref.file}; check the path and mode`, {
      cause,
      context: { key },
    });
  }
}
