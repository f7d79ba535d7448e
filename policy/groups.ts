/**
 * API groups: the unit a grant is reviewed in. A route belongs to the group of its destination
 * host and path prefix, or to the group of its OpenAPI tag when its host has an OpenAPI document.
 *
 * Prefix rule: the route's leading static segments, at most `prefixSegments` of them, stopping at
 * the first segment that contains a parameter. Leading segments that match `rootSegment` (by default
 * `api`, `rest`, `v1` and bare numbers) stay in the prefix without counting, so that the group is
 * the resource rather than the API root. With one segment, `/rest/api/2/issue/{id}` is in
 * `tickets.corp/rest/api/2/issue`, `/issue/{id}` in `tickets.corp/issue`, and `/{tenant}/x` in
 * `tickets.corp/`. A tagged operation is in `HOST#TAG` (its first tag), e.g. `wiki.corp#content`.
 */

/** Looks up the OpenAPI tag of one operation; undefined when the document has none for it. */
export type TagLookup = (method: string, host: string, route: string) => string | undefined;

export interface GroupingOptions {
  prefixSegments: number;
  /** Leading segments that belong to the API root: kept in the prefix, not counted. */
  rootSegment?: RegExp;
  tagOf?: TagLookup;
}

/** Returns the path prefix that names the group of `route`, for example `/rest/api`. */
export function routePrefix(route: string, prefixSegments: number, rootSegment?: RegExp): string {
  const segments = route.split('/').filter((segment) => segment.length > 0);
  const prefixParts: string[] = [];
  let counted = 0;
  let inRoot = rootSegment !== undefined;

  for (const segment of segments) {
    if (counted >= prefixSegments || segment.includes('{')) break;
    inRoot = inRoot && rootSegment!.test(segment);
    if (!inRoot) counted++;
    prefixParts.push(segment);
  }
  return `/${prefixParts.join('/')}`;
}

/** Returns the id of the API group of one call. */
export function groupOf(
  method: string,
  host: string,
  route: string,
  options: GroupingOptions,
): string {
  const tag = options.tagOf?.(method, host, route);
  if (tag !== undefined) return `${host}#${tag}`;

  const prefix = routePrefix(route, options.prefixSegments, options.rootSegment);
  return prefix === '/' ? `${host}/` : `${host}${prefix}`;
}
