import type { Command } from 'commander';
import { stackDown, stackStatus, stackUp, type ServiceStatus } from '../../stack/stack.ts';
import { configFor, print } from '../context.ts';

function printStatus(statuses: ServiceStatus[]): void {
  for (const s of statuses) {
    let state = 'stopped';
    if (s.running) state = s.ready ? 'running' : 'starting';
    const pid = s.pid === undefined ? '' : ` pid ${s.pid}`;
    print(`${s.name.padEnd(10)} ${state.padEnd(8)} ${s.address}${pid}  log ${s.log}`);
  }
}

export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description('run a local Kafka broker and ClickHouse server on loopback');

  stack
    .command('up')
    .description('install what is missing, start both services and wait until they answer')
    .action(async (_options: unknown, command: Command) => {
      printStatus(await stackUp(configFor(command).stack));
    });

  stack
    .command('down')
    .description('stop the services that `stack up` started')
    .action(async (_options: unknown, command: Command) => {
      const config = configFor(command).stack;
      const stopped = await stackDown(config);
      for (const s of stopped) print(`${s.name.padEnd(10)} stopped (pid ${s.pid})`);
      const left = (await stackStatus(config)).filter((s) => s.running);
      if (left.length > 0) {
        print(`still running: ${left.map((s) => s.name).join(', ')}`);
        process.exitCode = 1;
      } else {
        print(
          stopped.length > 0 ? 'every stack process is stopped' : 'no stack process was running',
        );
      }
    });

  stack
    .command('status')
    .description('show which services run, where, and their logs')
    .action(async (_options: unknown, command: Command) => {
      printStatus(await stackStatus(configFor(command).stack));
    });
}
