import { resolveSecret, type Secret } from '../../core/secret.ts';
import { DeliveryError } from '../errors.ts';
import type { SplunkSinkConfig } from './configs.ts';
import { postHttp } from './http.ts';
import type { DeliveryRequest, FetchFunction, Sink } from './sink.ts';

/** Returns the HTTP Event Collector envelope for an alert: `time` in seconds, the alert as `event`. */
export function splunkEnvelope(config: SplunkSinkConfig, request: DeliveryRequest): string {
  return JSON.stringify({
    time: request.alert.timestamp / 1000,
    source: config.source,
    sourcetype: config.sourcetype,
    ...(config.index === undefined ? {} : { index: config.index }),
    event: { ...request.alert, message_id: request.messageId },
  });
}

/**
 * Sends alerts to a Splunk HTTP Event Collector (`/services/collector/event`), with the token in
 * `Authorization: Splunk <token>`. HEC has no idempotency key, so a retry after a lost response
 * may index an alert twice; `event.message_id` lets a search collapse the copies.
 */
export class SplunkSink implements Sink {
  readonly name: string;
  readonly #token: Secret;

  constructor(
    private readonly config: SplunkSinkConfig,
    private readonly fetch: FetchFunction,
    env: NodeJS.ProcessEnv,
  ) {
    this.name = config.name;
    this.#token = resolveSecret(config.token, `alerts.sinks.${config.name}.token`, env);
  }

  async deliver(request: DeliveryRequest): Promise<number> {
    const response = await postHttp({
      sink: this.name,
      url: this.config.url,
      headers: {
        'content-type': 'application/json',
        authorization: `Splunk ${this.#token.reveal()}`,
      },
      body: splunkEnvelope(this.config, request),
      timeoutMs: this.config.timeoutMs,
      signal: request.signal,
      fetch: this.fetch,
    });
    checkHecAnswer(this.name, response.statusCode, response.body);
    return response.statusCode;
  }
}

/** Checks the HEC response: `{"text":"Success","code":0}` accepts the event, any other code rejects it. */
function checkHecAnswer(sink: string, statusCode: number, body: string): void {
  let code: unknown;
  try {
    code = (JSON.parse(body) as { code?: unknown }).code;
  } catch {
    code = undefined;
  }
  if (code === 0) return;
  throw new DeliveryError(
    `Splunk HEC sink ${sink} responded ${statusCode} without code 0 (got ${body.slice(0, 200)})`,
    { sink, statusCode, retriable: true },
  );
}
