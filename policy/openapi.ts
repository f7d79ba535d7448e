import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EastwatchError } from '../core/errors.ts';
import type { OpenApiSource } from './config.ts';
import type { GroupingOptions, TagLookup } from './groups.ts';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Raised when a configured OpenAPI document cannot be read or has no `paths` object. */
export class OpenApiError extends EastwatchError {
  constructor(message: string, file: string, cause?: unknown) {
    super('OPENAPI_INVALID', message, { retriable: false, cause, context: { file } });
  }
}

/** Replaces every `{name}` with `{}`, so that templates differing only in names compare equal. */
function anonymiseParameters(route: string): string {
  return route.replace(/\{[^}]*\}/g, '{}');
}

/** Reads the path prefix of Swagger 2 `basePath` or of the first OpenAPI 3 server URL. */
function basePathOf(document: Record<string, unknown>): string {
  if (typeof document['basePath'] === 'string') return document['basePath'].replace(/\/$/, '');

  const servers = document['servers'];
  const first: unknown = Array.isArray(servers) ? servers[0] : undefined;
  const url = (first as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') return '';
  return new URL(url, 'http://relative.invalid').pathname.replace(/\/$/, '');
}

/** Maps `METHOD template` to the first tag of each tagged operation of one document. */
export function tagsOfDocument(
  document: Record<string, unknown>,
  file: string,
): Map<string, string> {
  const paths = document['paths'];
  if (typeof paths !== 'object' || paths === null) {
    throw new OpenApiError(`OpenAPI document ${file} has no paths object`, file);
  }

  const basePath = basePathOf(document);
  const tags = new Map<string, string>();
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, unknown> | null)?.[method] as
        { tags?: unknown } | undefined;
      const tag: unknown = Array.isArray(operation?.tags) ? operation.tags[0] : undefined;
      if (typeof tag !== 'string' || tag.length === 0) continue;
      tags.set(`${method.toUpperCase()} ${anonymiseParameters(basePath + path)}`, tag);
    }
  }
  return tags;
}

function readDocument(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both forms.
    parsed = parseYaml(readFileSync(resolve(file), 'utf8'));
  } catch (cause) {
    throw new OpenApiError(`OpenAPI document ${file} cannot be read as JSON or YAML`, file, cause);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new OpenApiError(`OpenAPI document ${file} must contain an object`, file);
  }
  return parsed as Record<string, unknown>;
}

/** Loads the configured documents and returns the tag lookup for their hosts. */
export function loadTagLookup(sources: readonly OpenApiSource[]): TagLookup | undefined {
  if (sources.length === 0) return undefined;

  const byHost = new Map<string, Map<string, string>>();
  for (const source of sources) {
    const tags = tagsOfDocument(readDocument(source.file), source.file);
    const merged = byHost.get(source.host) ?? new Map<string, string>();
    for (const [key, tag] of tags) merged.set(key, tag);
    byHost.set(source.host, merged);
  }

  return (method, host, route) =>
    byHost.get(host)?.get(`${method.toUpperCase()} ${anonymiseParameters(route)}`);
}

/** Builds the grouping options of the `policy` section, reading its OpenAPI documents. */
export function groupingOf(config: {
  groupPrefixSegments: number;
  groupRootSegments: string;
  openapi: readonly OpenApiSource[];
}): GroupingOptions {
  const tagOf = loadTagLookup(config.openapi);
  const options: GroupingOptions = {
    prefixSegments: config.groupPrefixSegments,
    rootSegment: new RegExp(config.groupRootSegments, 'i'),
  };
  return tagOf ? { ...options, tagOf } : options;
}
