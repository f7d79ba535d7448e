import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { EastwatchError } from '../core/errors.ts';

const CLI = new URL('../bin/eastwatch.js', import.meta.url).pathname;

/** A child process running the `eastwatch` command line, its logs in `logDir/<name>.log`. */
export interface CliProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number>;
  stdout: () => string;
}

/** Starts `eastwatch ARGS` with the demo's environment; stderr (its JSON logs) goes to a file. */
export function startCli(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
): CliProcess {
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [CLI, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.pipe(log);
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { name, child, exited, stdout: () => stdout };
}

/** Runs `eastwatch ARGS` to the end and throws when it fails or outlives `timeoutMs`. */
export async function runCli(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
  timeoutMs: number,
): Promise<string> {
  const proc = startCli(name, args, env, logDir);
  const timer = setTimeout(() => proc.child.kill('SIGTERM'), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) {
    throw new EastwatchError(
      'DEMO_STEP_FAILED',
      `demo step "eastwatch ${args.join(' ')}" exited with ${code}; see ${join(logDir, `${name}.log`)}`,
    );
  }
  return proc.stdout();
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
export async function stopCli(proc: CliProcess, graceMs = 20_000): Promise<number> {
  if (proc.child.exitCode !== null) return proc.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}
