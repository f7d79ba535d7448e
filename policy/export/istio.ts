import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { IstioExportConfig } from '../config.ts';
import { componentLogger } from '../../core/logger.ts';
import { istioPath } from '../paths.ts';
import type { PrincipalPolicy } from '../types.ts';
import { formatIdentity, routeMethodsOf, type ExportMode } from './common.ts';

/**
 * Istio `AuthorizationPolicy` objects (security.istio.io/v1): one ALLOW policy per principal,
 * whose single rule matches the principal's peer identity (`source.principals`) and lists one
 * operation per host and route with the methods seen there, plus the companion
 * `eastwatch-deny-by-default`. That companion is an ALLOW policy with an empty spec, which
 * matches nothing, so a request that no principal's policy allows is denied.
 *
 * Monitor mode adds the annotation `istio.io/dry-run: "true"` to every object: Istio then
 * evaluates the policies and records the would-be result in the proxy's logs and metrics
 * without enforcing it. The AUDIT action is not used, because it only marks requests for an
 * audit logging provider and does not evaluate ALLOW semantics.
 */

export interface IstioAuthorizationPolicy {
  apiVersion: 'security.istio.io/v1';
  kind: 'AuthorizationPolicy';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    selector?: { matchLabels: Record<string, string> };
    action?: 'ALLOW';
    rules?: IstioRule[];
  };
}

export interface IstioRule {
  from: { source: { principals: string[] } }[];
  to: { operation: { hosts: string[]; methods: string[]; paths: string[] } }[];
}

export const DENY_BY_DEFAULT_NAME = 'eastwatch-deny-by-default';

const log = componentLogger('policy-export');

/**
 * Returns false for a route whose text contains `*`. Istio reads `*` in `paths` as a wildcard
 * and has no escape for it, so such a route (for example `OPTIONS *`) would allow far more than
 * the one call seen. The Istio export leaves it out, so calls to it are denied there, while the
 * Envoy and OPA exports escape it and keep it.
 */
export function isIstioLiteral(route: string): boolean {
  return !route.includes('*');
}
const MAX_NAME_LENGTH = 63;

/**
 * Builds a Kubernetes object name for a principal: lower-case letters, digits and `-`, at most
 * 63 characters, with a hash suffix so that principals differing only in punctuation stay apart.
 */
export function policyName(principal: string): string {
  const hash = createHash('sha256').update(principal).digest('hex').slice(0, 8);
  const slug = principal
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = MAX_NAME_LENGTH - 'eastwatch-allow-'.length - hash.length - 1;
  const kept = slug.slice(0, room).replace(/-+$/, '');
  return kept ? `eastwatch-allow-${kept}-${hash}` : `eastwatch-allow-${hash}`;
}

function metadataOf(name: string, config: IstioExportConfig, mode: ExportMode, version: number) {
  return {
    name,
    namespace: config.namespace,
    labels: {
      'app.kubernetes.io/managed-by': 'eastwatch',
      'eastwatch.dev/policy-version': String(version),
    },
    ...(mode === 'monitor' ? { annotations: { 'istio.io/dry-run': 'true' } } : {}),
  };
}

function selectorOf(config: IstioExportConfig) {
  return config.selector ? { selector: { matchLabels: { ...config.selector } } } : {};
}

/** Builds the ALLOW policy of one principal; undefined when the principal has no allowed route. */
export function istioPolicyOf(
  policy: PrincipalPolicy,
  config: IstioExportConfig,
  mode: ExportMode,
  version: number,
): IstioAuthorizationPolicy | undefined {
  const entries = routeMethodsOf(policy).filter((entry) => {
    if (isIstioLiteral(entry.route)) return true;
    log.warn(
      { principal: policy.principal, host: entry.host, route: entry.route },
      'route left out of the Istio export',
    );
    return false;
  });
  const operations = entries.map((entry) => ({
    operation: {
      hosts: [entry.host],
      methods: entry.methods,
      paths: [istioPath(entry.route, config.pathMatch)],
    },
  }));
  if (operations.length === 0) return undefined;

  const principal = formatIdentity(config.principalTemplate, policy.principal);
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: metadataOf(policyName(policy.principal), config, mode, version),
    spec: {
      ...selectorOf(config),
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: [principal] } }], to: operations }],
    },
  };
}

/** Builds the deny-by-default companion: an ALLOW policy with no rules matches no request. */
export function denyByDefaultPolicy(
  config: IstioExportConfig,
  mode: ExportMode,
  version: number,
): IstioAuthorizationPolicy {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: metadataOf(DENY_BY_DEFAULT_NAME, config, mode, version),
    spec: { ...selectorOf(config) },
  };
}

/** Builds every Istio object of a policy version: the principals' policies, then the companion. */
export function istioObjects(
  principals: readonly PrincipalPolicy[],
  config: IstioExportConfig,
  mode: ExportMode,
  version: number,
): IstioAuthorizationPolicy[] {
  const objects = principals
    .map((p) => istioPolicyOf(p, config, mode, version))
    .filter((o): o is IstioAuthorizationPolicy => o !== undefined);
  return [...objects, denyByDefaultPolicy(config, mode, version)];
}

/** Writes objects as one multi-document YAML stream, for `kubectl apply -f`. */
export function toYamlStream(objects: readonly object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
