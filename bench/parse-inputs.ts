import { readFileSync } from 'node:fs';
import avro from 'avsc';
import fc from 'fast-check';
import type { LogFormat, SourceConfigInput } from '../ingest/source-config.ts';

function fixtureLines(file: string, limit = 50): string[] {
  const text = readFileSync(new URL(`../test/fixtures/${file}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .slice(0, limit);
}

/** The writer schema of the Avro seeds, also the source's plain writer schema. */
export const FUZZ_AVRO_SCHEMA = {
  type: 'record',
  name: 'GatewayLog',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'timestamp', type: 'long' },
    { name: 'method', type: 'string' },
    { name: 'path', type: 'string' },
    { name: 'status', type: 'int' },
    { name: 'sourceIp', type: ['null', 'string'], default: null },
    { name: 'headers', type: { type: 'map', values: 'string' } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

const avroType = avro.Type.forSchema(FUZZ_AVRO_SCHEMA as avro.Schema);

function avroSeeds(): Buffer[] {
  return [
    { path: '/orders/1234', sourceIp: '10.0.0.1', headers: { 'x-client-id': 'billing' }, tags: [] },
    { path: '/v1/users/alice@example.com', sourceIp: null, headers: {}, tags: ['a', 'b', 'c'] },
  ].map((fields) =>
    avroType.toBuffer({
      id: 'gw-1',
      timestamp: 1_735_689_600_000,
      method: 'GET',
      status: 200,
      ...fields,
    }),
  );
}

/** Envoy text, Cloudflare and NGINX JSON seeds: no sample of them may be copied here. */
const ENVOY_TEXT = [
  '[2019-02-12T18:37:42.921Z] "GET /httpbin/ip HTTP/1.1" 200 - 0 43 217 216 "172.17.0.5" "curl/7.59.0" "c62ec130-6dee-4f3b-a52b-4f0d1312d89d" "httpbin.org" "52.87.35.92:80"',
  '[2022-07-20T09:52:24.955Z] "GET /details/0 HTTP/1.1" 200 - via_upstream - "-" 0 178 2 1 "-" "curl/7.79.1" "785918d6-06b6-9312-bf77-6d9bd968dc21" "details:9080" "10.68.2.10:9080" inbound|9080|| 127.0.0.6:47889 10.68.2.10:9080 10.68.1.7:39696 outbound_.9080_._.details.default.svc.cluster.local default',
];
const CLOUDFLARE = [
  '{"ClientIP":"192.0.2.1","ClientRequestHost":"api.example.com","ClientRequestMethod":"POST","ClientRequestURI":"/v1/items/77?debug=1","ClientRequestUserAgent":"sdk/1.2","EdgeResponseStatus":201,"ClientRequestBytes":300,"EdgeResponseBytes":1200,"EdgeStartTimestamp":"2022-05-25T13:25:26Z","EdgeEndTimestamp":"2022-05-25T13:25:27Z","RayID":"710e98d9367f357d","RequestHeaders":{"authorization":"Bearer x.y.z"}}',
];
const NGINX_JSON = [
  '{"time_iso8601":"2024-03-01T10:00:00+01:00","remote_addr":"10.0.0.7","remote_user":"","request":"GET /orders/7/items?page=2 HTTP/1.1","status":200,"body_bytes_sent":512,"request_length":120,"request_time":0.034,"http_user_agent":"billing/2.3","host":"orders.internal","request_id":"b1946ac92492d2347c6235b4d2611184","http_authorization":"Bearer a.b.c"}',
];
const MAPPED_JSON = [
  '{"ts":1735689600,"http":{"target":"/v1/users/42/keys?x=1","method":"delete","status":204},"peer":"10.1.1.1:5000","took_us":1500,"trace":"abc","auth":{"client":"provisioner"}}',
];

/** One parser under test: its source and the real or representative records it starts from. */
export interface FuzzTarget {
  format: LogFormat;
  source: Omit<SourceConfigInput, 'topic'>;
  seeds: Buffer[];
}

/** Returns every format with its seeds; the caller writes the Avro writer schema to `avroSchemaFile`. */
export function fuzzTargets(avroSchemaFile: string): FuzzTarget[] {
  const lines = (values: string[]): Buffer[] => values.map((value) => Buffer.from(value));
  const stratus = JSON.parse(
    readFileSync(
      new URL(
        '../test/fixtures/cloudtrail-stratus-red-team/aws.defense-evasion.cloudtrail-stop.json',
        import.meta.url,
      ),
      'utf8',
    ),
  ) as unknown[];
  const cloudtrail = [
    ...fixtureLines('cloudtrail-crowdsec/aws-cloudtrail.log'),
    ...stratus.map((e) => JSON.stringify(e)),
  ];
  const k8s = [
    ...fixtureLines('k8s-audit/k8s-audit-pod-exec-file.log'),
    ...fixtureLines('k8s-audit/k8s-audit-priv-pod-file.log'),
  ];
  const all = [
    ...fixtureLines('nginx-combined/test.log'),
    ...fixtureLines('envoy-gateway-json/envoy.log'),
    ...fixtureLines('aws-alb/aws-alb-logs.log', 3),
    ...cloudtrail,
    ...k8s,
    ...ENVOY_TEXT,
  ];
  return [
    {
      format: 'nginx',
      source: { format: 'nginx', principal: 'user' },
      seeds: lines(fixtureLines('nginx-combined/test.log')),
    },
    {
      format: 'apache',
      source: { format: 'apache', principal: 'ip' },
      seeds: lines(fixtureLines('apache-combined/apache_logs')),
    },
    {
      format: 'nginx-json',
      source: { format: 'nginx-json', principal: 'jwt:sub' },
      seeds: lines(NGINX_JSON),
    },
    { format: 'envoy', source: { format: 'envoy' }, seeds: lines(ENVOY_TEXT) },
    {
      format: 'envoy-json',
      source: { format: 'envoy-json', principal: 'header:x-client-id' },
      seeds: lines(fixtureLines('envoy-gateway-json/envoy.log')),
    },
    {
      format: 'alb',
      source: { format: 'alb' },
      seeds: lines(fixtureLines('aws-alb/aws-alb-logs.log')),
    },
    { format: 'cloudtrail', source: { format: 'cloudtrail' }, seeds: lines(cloudtrail) },
    { format: 'cloudflare', source: { format: 'cloudflare' }, seeds: lines(CLOUDFLARE) },
    { format: 'k8s-audit', source: { format: 'k8s-audit' }, seeds: lines(k8s) },
    {
      format: 'traefik',
      source: { format: 'traefik' },
      seeds: lines([
        ...fixtureLines('traefik-clf/traefik_clf.log'),
        ...fixtureLines('traefik-json/traefik_json.log'),
      ]),
    },
    {
      format: 'haproxy',
      source: { format: 'haproxy' },
      seeds: lines([
        ...fixtureLines('haproxy-http/haproxy.log'),
        ...fixtureLines('haproxy-http/haproxy-logs.log'),
      ]),
    },
    {
      format: 'json',
      source: {
        format: 'json',
        principal: 'field:auth.client',
        fieldMapping: {
          timestamp: 'ts',
          timestampUnit: 's',
          path: 'http.target',
          method: 'http.method',
          status: 'http.status',
          sourceIp: 'peer',
          durationMs: 'took_us',
          durationUnit: 'us',
          requestId: 'trace',
        },
      },
      seeds: lines(MAPPED_JSON),
    },
    {
      format: 'avro',
      source: { format: 'avro', avro: { encoding: 'plain', writerSchemaFile: avroSchemaFile } },
      seeds: avroSeeds(),
    },
    { format: 'auto', source: { format: 'auto' }, seeds: lines(all) },
  ];
}

/** Text that breaks parsers: quotes, brackets, escapes, controls, odd Unicode, big numbers. */
const NASTY = [
  '"',
  '\\',
  '\\"',
  '[',
  ']',
  '{',
  '}',
  '{"',
  '":',
  ',',
  ' ',
  '  ',
  '-',
  ':',
  '/',
  '?',
  '&',
  '=',
  '%',
  '%00',
  '\u0000',
  '\r\n',
  '\n',
  '\t',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u2028',
  '\ud800',
  '\uffff',
  '\u{1f600}',
  'é',
  'null',
  'true',
  '[]',
  '{}',
  '-1',
  '1e309',
  '99999999999999999999',
  '0x1f',
  '../../',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  'Bearer ',
  'HTTP/1.1',
  '+0000',
  '2024-13-45T25:61:61Z',
];

type Mutation = (bytes: Buffer) => Buffer;

const insertText = fc
  .tuple(
    fc.nat(),
    fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 40 })),
  )
  .map(([at, text]): Mutation => (bytes) => {
    const position = at % (bytes.length + 1);
    return Buffer.concat([
      bytes.subarray(0, position),
      Buffer.from(text),
      bytes.subarray(position),
    ]);
  });

const deleteRange = fc
  .tuple(fc.nat(), fc.integer({ min: 1, max: 64 }))
  .map(([at, length]): Mutation => (bytes) => {
    const position = at % (bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, position), bytes.subarray(position + length)]);
  });

const flipByte = fc
  .tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))
  .map(([at, value]): Mutation => (bytes) => {
    if (bytes.length === 0) return bytes;
    const copy = Buffer.from(bytes);
    copy[at % copy.length] = value;
    return copy;
  });

const repeatRange = fc
  .tuple(fc.nat(), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 2, max: 400 }))
  .map(([at, length, times]): Mutation => (bytes) => {
    const position = at % (bytes.length + 1);
    const chunk = bytes.subarray(position, position + length);
    return Buffer.concat([
      bytes.subarray(0, position),
      ...Array<Buffer>(times).fill(chunk),
      bytes.subarray(position),
    ]);
  });

const truncate = fc.nat().map(
  (at): Mutation =>
    (bytes) =>
      bytes.subarray(0, at % (bytes.length + 1)),
);

/** Replaces one top-level value of a JSON seed with a random JSON value of any type. */
const retypeJsonValue = fc
  .tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 }))
  .map(([index, value]): Mutation => (bytes) => {
    let object: unknown;
    try {
      object = JSON.parse(bytes.toString('utf8'));
    } catch {
      return bytes;
    }
    if (typeof object !== 'object' || object === null || Array.isArray(object)) return bytes;
    const keys = Object.keys(object);
    const keyName = keys[index % Math.max(keys.length, 1)];
    if (keyName === undefined) return bytes;
    return Buffer.from(JSON.stringify({ ...object, [keyName]: value }));
  });

const mutation = fc.oneof(
  insertText,
  deleteRange,
  flipByte,
  repeatRange,
  truncate,
  retypeJsonValue,
);

/** Records for one target: mostly mutated seeds, some random text and random bytes. */
export function fuzzRecords(seeds: Buffer[]): fc.Arbitrary<Buffer> {
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([seed, mutations]) => mutations.reduce((bytes, apply) => apply(bytes), seed));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 400 }).map((text) => Buffer.from(text)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)) },
  );
}
