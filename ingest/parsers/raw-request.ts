/**
 * What a format parser extracts from one record, before normalisation. Parsers fill what their
 * format carries and leave the rest at the defaults of {@link emptyRawRequest}.
 */
export interface RawRequest {
  /** Request id from the log; `trusted` when the logging system assigns it uniquely per record. */
  requestId: string;
  requestIdTrusted: boolean;
  /** Milliseconds since the Unix epoch, or undefined when the record has no timestamp. */
  timestampMs: number | undefined;
  remoteUser: string;
  sourceIp: string;
  userAgent: string;
  method: string;
  host: string;
  /** Request target as logged: path, possibly with a query string. */
  target: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  /** Request headers the log carries, names in lower case. */
  headers: Record<string, string>;
  /** URI SAN or SPIFFE id of the client certificate. */
  mtlsIdentity: string;
  /** Identity the format itself names (CloudTrail ARN, Kubernetes user); the default principal. */
  nativePrincipal: string;
  /** Credential id the format itself names (AWS access key id), fingerprinted like a token. */
  nativeCredential: string;
  /** Route the format itself names (CloudTrail `eventSource/eventName`); skips path templating. */
  nativeRoute: string;
  /** The decoded JSON or Avro record, for `field:PATH` rules; undefined for text formats. */
  document: unknown;
}

export function emptyRawRequest(): RawRequest {
  return {
    requestId: '',
    requestIdTrusted: false,
    timestampMs: undefined,
    remoteUser: '',
    sourceIp: '',
    userAgent: '',
    method: '',
    host: '',
    target: '',
    status: 0,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    headers: {},
    mtlsIdentity: '',
    nativePrincipal: '',
    nativeCredential: '',
    nativeRoute: '',
    document: undefined,
  };
}

/** A format parser: text of one record in, raw request out, or a thrown RecordParseError. */
export type FormatParser = (text: string) => RawRequest;
