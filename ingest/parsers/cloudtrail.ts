import { objectField, parseJsonObject, stringField, type JsonObject } from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { RecordParseError } from './record-error.ts';
import { parseIsoTime } from './time.ts';

/**
 * Parses one AWS CloudTrail event (one element of a log file's `Records`). The principal is the
 * user identity's ARN (else its principal id, else the AWS service that acted), the credential is
 * the access key id, the host is the event source and the route `/<eventSource>/<eventName>`.
 * The method is the leading verb of the event name (`GetSecretValue` gives `GET`). The status
 * is 200 without an `errorCode`, 403 for access-denied and unauthorized codes, else 400, and
 * 401 for a failed console sign-in.
 */
export function parseCloudTrail(text: string): RawRequest {
  const object = parseJsonObject(text);
  if (Object.hasOwn(object, 'Records')) {
    throw new RecordParseError(
      'wrong_type',
      'record is a CloudTrail log file; send one event per record',
      {
        field: 'Records',
      },
    );
  }
  const eventSource = stringField(object, 'eventSource');
  const eventName = stringField(object, 'eventName');
  if (eventSource === '' || eventName === '') {
    throw new RecordParseError(
      'missing_field',
      'CloudTrail event has no eventSource or eventName',
      {
        field: eventSource === '' ? 'eventSource' : 'eventName',
      },
    );
  }

  const raw = emptyRawRequest();
  raw.document = object;
  raw.timestampMs = parseIsoTime(stringField(object, 'eventTime'), 'eventTime', 'UTC');
  raw.requestId = stringField(object, 'eventID');
  raw.requestIdTrusted = raw.requestId !== '';
  raw.sourceIp = stringField(object, 'sourceIPAddress');
  raw.userAgent = stringField(object, 'userAgent');
  raw.host = eventSource;
  raw.target = `/${eventName}`;
  raw.method = leadingVerb(eventName);
  raw.nativeRoute = `/${eventSource}/${eventName}`;
  raw.status = statusOf(stringField(object, 'errorCode'), objectField(object, 'responseElements'));

  const identity = objectField(object, 'userIdentity');
  raw.nativePrincipal = identityName(identity);
  raw.nativeCredential = stringField(identity, 'accessKeyId');
  return raw;
}

function identityName(identity: JsonObject): string {
  return (
    stringField(identity, 'arn') ||
    stringField(identity, 'principalId') ||
    stringField(identity, 'invokedBy')
  );
}

function leadingVerb(eventName: string): string {
  let end = 1;
  while (end < eventName.length && !isUpper(eventName.charCodeAt(end))) end += 1;
  return eventName.slice(0, end);
}

function isUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

function statusOf(errorCode: string, response: JsonObject): number {
  // A failed console sign-in has no errorCode, only this response element.
  if (response['ConsoleLogin'] === 'Failure') return 401;
  if (errorCode === '') return 200;
  const lower = errorCode.toLowerCase();
  return lower.includes('accessdenied') || lower.includes('unauthorized') ? 403 : 400;
}
