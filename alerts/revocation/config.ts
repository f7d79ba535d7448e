import { z } from 'zod';
import { secretRefSchema } from '../../core/secret.ts';
import { SEVERITIES } from '../alert.ts';

/**
 * OAuth 2.0 token revocation (RFC 7009): a form POST of `token` and `token_type_hint`, with the
 * client authenticated by HTTP Basic. eastwatch stores only a fingerprint of each credential, so
 * the token to send is looked up per principal in `tokens`. A principal without an entry is not
 * revoked.
 */
export const oauthEndpointSchema = z.strictObject({
  type: z.literal('oauth2'),
  url: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  clientSecret: secretRefSchema,
  tokenTypeHint: z.enum(['access_token', 'refresh_token']).default('access_token'),
  /** Token to revoke for each principal, read from a secret. */
  tokens: z.record(z.string().min(1), secretRefSchema).default({}),
  timeoutMs: z.number().int().positive().default(10_000),
});

/**
 * A JSON POST of `{ principal, credential_fingerprint, alert_id, severity, reason }` for identity
 * providers or in-house services that find the credential by principal or fingerprint.
 */
export const jsonEndpointSchema = z.strictObject({
  type: z.literal('json'),
  url: z.url({ protocol: /^https?$/ }),
  /** Sent as `Authorization: Bearer <token>` when set. */
  bearerToken: secretRefSchema.optional(),
  timeoutMs: z.number().int().positive().default(10_000),
});

export const revocationEndpointSchema = z.discriminatedUnion('type', [
  oauthEndpointSchema,
  jsonEndpointSchema,
]);

export type RevocationEndpoint = z.infer<typeof revocationEndpointSchema>;

/** Settings of `alerts.revocation`. */
export const revocationConfigSchema = z
  .strictObject({
    /** `off` decides nothing, `dry-run` records "would revoke", `enforce` calls the endpoint. */
    mode: z.enum(['off', 'dry-run', 'enforce']).default('dry-run'),
    minSeverity: z.enum(SEVERITIES).default('critical'),
    /** Principals that are never revoked, whatever the alert. */
    protectedPrincipals: z.array(z.string().min(1)).default([]),
    /** Revocations allowed in any rolling hour, across all principals. */
    maxPerHour: z.number().int().min(0).default(5),
    /** Revocations allowed per principal in any rolling hour. */
    maxPerPrincipalPerHour: z.number().int().min(0).default(1),
    endpoint: revocationEndpointSchema.optional(),
  })
  .prefault({})
  .superRefine((value, context) => {
    if (value.mode === 'enforce' && value.endpoint === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: 'mode enforce needs an endpoint; configure one or use mode dry-run',
      });
    }
  });

export type RevocationConfig = z.infer<typeof revocationConfigSchema>;
