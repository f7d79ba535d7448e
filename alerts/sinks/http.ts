import { DeliveryError } from '../errors.ts';
import type { FetchFunction } from './sink.ts';

export interface HttpPost {
  sink: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal: AbortSignal;
  fetch: FetchFunction;
}

export interface HttpResponse {
  statusCode: number;
  body: string;
}

/** Same-origin 307 and 308 redirects followed before giving up. */
const MAX_REDIRECTS = 3;

/**
 * POSTs a body and returns the 2xx response. Redirects are never followed automatically: a 307 or
 * 308 to the same origin is repeated by hand, and any other redirect is rejected, so an alert and
 * its credentials go only to the configured host. TLS certificates are verified by Node's fetch,
 * which has no switch to turn that off here. The timeout aborts the request itself.
 */
export async function postHttp(request: HttpPost): Promise<HttpResponse> {
  let url = new URL(request.url);
  for (let redirects = 0; ; redirects++) {
    const response = await send(request, url);
    const location = response.headers.get('location');
    const isRedirect = response.status >= 300 && response.status < 400;
    if (!isRedirect) return await checkStatus(request, response);

    await response.body?.cancel();
    const next = location === null ? undefined : new URL(location, url);
    const followable = response.status === 307 || response.status === 308;
    if (next === undefined || next.origin !== url.origin || !followable) {
      throw new DeliveryError(
        `sink ${request.sink} responded ${response.status} with a redirect to ` +
          `${next?.origin ?? 'nowhere'}; only same-origin 307/308 are followed, so point the sink's url at the final address`,
        { sink: request.sink, statusCode: response.status, retriable: false },
      );
    }
    if (redirects >= MAX_REDIRECTS) {
      throw new DeliveryError(`sink ${request.sink} redirected more than ${MAX_REDIRECTS} times`, {
        sink: request.sink,
        statusCode: response.status,
        retriable: false,
      });
    }
    url = next;
  }
}

async function send(request: HttpPost, url: URL): Promise<Response> {
  // A timer-held controller, because on Node 20.20 a request signalled by AbortSignal.timeout()
  // inside AbortSignal.any() was seen to hang past its timeout while other requests were running.
  const timeout = new AbortController();
  const timer = setTimeout(() => {
    timeout.abort(new DOMException('request timed out', 'TimeoutError'));
  }, request.timeoutMs);
  const signal = AbortSignal.any([request.signal, timeout.signal]);
  try {
    return await request.fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal,
    });
  } catch (cause) {
    if (isCertificateFailure(cause)) {
      throw new DeliveryError(
        `TLS certificate of sink ${request.sink} failed verification; ` +
          'install a certificate that chains to a trusted CA (NODE_EXTRA_CA_CERTS adds one)',
        { sink: request.sink, retriable: false, cause },
      );
    }
    const what = timeout.signal.aborted ? `timed out after ${request.timeoutMs} ms` : 'failed';
    throw new DeliveryError(`request to sink ${request.sink} ${what}`, {
      sink: request.sink,
      retriable: true,
      cause,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** OpenSSL verification codes that Node reports for a certificate it does not trust. */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Returns true when fetch failed because the server's certificate did not verify. */
function isCertificateFailure(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CERTIFICATE_ERRORS.has(code)) return true;
  }
  return false;
}

/** 2xx succeeds; 408, 425, 429 and 5xx are worth a retry; any other status is final. */
async function checkStatus(request: HttpPost, response: Response): Promise<HttpResponse> {
  let body: string;
  try {
    body = await response.text();
  } catch (cause) {
    throw new DeliveryError(`reading the response of sink ${request.sink} failed`, {
      sink: request.sink,
      statusCode: response.status,
      retriable: true,
      cause,
    });
  }
  if (response.ok) return { statusCode: response.status, body };

  const retriable = [408, 425, 429].includes(response.status) || response.status >= 500;
  throw new DeliveryError(
    `sink ${request.sink} responded with HTTP ${response.status}` +
      (retriable ? '; retrying' : '; the request was rejected, so check the sink configuration'),
    { sink: request.sink, statusCode: response.status, retriable },
  );
}
