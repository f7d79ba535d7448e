import ipaddr from 'ipaddr.js';
import { ConfigError } from '../core/errors.ts';
import type { Alert } from './alert.ts';
import type { AllowlistRule } from './config.ts';

/** An allowlist rule with its patterns compiled and its times in milliseconds. */
export interface CompiledRule {
  rule: AllowlistRule;
  principal: RegExp;
  route: RegExp | undefined;
  network: [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined;
  fromMs: number;
  untilMs: number;
  expiresAtMs: number;
}

/** Turns a pattern where `*` matches any run of characters into an anchored regular expression. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** Compiles the configured rules once; an invalid CIDR is a configuration error. */
export function compileAllowlist(rules: readonly AllowlistRule[]): CompiledRule[] {
  return rules.map((rule, index) => {
    if (rule.network !== undefined && !ipaddr.isValidCIDR(rule.network)) {
      throw new ConfigError(
        `alerts.allowlist.${index}.network: ${JSON.stringify(rule.network)} is not a CIDR network; ` +
          'write it like 10.20.0.0/16 or 2001:db8::/32',
      );
    }
    return {
      rule,
      principal: globToRegExp(rule.principal),
      route: rule.route === undefined ? undefined : globToRegExp(rule.route),
      network: rule.network === undefined ? undefined : ipaddr.parseCIDR(rule.network),
      fromMs: rule.from === undefined ? -Infinity : Date.parse(rule.from),
      untilMs: rule.until === undefined ? Infinity : Date.parse(rule.until),
      expiresAtMs: Date.parse(rule.expiresAt),
    };
  });
}

/**
 * Returns the first unexpired rule that covers the alert, or undefined. A rule covers an alert when
 * every condition it sets holds: the principal matches, some finding's `route` evidence matches,
 * every source address lies in the network, and the alert's window lies in the time range.
 */
export function matchAllowlist(
  rules: readonly CompiledRule[],
  alert: Alert,
  nowMs: number,
): AllowlistRule | undefined {
  return rules.find((compiled) => nowMs < compiled.expiresAtMs && covers(compiled, alert))?.rule;
}

function covers(compiled: CompiledRule, alert: Alert): boolean {
  if (!compiled.principal.test(alert.principal)) return false;
  if (alert.windowStartMs < compiled.fromMs || alert.windowEndMs > compiled.untilMs) return false;

  const route = compiled.route;
  if (route !== undefined) {
    const routes = alert.findings.map((f) => f.evidence['route']);
    if (!routes.some((r) => typeof r === 'string' && route.test(r))) return false;
  }

  const network = compiled.network;
  if (network !== undefined) {
    if (alert.sourceIps.length === 0) return false;
    return alert.sourceIps.every((ip) => inNetwork(ip, network));
  }
  return true;
}

function inNetwork(ip: string, network: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  return address.kind() === network[0].kind() && address.match(network);
}
