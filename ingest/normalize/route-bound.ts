/** Route stored for a new route on a host that already has its maximum of distinct routes. */
export const OVERFLOW_ROUTE = '/{overflow}';

/**
 * Keeps at most `maxRoutesPerHost` distinct routes for each of at most `maxHosts` hosts. A scanner
 * that requests thousands of made-up paths would otherwise give thousands of routes, each a
 * "new route" for the detectors and a row in every baseline. Routes past the bound become
 * {@link OVERFLOW_ROUTE} and are counted. The sets live in memory for the life of one parser, so
 * the bound applies per parser instance and restarts empty with the process.
 */
export class RouteBound {
  readonly #routesByHost = new Map<string, Set<string>>();
  readonly #maxRoutesPerHost: number;
  readonly #maxHosts: number;
  #overflowCount = 0;

  constructor(maxRoutesPerHost: number, maxHosts: number) {
    this.#maxRoutesPerHost = maxRoutesPerHost;
    this.#maxHosts = maxHosts;
  }

  /** Number of events whose route was replaced by the overflow route so far. */
  get overflowCount(): number {
    return this.#overflowCount;
  }

  /** Returns `route` when it is known or fits under the bound, else the overflow route. */
  admit(host: string, route: string): string {
    let routes = this.#routesByHost.get(host);
    if (routes === undefined) {
      if (this.#routesByHost.size >= this.#maxHosts) return this.#overflow();
      routes = new Set();
      this.#routesByHost.set(host, routes);
    }
    if (routes.has(route)) return route;
    if (routes.size >= this.#maxRoutesPerHost) return this.#overflow();
    routes.add(route);
    return route;
  }

  #overflow(): string {
    this.#overflowCount += 1;
    return OVERFLOW_ROUTE;
  }
}
