import {
  objectField,
  parseJsonObject,
  statusField,
  stringField,
  type JsonObject,
} from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { RecordParseError, wrongType } from './record-error.ts';
import { parseIsoTime } from './time.ts';

/**
 * Parses a Kubernetes API server audit event (`audit.k8s.io/v1`, kind `Event`). The principal is
 * `user.username`, which is `system:serviceaccount:NAMESPACE:NAME` for service accounts. The
 * credential is the `authentication.kubernetes.io/credential-id` extra (a token's JTI or a
 * certificate hash) and the method is the audit verb. The route is built from `objectRef` as
 * `/<group>/<version>/namespaces/{namespace}/<resource>/{name}/<subresource>`, so every pod of a
 * namespace is one route. The event id is `auditID` and `stage`, because one request is audited
 * once per stage.
 */
export function parseK8sAudit(text: string): RawRequest {
  const object = parseJsonObject(text);
  if (stringField(object, 'kind') !== 'Event') {
    throw new RecordParseError('wrong_type', 'record is not a Kubernetes audit Event', {
      field: 'kind',
    });
  }

  const raw = emptyRawRequest();
  raw.document = object;
  const received = parseIsoTime(
    stringField(object, 'requestReceivedTimestamp'),
    'requestReceivedTimestamp',
    'UTC',
  );
  const stageTime = stringField(object, 'stageTimestamp');
  const stageMs = stageTime === '' ? received : parseIsoTime(stageTime, 'stageTimestamp', 'UTC');
  raw.timestampMs = received;
  raw.durationMs = Math.max(0, stageMs - received);

  const auditId = stringField(object, 'auditID');
  raw.requestId = auditId === '' ? '' : `${auditId}/${stringField(object, 'stage')}`;
  raw.requestIdTrusted = auditId !== '';
  raw.method = stringField(object, 'verb');
  raw.target = stringField(object, 'requestURI');
  raw.userAgent = stringField(object, 'userAgent');
  raw.sourceIp = firstSourceIp(object);
  raw.status = statusField(objectField(object, 'responseStatus'), 'code');

  const user = objectField(object, 'user');
  raw.nativePrincipal = stringField(user, 'username');
  raw.nativeCredential = credentialId(objectField(user, 'extra'));
  raw.nativeRoute = resourceRoute(objectField(object, 'objectRef'));
  return raw;
}

function firstSourceIp(object: JsonObject): string {
  const sourceIps = object['sourceIPs'];
  if (sourceIps === undefined || sourceIps === null) return '';
  if (!Array.isArray(sourceIps)) throw wrongType('sourceIPs', 'an array of strings', sourceIps);
  const first: unknown = sourceIps[0];
  if (first === undefined) return '';
  if (typeof first !== 'string') throw wrongType('sourceIPs', 'an array of strings', first);
  return first;
}

function credentialId(extra: JsonObject): string {
  const values = extra['authentication.kubernetes.io/credential-id'];
  if (!Array.isArray(values)) return '';
  const first: unknown = values[0];
  return typeof first === 'string' ? first : '';
}

function resourceRoute(objectRef: JsonObject): string {
  const resource = stringField(objectRef, 'resource');
  if (resource === '') return '';
  const group = stringField(objectRef, 'apiGroup') || 'core';
  const parts = ['', group, stringField(objectRef, 'apiVersion') || '{version}'];
  if (stringField(objectRef, 'namespace') !== '') parts.push('namespaces', '{namespace}');
  parts.push(resource);
  if (stringField(objectRef, 'name') !== '') parts.push('{name}');
  const subresource = stringField(objectRef, 'subresource');
  if (subresource !== '') parts.push(subresource);
  return parts.join('/');
}
