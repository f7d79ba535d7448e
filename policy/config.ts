import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;

function isRegex(text: string): boolean {
  try {
    new RegExp(text, 'i');
    return true;
  } catch {
    return false;
  }
}

const openApiSourceSchema = z.strictObject({
  /** Destination host whose routes the file describes, lower case. */
  host: z.string().min(1),
  /** OpenAPI 3 or Swagger 2 document, JSON or YAML, relative to the working folder. */
  file: z.string().min(1),
});

const principalTemplate = z
  .string()
  .regex(/\{principal\}/, 'expected a template containing {principal}')
  .default('{principal}');

export const istioExportConfigSchema = z
  .strictObject({
    /** Namespace of the exported AuthorizationPolicy objects. */
    namespace: z.string().min(1).default('default'),
    /** Identity in `source.principals`, for example `cluster.local/ns/apps/sa/{principal}`. */
    principalTemplate,
    /** Workload labels for `spec.selector.matchLabels`; none applies the policy namespace-wide. */
    selector: z.record(z.string(), z.string()).optional(),
    /**
     * Translation of route parameters into Istio paths. `template` writes `{*}` for one segment
     * (Istio path templates), and `prefix` cuts the route at its first parameter and appends `*`.
     */
    pathMatch: z.enum(['template', 'prefix']).default('template'),
  })
  .prefault({});

export const envoyExportConfigSchema = z
  .strictObject({
    /** Peer identity matched by `authenticated.principal_name`, for example a SPIFFE URI. */
    principalTemplate,
    /** Stat prefix of the shadow (monitor mode) rules. */
    shadowRulesStatPrefix: z.string().default('eastwatch_'),
  })
  .prefault({});

const score = z.number().min(0).max(1);

/** Scores of the `out-of-policy` detector, from 0 to 1, by how a call departs from the policy. */
export const outOfPolicyConfigSchema = z
  .strictObject({
    newPrivilegeScore: score.default(0.9),
    newGroupWriteScore: score.default(0.9),
    newGroupReadScore: score.default(0.7),
    newRouteScore: score.default(0.4),
    principalNotInPolicyScore: score.default(0.3),
  })
  .prefault({});

/** Settings of the `policy` section: learning, exports and drift. */
export const policyConfigSchema = z
  .strictObject({
    /** Calls a route needs in the baseline to enter the policy; rarer routes go to review. */
    minRouteCount: z.number().int().positive().default(5),
    /** Static leading route segments that name an API group, per destination host. */
    groupPrefixSegments: z.number().int().min(1).max(8).default(1),
    /** Leading segments of the API root (case-insensitive regular expression), not counted. */
    groupRootSegments: z
      .string()
      .refine(isRegex, 'expected a valid regular expression')
      .default('^(api|rest|v[0-9]+|[0-9]+)$'),
    /** OpenAPI documents whose operation tags name the API groups of their host. */
    openapi: z.array(openApiSourceSchema).default([]),
    /** Default window of `policy diff`, in milliseconds. */
    diffWindowMs: z.number().int().positive().default(DAY_MS),
    istio: istioExportConfigSchema,
    envoy: envoyExportConfigSchema,
    detector: outOfPolicyConfigSchema,
  })
  .prefault({});

export type PolicyConfig = z.infer<typeof policyConfigSchema>;
export type IstioExportConfig = z.infer<typeof istioExportConfigSchema>;
export type EnvoyExportConfig = z.infer<typeof envoyExportConfigSchema>;
export type OpenApiSource = z.infer<typeof openApiSourceSchema>;
