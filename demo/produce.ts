import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EastwatchError } from '../core/errors.ts';

/**
 * Produces lines to a topic with kcat, an independent Kafka client, as a proxy's log shipper
 * would: one line a message. With `keys`, each message is keyed (by principal) so that all of an
 * account's calls land on one partition.
 */
export async function produceWithKcat(
  broker: string,
  topic: string,
  lines: string[],
  workDir: string,
  keys?: string[],
): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `${topic}.lines`);
  const body = keys ? lines.map((line, i) => `${keys[i] ?? ''}\t${line}`) : lines;
  writeFileSync(file, `${body.join('\n')}\n`);

  const args = ['-P', '-b', broker, '-t', topic, '-z', 'lz4', '-l', file];
  if (keys) args.splice(1, 0, '-K', '\t');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new EastwatchError(
            'DEMO_PRODUCE_FAILED',
            `kcat exited with ${code} producing to ${topic}: ${stderr.trim()}`,
            {
              context: { topic },
            },
          ),
        );
    });
  });
}
