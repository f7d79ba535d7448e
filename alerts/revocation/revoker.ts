import type { ClickHouseClient } from '../../clickhouse/client.ts';
import { ConfigError } from '../../core/errors.ts';
import { resolveSecret, type Secret } from '../../core/secret.ts';
import { componentLogger } from '../../core/logger.ts';
import type { Alert } from '../alert.ts';
import { DeliveryError } from '../errors.ts';
import { postHttp } from '../sinks/http.ts';
import type { DeliveryRequest, FetchFunction, Sink } from '../sinks/sink.ts';
import { alreadyRevoked, writeAudit } from './audit.ts';
import type { RevocationConfig, RevocationEndpoint } from './config.ts';

const log = componentLogger('revocation');

/** The name under which revocation calls go through the outbox like a sink. */
export const REVOCATION_SINK = 'revocation';

interface PreparedCall {
  headers: Record<string, string>;
  body: string;
}

/**
 * Calls the identity provider for alerts the policy decided to revoke. It runs through the outbox,
 * so a call interrupted by a crash is made after restart, with the same retries as a sink. A call
 * already confirmed for the same alert and credential is not repeated. Every outcome is an audit
 * row: `revoked` when the endpoint returned 2xx, `revoke_failed` when it rejected the call.
 */
export class RevocationSink implements Sink {
  readonly name = REVOCATION_SINK;
  readonly #endpoint: RevocationEndpoint;
  readonly #secrets = new Map<string, Secret>();
  readonly #mode: string;

  constructor(
    config: RevocationConfig,
    private readonly client: ClickHouseClient,
    private readonly fetch: FetchFunction,
    private readonly now: () => number,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    if (config.endpoint === undefined) {
      throw new ConfigError('alerts.revocation.endpoint: missing; mode enforce needs an endpoint');
    }
    this.#endpoint = config.endpoint;
    this.#mode = config.mode;
    this.#readSecrets();
  }

  /** Reads every configured secret now, so a missing one fails at start, not at a revocation. */
  #readSecrets(): void {
    const endpoint = this.#endpoint;
    if (endpoint.type === 'json') {
      if (endpoint.bearerToken) this.#secret(endpoint.bearerToken, 'bearerToken');
      return;
    }
    this.#secret(endpoint.clientSecret, 'clientSecret');
    for (const [principal, ref] of Object.entries(endpoint.tokens)) {
      this.#secret(ref, `tokens.${principal}`);
    }
  }

  async deliver(request: DeliveryRequest): Promise<number> {
    const { alert } = request;
    if (await alreadyRevoked(this.client, alert)) {
      log.info({ alert_id: alert.id, principal: alert.principal }, 'revocation already confirmed');
      return 0;
    }

    const call = this.#prepare(alert);
    if (call === undefined) {
      await this.#audit(alert, 'revoke_failed', 'no_token_mapping', 0, 'no token configured');
      throw new DeliveryError(
        `no token is configured for principal ${alert.principal} in alerts.revocation.endpoint.tokens`,
        { sink: REVOCATION_SINK, retriable: false, context: { principal: alert.principal } },
      );
    }

    try {
      const response = await postHttp({
        sink: REVOCATION_SINK,
        url: this.#endpoint.url,
        ...call,
        timeoutMs: this.#endpoint.timeoutMs,
        signal: request.signal,
        fetch: this.fetch,
      });
      await this.#audit(alert, 'revoked', 'policy', response.statusCode, '');
      log.warn({ alert_id: alert.id, principal: alert.principal }, 'credential revoked');
      return response.statusCode;
    } catch (error) {
      if (error instanceof DeliveryError && !error.retriable) {
        await this.#audit(
          alert,
          'revoke_failed',
          'endpoint_rejected',
          error.statusCode,
          error.message,
        );
      }
      throw error;
    }
  }

  #prepare(alert: Alert): PreparedCall | undefined {
    const endpoint = this.#endpoint;
    if (endpoint.type === 'json') {
      const token = endpoint.bearerToken && this.#secret(endpoint.bearerToken, 'bearerToken');
      return {
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token.reveal()}` } : {}),
        },
        body: JSON.stringify({
          principal: alert.principal,
          credential_fingerprint: alert.credential,
          alert_id: alert.id,
          severity: alert.severity,
          reason: alert.findings.map((f) => f.explanation).join(' '),
        }),
      };
    }

    const tokenRef = endpoint.tokens[alert.principal];
    if (tokenRef === undefined) return undefined;
    const token = this.#secret(tokenRef, `tokens.${alert.principal}`);
    const clientSecret = this.#secret(endpoint.clientSecret, 'clientSecret');
    // RFC 6749 section 2.3.1: both parts are form-encoded before they are joined and base64-encoded.
    const basic = Buffer.from(
      `${formEncode(endpoint.clientId)}:${formEncode(clientSecret.reveal())}`,
    ).toString('base64');
    return {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
      },
      body: new URLSearchParams({
        token: token.reveal(),
        token_type_hint: endpoint.tokenTypeHint,
      }).toString(),
    };
  }

  /** Resolves a secret once and caches it; a missing one raises a configuration error. */
  #secret(ref: Parameters<typeof resolveSecret>[0], key: string): Secret {
    const cached = this.#secrets.get(key);
    if (cached) return cached;
    const secret = resolveSecret(ref, `alerts.revocation.endpoint.${key}`, this.env);
    this.#secrets.set(key, secret);
    return secret;
  }

  async #audit(
    alert: Alert,
    decision: 'revoked' | 'revoke_failed',
    reason: string,
    statusCode: number,
    detail: string,
  ): Promise<void> {
    await writeAudit(this.client, {
      decidedAtMs: this.now(),
      alert,
      mode: this.#mode,
      decision,
      reason,
      endpoint: this.#endpoint.url,
      statusCode,
      detail,
    });
  }
}

/** Encodes a value as application/x-www-form-urlencoded, as URLSearchParams does. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
