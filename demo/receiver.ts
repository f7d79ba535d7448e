import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../alerts/alert.ts';
import {
  MemoryReplayCache,
  verifyWebhook,
  WebhookVerificationError,
} from '../alerts/webhook-verify.ts';

/** One alert the receiver accepted, with the webhook id it came under. */
export interface ReceivedAlert {
  messageId: string;
  /** Standard Webhooks event type, for example `alert.created`. */
  type: string;
  alert: Alert;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * A SIEM stand-in on loopback that does what a careful receiver does: verifies the Standard
 * Webhooks signature, rejects stale or unsigned requests, and processes each webhook id once.
 */
export class WebhookReceiver {
  readonly received: ReceivedAlert[] = [];
  /** Requests rejected by signature verification, by reason. */
  readonly rejected = new Map<string, number>();
  /** Deliveries of an id already accepted (retries), acknowledged with 200 and not counted again. */
  duplicates = 0;
  readonly #replayCache = new MemoryReplayCache();
  readonly #server: Server;
  #url = '';

  private constructor(private readonly secret: string) {
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch(() => response.writeHead(500).end());
    });
  }

  static async start(secret: string): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.#server.address() as AddressInfo;
    receiver.#url = `http://127.0.0.1:${port}/eastwatch`;
    return receiver;
  }

  get url(): string {
    return this.#url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    try {
      const verified = verifyWebhook(request.headers, body, {
        secrets: [this.secret],
        replayCache: this.#replayCache,
      });
      const message = JSON.parse(body) as { type: string; data: Alert };
      this.received.push({
        messageId: verified.messageId,
        type: message.type,
        alert: message.data,
      });
      response.writeHead(204).end();
    } catch (error) {
      if (error instanceof WebhookVerificationError && error.reason === 'replayed') {
        this.duplicates += 1;
        response.writeHead(200).end();
        return;
      }
      const reason = error instanceof WebhookVerificationError ? error.reason : 'bad_body';
      this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
      response.writeHead(400).end(reason);
    }
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
