import type { PrincipalBaseline } from '../models/baseline.ts';

/** Sets derived from a baseline once, so detectors test membership in O(1). */
export interface BaselineLookup {
  /** Route keys built by {@link routeKey}. */
  routes: Set<string>;
  /** The same routes as route, then host, then methods, so a lookup needs no string building. */
  routeTree: Map<string, Map<string, Set<string>>>;
  hosts: Set<string>;
  methods: Set<string>;
  networks: Set<string>;
  userAgents: Set<string>;
  /** Newest activity the baseline records, UTC milliseconds; 0 when it records none. */
  lastSeenMs: number;
}

const cache = new WeakMap<PrincipalBaseline, BaselineLookup>();
// Every detector looks up the same baseline while one event is scored, so the last one is kept.
let lastBaseline: PrincipalBaseline | undefined;
let lastLookup: BaselineLookup | undefined;

/** Returns the lookup of a baseline, built on first use and cached for the baseline object. */
export function lookupFor(baseline: PrincipalBaseline): BaselineLookup {
  if (baseline === lastBaseline && lastLookup) return lastLookup;
  let lookup = cache.get(baseline);
  if (!lookup) {
    lookup = buildLookup(baseline);
    cache.set(baseline, lookup);
  }
  lastBaseline = baseline;
  lastLookup = lookup;
  return lookup;
}

/** Builds the key of a route, such as `GET wiki.corp/rest/api/content/{id}`; `host` may be ''. */
export function routeKey(method: string, host: string, route: string): string {
  return `${method} ${host}${route}`;
}

function buildLookup(baseline: PrincipalBaseline): BaselineLookup {
  let lastSeenMs = 0;
  for (const seen of [...baseline.credentials, ...baseline.routes, ...baseline.networks]) {
    if (seen.lastSeenMs > lastSeenMs) lastSeenMs = seen.lastSeenMs;
  }

  return {
    routes: new Set(baseline.routes.map((r) => routeKey(r.method, r.host, r.route))),
    routeTree: buildRouteTree(baseline),
    hosts: new Set(baseline.hosts.map((h) => h.key)),
    methods: new Set(baseline.methods.map((m) => m.key)),
    networks: new Set(baseline.networks.map((n) => n.key)),
    userAgents: new Set(baseline.userAgents.map((u) => u.key)),
    lastSeenMs,
  };
}

function buildRouteTree(baseline: PrincipalBaseline): Map<string, Map<string, Set<string>>> {
  const tree = new Map<string, Map<string, Set<string>>>();
  for (const { route, host, method } of baseline.routes) {
    let hosts = tree.get(route);
    if (!hosts) {
      hosts = new Map<string, Set<string>>();
      tree.set(route, hosts);
    }
    let methods = hosts.get(host);
    if (!methods) {
      methods = new Set<string>();
      hosts.set(host, methods);
    }
    methods.add(method);
  }
  return tree;
}

/** Returns true when the baseline contains the route with this method and host. */
export function hasRoute(
  lookup: BaselineLookup,
  method: string,
  host: string,
  route: string,
): boolean {
  return lookup.routeTree.get(route)?.get(host)?.has(method) ?? false;
}
