import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/secret.ts';
import {
  createRecordParser,
  type ParseOutcome,
  type RecordParseError,
} from '../../ingest/parse.ts';
import type { SourceConfigInput } from '../../ingest/source-config.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import { CORPUS_SKIP_REASON, corpusPath } from '../helpers/corpus.ts';

/** Returns the event of an accepted record; a rejection fails the test with its reason. */
function eventOf(outcome: ParseOutcome): AccessEvent {
  if (!outcome.ok) throw outcome.error;
  return outcome.event;
}

/** Returns the error of a rejected record; an accepted one fails the test. */
function errorOf(outcome: ParseOutcome): RecordParseError {
  if (outcome.ok) throw new Error(`expected a rejection, got event ${outcome.event.id}`);
  return outcome.error;
}

const key = new Secret('test-key', 'test');
const meta = { topic: 'logs', partition: 0, offset: '42' };

function fixture(file: string): string {
  return readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8');
}

function parseRecord(source: Omit<SourceConfigInput, 'topic'>, record: string): ParseOutcome {
  return createRecordParser({ topic: 'logs', ...source }, { credentialKey: key })(
    Buffer.from(record),
    meta,
  );
}

/** HMAC-SHA256 under the test key, computed here by node:crypto for comparison. */
function fingerprint(credential: string): string {
  return createHmac('sha256', 'test-key').update(credential).digest('hex');
}

function event(fields: Partial<AccessEvent>): AccessEvent {
  return {
    id: '',
    timestamp: 0,
    principal: '',
    credential: '',
    sourceIp: '',
    userAgent: '',
    method: '',
    host: '',
    path: '',
    route: '',
    status: 0,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    proxy: '',
    topic: 'logs',
    partition: 0,
    offset: 42,
    ...fields,
  };
}

describe('cloudtrail parser', () => {
  it('parses a Stratus Red Team event', () => {
    const [record] = JSON.parse(
      fixture('cloudtrail-stratus-red-team/aws.defense-evasion.cloudtrail-stop.json'),
    ) as unknown[];
    expect(parseRecord({ format: 'cloudtrail' }, JSON.stringify(record))).toEqual({
      ok: true,
      event: event({
        id: '10163ed2-2253-469d-a5ee-cbc6651f8934',
        timestamp: Date.UTC(2024, 6, 31, 13, 6, 24),
        principal: 'arn:aws:iam::143434273843:user/christophe',
        credential: fingerprint('AKIAGGWFBBHBE7D3M9WI'),
        sourceIp: '86.245.153.234',
        userAgent: 'stratus-red-team_c97089f1-1ae3-4ecc-b006-f5e8fd0f2571',
        method: 'STOP',
        host: 'cloudtrail.amazonaws.com',
        path: '/StopLogging',
        route: '/cloudtrail.amazonaws.com/StopLogging',
        status: 200,
        proxy: 'cloudtrail',
      }),
    });
  });

  it('reads a failed console login as 401', () => {
    const [record] = fixture('cloudtrail-crowdsec/aws-cloudtrail.log').split('\n');
    expect(parseRecord({ format: 'cloudtrail' }, record ?? '')).toEqual({
      ok: true,
      event: event({
        id: '<eventId>',
        timestamp: Date.UTC(2023, 3, 11, 15, 24),
        principal: '<principalId>',
        sourceIp: '1.2.3.4',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101Firefox/102.0',
        method: 'CONSOLE',
        host: 'signin.amazonaws.com',
        path: '/ConsoleLogin',
        route: '/signin.amazonaws.com/ConsoleLogin',
        status: 401,
        proxy: 'cloudtrail',
      }),
    });
  });

  it('reads a principal by field path', () => {
    const [, record] = fixture('cloudtrail-crowdsec/aws-cloudtrail.log').split('\n');
    const source = { format: 'cloudtrail', principal: 'field:userIdentity.accountId' } as const;
    const outcome = parseRecord(source, record ?? '');
    expect(eventOf(outcome).principal).toBe('<accountId>');
  });

  it('maps denied calls to 403', () => {
    const [record] = JSON.parse(
      fixture('cloudtrail-stratus-red-team/aws.defense-evasion.cloudtrail-stop.json'),
    ) as Record<string, unknown>[];
    const denied = { ...record, errorCode: 'AccessDenied' };
    const outcome = parseRecord({ format: 'cloudtrail' }, JSON.stringify(denied));
    expect(eventOf(outcome).status).toBe(403);
  });

  it('rejects a whole log file', () => {
    const outcome = parseRecord({ format: 'cloudtrail' }, '{"Records":[]}');
    expect(errorOf(outcome).reason).toBe('wrong_type');
    expect(errorOf(outcome).field).toBe('Records');
  });

  it('names a user identity of the wrong type', () => {
    const record =
      '{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2024-01-01T00:00:00Z","userIdentity":"root"}';
    const outcome = parseRecord({ format: 'cloudtrail' }, record);
    expect(errorOf(outcome).reason).toBe('wrong_type');
    expect(errorOf(outcome).field).toBe('userIdentity');
  });

  const stratusDir = corpusPath('cloudtrail-stratus-red-team');

  it.skipIf(!stratusDir)(`parses every Stratus detonation (${CORPUS_SKIP_REASON})`, () => {
    const files = readdirSync(stratusDir ?? '').filter((file) => file.endsWith('.json'));
    const records = files.flatMap(
      (file) => JSON.parse(readFileSync(join(stratusDir ?? '', file), 'utf8')) as unknown[],
    );
    const failed = records
      .map((record) => parseRecord({ format: 'cloudtrail' }, JSON.stringify(record)))
      .filter((outcome) => !outcome.ok);
    expect(files).toHaveLength(35);
    expect(records).toHaveLength(310);
    expect(failed).toEqual([]);
  });
});

