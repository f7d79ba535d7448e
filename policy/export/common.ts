import type { PolicyRoute, PrincipalPolicy } from '../types.ts';

/** `monitor` reports what the policy would deny without blocking; `enforce` blocks it. */
export type ExportMode = 'monitor' | 'enforce';

export const EXPORT_FORMATS = ['istio', 'envoy', 'opa', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Replaces `{principal}` in an identity template with the principal's name. */
export function formatIdentity(template: string, principal: string): string {
  return template.replaceAll('{principal}', principal);
}

/** One host and route of a principal's policy with every method allowed on it, sorted. */
export interface RouteMethods {
  host: string;
  route: string;
  methods: string[];
}

/** Folds the allowed routes of a principal into one entry per host and route. */
export function routeMethodsOf(policy: PrincipalPolicy): RouteMethods[] {
  const byRoute = new Map<string, RouteMethods>();
  const sorted: PolicyRoute[] = [...policy.routes];

  for (const route of sorted) {
    const key = `${route.host} ${route.route}`;
    const entry = byRoute.get(key) ?? { host: route.host, route: route.route, methods: [] };
    if (!entry.methods.includes(route.method)) entry.methods.push(route.method);
    byRoute.set(key, entry);
  }
  for (const entry of byRoute.values()) entry.methods.sort();
  return [...byRoute.values()];
}
