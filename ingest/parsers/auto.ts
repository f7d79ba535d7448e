import type { LogFormat } from '../source-config.ts';
import { stripCriPrefix } from './container.ts';

/** The formats `auto` can recognise; Avro and mapped JSON need configuration and are not among them. */
export type DetectableFormat = Exclude<LogFormat, 'auto' | 'avro' | 'json'>;

const ALB_TYPES = ['http ', 'https ', 'h2 ', 'grpcs ', 'ws ', 'wss '];
const SYSLOG_MONTH = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) /;

/**
 * Guesses the format of one record from its first bytes and, for JSON, from key names it contains
 * (a substring test, no parse). Returns undefined when nothing fits. NGINX and Apache combined
 * lines look alike and are reported as `nginx`.
 */
export function detectFormat(text: string): DetectableFormat | undefined {
  const body = stripCriPrefix(text);
  if (body.startsWith('{')) return detectJson(body);
  if (body.startsWith('[') || body.startsWith('ACCESS [')) return 'envoy';
  if (
    ALB_TYPES.some((type) => body.startsWith(type)) &&
    body.charCodeAt(body.indexOf(' ') + 1) === 0x32
  ) {
    return 'alb';
  }
  if (SYSLOG_MONTH.test(body) || isHaproxyStart(body)) return 'haproxy';
  if (body.includes('] "')) return body.endsWith('ms') ? 'traefik' : 'nginx';
  return undefined;
}

function detectJson(text: string): DetectableFormat | undefined {
  if (text.includes('"eventSource"') && text.includes('"eventName"')) return 'cloudtrail';
  if (text.includes('"audit.k8s.io/')) return 'k8s-audit';
  if (text.includes('"RayID"') || text.includes('"ClientRequestHost"')) return 'cloudflare';
  if (text.includes('"DownstreamStatus"') || text.includes('"RequestMethod"')) return 'traefik';
  if (text.includes('"start_time"') || text.includes('"message":"ACCESS ')) return 'envoy-json';
  if (text.includes('"remote_addr"') || text.includes('"request_uri"')) return 'nginx-json';
  return undefined;
}

/** `client:port [dd/Mon/yyyy:...` with a millisecond accept date, as HAProxy writes it. */
function isHaproxyStart(text: string): boolean {
  const bracket = text.indexOf(' [');
  if (bracket < 0 || bracket > 60) return false;
  const date = text.slice(bracket + 2, bracket + 27);
  return date.length === 25 && date[2] === '/' && date[20] === '.' && date.endsWith(']');
}
