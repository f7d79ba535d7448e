import { createHash } from 'node:crypto';
import type { RawRequest } from '../parsers/raw-request.ts';

function sha256Hex(parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * Returns the stable event id. A request id assigned by the logging system itself (CloudTrail
 * `eventID`, Kubernetes `auditID` with the stage, Cloudflare `RayID`) is used as it is. A request
 * id that a client can set (`x-request-id`, the ALB trace id) is followed by a hash of the
 * record's bytes. So a caller that repeats one id on many requests cannot collapse them into one
 * event, and sidecars that log one request on both hops keep two events. Without a request id the
 * id is a hash of topic, partition and offset. Each form is stable, so a replay gives the same id.
 */
export function eventId(
  raw: RawRequest,
  value: Buffer,
  topic: string,
  partition: number,
  offset: string,
): string {
  if (raw.requestId !== '' && raw.requestIdTrusted) return raw.requestId;
  if (raw.requestId !== '') return `${raw.requestId}~${sha256Hex([value]).slice(0, 16)}`;
  return `k-${sha256Hex([topic, String(partition), offset]).slice(0, 32)}`;
}
