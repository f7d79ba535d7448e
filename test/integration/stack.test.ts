import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type StackConfig } from '../../core/config.ts';
import { isPortOpen } from '../../stack/process.ts';
import { stackDown, stackStatus, stackUp } from '../../stack/stack.ts';

// A second stack on other ports and in its own folder, so this test can stop what it starts
// without touching the stack the other tests use. It shares the broker jars already fetched.
function isolatedStack(offset: number): StackConfig {
  const dir = mkdtempSync(join(tmpdir(), 'eastwatch-stack-'));
  mkdirSync(join(dir, 'kafka'), { recursive: true });
  symlinkSync(resolve('.eastwatch/kafka/lib'), join(dir, 'kafka', 'lib'));
  return parseConfig({
    stack: {
      dir,
      kafkaPort: 19092 + offset,
      kafkaControllerPort: 19093 + offset,
      clickhouseHttpPort: 18123 + offset,
      clickhouseTcpPort: 19000 + offset,
    },
  }).stack;
}

describe('stack lifecycle', () => {
  const stacks: StackConfig[] = [];
  let blocker: Server | undefined;

  afterAll(async () => {
    blocker?.close();
    for (const stack of stacks) await stackDown(stack);
  });

  it('starts twice, reports status and stops everything', async () => {
    const stack = isolatedStack(0);
    stacks.push(stack);

    const first = await stackUp(stack);
    const second = await stackUp(stack);
    expect(first.map((s) => [s.name, s.running, s.ready])).toEqual([
      ['clickhouse', true, true],
      ['kafka', true, true],
    ]);
    expect(second.map((s) => s.pid)).toEqual(first.map((s) => s.pid));

    const ping = await fetch(`http://127.0.0.1:${stack.clickhouseHttpPort}/ping`);
    expect(await ping.text()).toBe('Ok.\n');

    const stopped = await stackDown(stack);
    expect(stopped.map((s) => s.name).sort()).toEqual(['clickhouse', 'kafka']);
    const after = await stackStatus(stack);
    expect(after.every((s) => !s.running)).toBe(true);
    expect(await isPortOpen(stack.kafkaPort)).toBe(false);
    expect(await isPortOpen(stack.clickhouseHttpPort)).toBe(false);
    expect(await stackDown(stack)).toEqual([]);
  });

  it('stops what it started when a later service fails', async () => {
    const stack = isolatedStack(20);
    stacks.push(stack);
    const kafkaBlocker = createServer();
    await new Promise<void>((done) => kafkaBlocker.listen(stack.kafkaPort, '127.0.0.1', done));

    try {
      await expect(stackUp(stack)).rejects.toThrow(`port ${stack.kafkaPort} for kafka is taken`);
      const after = await stackStatus(stack);
      expect(after.map((s) => [s.name, s.running])).toEqual([
        ['clickhouse', false],
        ['kafka', false],
      ]);
      expect(await isPortOpen(stack.clickhouseHttpPort)).toBe(false);
    } finally {
      kafkaBlocker.close();
    }
  });

  it('names a port taken by another process', async () => {
    const stack = isolatedStack(10);
    stacks.push(stack);
    blocker = createServer();
    await new Promise<void>((done) => blocker!.listen(stack.clickhouseHttpPort, '127.0.0.1', done));

    await expect(stackUp(stack)).rejects.toThrow(
      `port ${stack.clickhouseHttpPort} for clickhouse is taken by a process this stack did not start; stop it or set stack.clickhouseHttpPort to a free port`,
    );
  });
});