describe('kubernetes audit parser', () => {
  it('parses a pod exec', () => {
    const record = fixture('k8s-audit/k8s-audit-pod-exec-file.log');
    expect(parseRecord({ format: 'k8s-audit' }, record)).toEqual({
      ok: true,
      event: event({
        id: '57a794de-44d3-40ee-a0ad-c0eb096eef6c/ResponseComplete',
        timestamp: Date.parse('2023-05-17T15:08:22.763Z'),
        principal: 'minikube-user',
        sourceIp: '192.168.49.1',
        userAgent: 'kubectl/v1.26.0 (linux/amd64) kubernetes/b46a3f8',
        method: 'CREATE',
        path: '/api/v1/namespaces/foo/pods/test-pod-1/exec',
        route: '/core/v1/namespaces/{namespace}/pods/{name}/exec',
        status: 101,
        durationMs: 7856,
        proxy: 'k8s-audit',
      }),
    });
  });

  it('fingerprints the service account token id', () => {
    const audit = JSON.parse(fixture('k8s-audit/k8s-audit-priv-pod-file.log')) as Record<
      string,
      unknown
    >;
    const user = {
      username: 'system:serviceaccount:ci:deployer',
      extra: { 'authentication.kubernetes.io/credential-id': ['JTI=0f1e2d3c'] },
    };
    const outcome = parseRecord({ format: 'k8s-audit' }, JSON.stringify({ ...audit, user }));
    expect(eventOf(outcome).principal).toBe('system:serviceaccount:ci:deployer');
    expect(eventOf(outcome).credential).toBe(fingerprint('JTI=0f1e2d3c'));
    expect(eventOf(outcome).route).toBe('/core/v1/namespaces/{namespace}/pods/{name}');
  });

  it('rejects another kind', () => {
    const outcome = parseRecord({ format: 'k8s-audit' }, '{"kind":"EventList","items":[]}');
    expect(errorOf(outcome).reason).toBe('wrong_type');
    expect(errorOf(outcome).field).toBe('kind');
  });
});

const cloudflareFile = corpusPath('cloudflare-logpush-http/test-pipeline-http-request.log');

describe.skipIf(!cloudflareFile)(`cloudflare parser (${CORPUS_SKIP_REASON})`, () => {
  const records = readFileSync(cloudflareFile ?? '/dev/null', 'utf8').split('\n');
  const expected = event({
    id: '710e98d9367f357d',
    timestamp: Date.UTC(2022, 4, 25, 13, 25, 26),
    sourceIp: '175.16.199.0',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36',
    method: 'POST',
    host: 'xyz.example.com',
    path: '/s/example/api/telemetry/v2/clusters/_stats',
    route: '/s/example/api/telemetry/v2/clusters/_stats',
    status: 200,
    bytesIn: 5800,
    bytesOut: 981308,
    durationMs: 6000,
    proxy: 'cloudflare',
  });

  it('parses RFC 3339 timestamps', () => {
    const outcome = parseRecord({ format: 'cloudflare' }, records[0] ?? '');
    expect(outcome).toEqual({ ok: true, event: expected });
  });

  it('parses Unix seconds and nanoseconds', () => {
    for (const index of [2, 3]) {
      const outcome = parseRecord({ format: 'cloudflare' }, records[index] ?? '');
      expect(eventOf(outcome).timestamp).toBe(expected.timestamp);
      expect(eventOf(outcome).durationMs).toBe(6000);
    }
  });
});
