import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { createTopic, testConfig, testKafka, uniqueName } from '../helpers/stack.ts';

describe('Kafka broker', () => {
  const config = testConfig();
  const kafka = testKafka(config);
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('delivers a kcat message to a kafkajs consumer group', async () => {
    const topic = uniqueName('kcat');
    await createTopic(admin, topic);
    const produced = spawnSync(
      'kcat',
      ['-P', '-b', config.kafka.brokers[0]!, '-t', topic, '-k', 'chat-bot'],
      {
        input: 'hello from kcat\n',
        encoding: 'utf8',
      },
    );
    expect(produced.status).toBe(0);

    const consumer = kafka.consumer({ groupId: uniqueName('group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<{ key: string; value: string }>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          resolve({ key: String(message.key), value: String(message.value) });
          return Promise.resolve();
        },
      });
    });
    const message = await received;
    await consumer.disconnect();

    expect(message).toEqual({ key: 'chat-bot', value: 'hello from kcat' });
  });

  it('commits consumer group offsets', async () => {
    const topic = uniqueName('commit');
    const groupId = uniqueName('group');
    await createTopic(admin, topic);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic: t, partition, message }) => {
          seen += 1;
          await consumer.commitOffsets([
            { topic: t, partition, offset: String(Number(message.offset) + 1) },
          ]);
          if (seen === 3) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets[0]!.partitions[0]!.offset).toBe('3');
  });
});
