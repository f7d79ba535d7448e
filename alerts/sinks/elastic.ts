import { resolveSecret, type Secret } from '../../core/secret.ts';
import { DeliveryError } from '../errors.ts';
import type { ElasticSinkConfig } from './configs.ts';
import { ecsDocument } from './ecs.ts';
import { postHttp } from './http.ts';
import type { DeliveryRequest, FetchFunction, Sink } from './sink.ts';

interface BulkItem {
  status?: number;
  error?: { type?: string; reason?: string };
}

/**
 * Sends each alert as an ECS document to an Elasticsearch-compatible `_bulk` endpoint with a
 * `create` action whose `_id` is the message id. A retry of a document that already arrived gets
 * 409 and counts as delivered, so the index contains each alert once.
 */
export class ElasticSink implements Sink {
  readonly name: string;
  readonly #apiKey: Secret | undefined;

  constructor(
    private readonly config: ElasticSinkConfig,
    private readonly fetch: FetchFunction,
    env: NodeJS.ProcessEnv,
  ) {
    this.name = config.name;
    this.#apiKey =
      config.apiKey === undefined
        ? undefined
        : resolveSecret(config.apiKey, `alerts.sinks.${config.name}.apiKey`, env);
  }

  async deliver(request: DeliveryRequest): Promise<number> {
    const action = { create: { _index: this.config.index, _id: request.messageId } };
    const body = `${JSON.stringify(action)}\n${JSON.stringify(ecsDocument(request.alert, request.messageId))}\n`;
    const response = await postHttp({
      sink: this.name,
      url: bulkUrl(this.config.url),
      headers: {
        'content-type': 'application/x-ndjson',
        ...(this.#apiKey === undefined ? {} : { authorization: `ApiKey ${this.#apiKey.reveal()}` }),
      },
      body,
      timeoutMs: this.config.timeoutMs,
      signal: request.signal,
      fetch: this.fetch,
    });
    checkBulkItem(this.name, response.statusCode, response.body);
    return response.statusCode;
  }
}

/** Appends `/_bulk` unless the configured url already ends in it. */
function bulkUrl(url: string): string {
  return /\/_bulk\/?$/.test(url) ? url : `${url.replace(/\/$/, '')}/_bulk`;
}

/** Checks the item status, because a bulk response is 200 even when its item failed. */
function checkBulkItem(sink: string, statusCode: number, body: string): void {
  let item: BulkItem | undefined;
  try {
    const parsed = JSON.parse(body) as { items?: { create?: BulkItem }[] };
    item = parsed.items?.[0]?.create;
  } catch {
    item = undefined;
  }
  const status = item?.status ?? 0;
  if ((status >= 200 && status < 300) || status === 409) return;

  const retriable = status === 0 || status === 429 || status >= 500;
  const reason = item?.error?.reason ?? item?.error?.type ?? body.slice(0, 200);
  throw new DeliveryError(`Elastic sink ${sink}: bulk item status ${status}: ${reason}`, {
    sink,
    statusCode: status || statusCode,
    retriable,
  });
}
