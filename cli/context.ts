import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.ts';

/** Loads the configuration named by the global `--config` option, once per process. */
let cached: Config | undefined;

export function configFor(command: Command): Config {
  if (cached) return cached;
  const root = rootOf(command);
  const file = root.opts<{ config?: string }>().config;
  cached = loadConfig(file === undefined ? {} : { file });
  return cached;
}

function rootOf(command: Command): Command {
  let node = command;
  while (node.parent) node = node.parent;
  return node;
}

/** Writes a line to stdout, the channel for a command's result. */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
