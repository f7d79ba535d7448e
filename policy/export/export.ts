import { EastwatchError } from '../../core/errors.ts';
import type { PolicyConfig } from '../config.ts';
import type { PolicyVersion, PrincipalPolicy } from '../types.ts';
import type { ExportFormat, ExportMode } from './common.ts';
import { envoyRbacFilter } from './envoy.ts';
import { istioObjects, toYamlStream } from './istio.ts';
import { opaData, regoPolicy } from './opa.ts';

export interface ExportOptions {
  format: ExportFormat;
  mode: ExportMode;
  /** Export only this principal's policy (and, for Istio, the deny-by-default companion). */
  principal?: string;
}

/** The text of an export; `rego` is the policy that reads OPA data, for the `opa` format only. */
export interface ExportOutput {
  text: string;
  rego?: string;
}

/** Raised when `--principal` names a principal that the policy version does not contain. */
export class PolicyPrincipalNotFoundError extends EastwatchError {
  constructor(principal: string, version: number) {
    super(
      'POLICY_PRINCIPAL_NOT_FOUND',
      `principal ${JSON.stringify(principal)} is not in policy version ${version}; ` +
        'run `eastwatch policy show` for the principals it contains',
      { retriable: false, context: { principal, version } },
    );
  }
}

function selectPrincipals(version: PolicyVersion, principal?: string): PrincipalPolicy[] {
  if (principal === undefined) return version.principals;

  const found = version.principals.filter((p) => p.principal === principal);
  if (found.length === 0) throw new PolicyPrincipalNotFoundError(principal, version.version);
  return found;
}

/** Renders a policy version in the format of one consumer. */
export function exportPolicy(
  version: PolicyVersion,
  config: PolicyConfig,
  options: ExportOptions,
): ExportOutput {
  const principals = selectPrincipals(version, options.principal);

  switch (options.format) {
    case 'istio':
      return {
        text: toYamlStream(istioObjects(principals, config.istio, options.mode, version.version)),
      };
    case 'envoy':
      return { text: json(envoyRbacFilter(principals, config.envoy, options.mode)) };
    case 'opa':
      return { text: json(opaData(principals, version.version)), rego: regoPolicy() };
    case 'json':
      return { text: json({ ...version, principals }) };
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
