import { resolveSecret } from '../../core/secret.ts';
import type { WebhookSinkConfig } from './configs.ts';
import { decodeWebhookSecret, signatureHeader } from '../webhook-signature.ts';
import { postHttp } from './http.ts';
import type { DeliveryRequest, FetchFunction, Sink } from './sink.ts';

/** Builds the JSON body of a webhook in the Standard Webhooks `type`, `timestamp`, `data` shape. */
export function webhookBody(request: DeliveryRequest): string {
  return JSON.stringify({
    type: 'alert.created',
    timestamp: new Date(request.alert.timestamp).toISOString(),
    data: request.alert,
  });
}

/**
 * Sends alerts as Standard Webhooks: `webhook-id` (the same on every retry), `webhook-timestamp`
 * (seconds, the time of this attempt) and `webhook-signature` with one `v1` signature per
 * configured secret, so receivers can rotate secrets without dropping messages.
 */
export class WebhookSink implements Sink {
  readonly name: string;
  readonly #keys: Buffer[];

  constructor(
    private readonly config: WebhookSinkConfig,
    private readonly fetch: FetchFunction,
    private readonly now: () => number,
    env: NodeJS.ProcessEnv,
  ) {
    this.name = config.name;
    this.#keys = config.secrets.map((ref, index) => {
      const key = `alerts.sinks.${config.name}.secrets.${index}`;
      return decodeWebhookSecret(resolveSecret(ref, key, env).reveal(), key);
    });
  }

  async deliver(request: DeliveryRequest): Promise<number> {
    const body = webhookBody(request);
    const timestampSeconds = Math.floor(this.now() / 1000);
    const response = await postHttp({
      sink: this.name,
      url: this.config.url,
      headers: {
        'content-type': 'application/json',
        'webhook-id': request.messageId,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signatureHeader(this.#keys, request.messageId, timestampSeconds, body),
      },
      body,
      timeoutMs: this.config.timeoutMs,
      signal: request.signal,
      fetch: this.fetch,
    });
    return response.statusCode;
  }
}
