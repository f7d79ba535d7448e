import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { registerKafkaCodecs } from '../../core/kafka-codecs.ts';
import { createTopic, testConfig, testKafka, uniqueName } from '../helpers/stack.ts';

describe('compressed topics', () => {
  const config = testConfig();
  const kafka = testKafka(config);
  let admin: Admin;

  beforeAll(async () => {
    registerKafkaCodecs();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  async function consumeAll(topic: string, count: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('codec') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          values.push(String(message.value));
          if (values.length === count) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    return values;
  }

  for (const codec of ['lz4', 'snappy', 'gzip']) {
    it(`reads ${codec} batches from kcat`, async () => {
      const topic = uniqueName(`codec_${codec}`);
      await createTopic(admin, topic);
      const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
      const produced = spawnSync(
        'kcat',
        ['-P', '-b', config.kafka.brokers[0]!, '-t', topic, '-z', codec],
        { input: `${lines.join('\n')}\n`, encoding: 'utf8' },
      );
      expect(produced.status).toBe(0);

      expect(await consumeAll(topic, lines.length)).toEqual(lines);
    });
  }

  it('writes lz4 batches that kcat reads', async () => {
    const topic = uniqueName('codec_lz4_out');
    await createTopic(admin, topic);
    const producer = kafka.producer();
    await producer.connect();
    const { CompressionTypes } = await import('kafkajs');
    await producer.send({
      topic,
      compression: CompressionTypes.LZ4,
      messages: [{ value: 'first' }, { value: 'second' }],
    });
    await producer.disconnect();

    const read = spawnSync(
      'kcat',
      ['-C', '-b', config.kafka.brokers[0]!, '-t', topic, '-e', '-q', '-f', '%s\\n'],
      { encoding: 'utf8' },
    );
    expect(read.stdout).toBe('first\nsecond\n');
  });
});
