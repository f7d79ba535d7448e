import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../core/errors.ts';

interface TemplateNode {
  literals: Map<string, TemplateNode>;
  parameter: TemplateNode | undefined;
  /** The template text when a path template ends at this node. */
  template: string | undefined;
}

function emptyNode(): TemplateNode {
  return { literals: new Map(), parameter: undefined, template: undefined };
}

function isParameter(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}') && segment.length > 2;
}

/**
 * The path templates of an OpenAPI document, matched segment by segment. A literal segment wins
 * over a parameter at the same position, as OpenAPI 3.1 section 4.8.8 prescribes for
 * `/pets/mine` against `/pets/{petId}`. Matching walks a trie and falls back from a literal to a
 * parameter only where both exist, so its cost is bounded by the templates, not by the path. A
 * segment with text around a parameter (`{id}.json`) is matched as a literal.
 */
export class OpenApiRoutes {
  readonly #root = emptyNode();
  readonly #basePath: string;

  constructor(templates: readonly string[], basePath = '') {
    this.#basePath = basePath.replace(/\/+$/, '');
    for (const template of templates) this.#add(template);
  }

  #add(template: string): void {
    let node = this.#root;
    for (const segment of template.split('/').slice(1)) {
      if (isParameter(segment)) {
        node.parameter ??= emptyNode();
        node = node.parameter;
        continue;
      }
      let next = node.literals.get(segment);
      if (next === undefined) {
        next = emptyNode();
        node.literals.set(segment, next);
      }
      node = next;
    }
    node.template = this.#basePath + template;
  }

  /** Returns the template that matches `path`, or undefined when none does. */
  match(path: string): string | undefined {
    let relative = path;
    if (this.#basePath !== '') {
      if (!path.startsWith(`${this.#basePath}/`)) return undefined;
      relative = path.slice(this.#basePath.length);
    }
    if (!relative.startsWith('/')) return undefined;
    return matchFrom(this.#root, relative.split('/').slice(1), 0);
  }
}

function matchFrom(node: TemplateNode, segments: string[], index: number): string | undefined {
  if (index === segments.length) return node.template;
  const segment = segments[index] ?? '';
  const literal = node.literals.get(segment);
  const viaLiteral = literal === undefined ? undefined : matchFrom(literal, segments, index + 1);
  if (viaLiteral !== undefined || node.parameter === undefined || segment === '') return viaLiteral;
  return matchFrom(node.parameter, segments, index + 1);
}

/**
 * Reads the path templates of an OpenAPI 3 or Swagger 2 document, JSON or YAML. The base path is
 * Swagger's `basePath`, or the path of the first OpenAPI `servers` URL.
 */
export function loadOpenApiRoutes(file: string): OpenApiRoutes {
  let document: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    document = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError(
      `openApi: cannot read ${file}; expected an OpenAPI document in JSON or YAML`,
      {
        cause,
      },
    );
  }

  const spec = (document ?? {}) as { paths?: unknown; basePath?: unknown; servers?: unknown };
  if (typeof spec.paths !== 'object' || spec.paths === null) {
    throw new ConfigError(
      `openApi: ${file} has no paths object; check that it is an OpenAPI document`,
    );
  }
  const templates = Object.keys(spec.paths).filter((template) => template.startsWith('/'));
  return new OpenApiRoutes(templates, basePathOf(spec));
}

function basePathOf(spec: { basePath?: unknown; servers?: unknown }): string {
  if (typeof spec.basePath === 'string') return spec.basePath;
  if (!Array.isArray(spec.servers)) return '';
  const url: unknown = (spec.servers[0] as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') return '';
  try {
    return new URL(url, 'http://base.invalid').pathname;
  } catch {
    return '';
  }
}
