/**
 * Translation of route templates such as `/issue/{id}` into the path matchers of each consumer.
 *
 * - Istio `template`: a segment holding a parameter becomes `{*}`, which matches exactly one
 *   segment. Istio 1.22 and later read `{*}` and `{**}` in `paths` as an Envoy URI template
 *   (Istio 1.22 change notes, istio/istio pull request 50365). Older releases match the text.
 *   `/issue/{id}` becomes `/issue/{*}`. A segment that mixes text and a parameter, such as
 *   `{name}.png`, also becomes `{*}`, so it matches any value of that segment.
 * - Istio `prefix`, for older releases: the path up to the first parameter, then `*`, because
 *   Istio paths allow `*` only as a whole prefix or suffix. `/issue/{id}` becomes `/issue/*`, which
 *   also matches `/issue/1/comments`.
 * - Envoy and OPA: an RE2 regular expression that must match the whole path, with `[^/]+` for
 *   each parameter. `/issue/{id}` becomes `/issue/[^/]+`.
 */

export type IstioPathMatch = 'template' | 'prefix';

const PARAMETER = /\{[^}]*\}/g;
const RE2_SPECIAL = /[\\.+*?()|[\]{}^$]/g;

function hasParameter(segment: string): boolean {
  return segment.includes('{');
}

/** Returns the Istio `paths` entry for a route template. */
export function istioPath(route: string, mode: IstioPathMatch): string {
  const segments = route.split('/');
  if (!segments.some(hasParameter)) return route;

  if (mode === 'template') {
    return segments.map((s) => (hasParameter(s) ? '{*}' : s)).join('/');
  }

  const firstParameter = segments.findIndex(hasParameter);
  return `${segments.slice(0, firstParameter).join('/')}/*`;
}

/** Returns an RE2 expression that matches the paths of a route template, whole path only. */
export function routeRegex(route: string): string {
  let out = '';
  let last = 0;

  for (const match of route.matchAll(PARAMETER)) {
    out += route.slice(last, match.index).replace(RE2_SPECIAL, '\\$&');
    out += '[^/]+';
    last = match.index + match[0].length;
  }
  return out + route.slice(last).replace(RE2_SPECIAL, '\\$&');
}
