import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_EVENT_FIELDS,
  accessEventAvroSchema,
  accessEventType,
  InvalidEventError,
  invalidEventFields,
  validateAccessEvent,
  type AccessEvent,
} from '../../schemas/access-event.ts';

const event: AccessEvent = {
  id: 'req-1',
  timestamp: 1_733_300_000_123,
  principal: 'spiffe://corp/ns/bots/sa/chat-bot',
  credential: 'a1b2',
  sourceIp: '10.1.2.3',
  userAgent: 'bot/1.0',
  method: 'GET',
  host: 'wiki.corp',
  path: '/rest/api/content/42',
  route: '/rest/api/content/{id}',
  status: 200,
  bytesIn: 0,
  bytesOut: 5120,
  durationMs: 12.5,
  proxy: 'envoy',
  topic: 'gateway-logs',
  partition: 0,
  offset: 17,
};

describe('access event schema', () => {
  it('accepts a complete event', () => {
    expect(validateAccessEvent(event)).toBe(event);
  });

  it('names every invalid field', () => {
    const bad = { ...event, status: '200', bytesOut: -1.5, host: undefined };
    expect(invalidEventFields(bad)).toEqual(['host', 'status', 'bytesOut']);
    expect(() => validateAccessEvent(bad)).toThrow(InvalidEventError);
  });

  it('round-trips through Avro binary', () => {
    const decoded: unknown = accessEventType.fromBuffer(accessEventType.toBuffer(event));
    expect(decoded).toEqual(event);
  });

  it('lists fields in schema order', () => {
    expect(ACCESS_EVENT_FIELDS[0]).toBe('id');
    expect(ACCESS_EVENT_FIELDS).toHaveLength(18);
  });

  it('matches the exported .avsc file', () => {
    const file: unknown = JSON.parse(
      readFileSync(new URL('../../schemas/access-event.avsc', import.meta.url), 'utf8'),
    );
    expect(file).toEqual(JSON.parse(JSON.stringify(accessEventAvroSchema)));
  });
});
