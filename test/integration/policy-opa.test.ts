import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyConfigSchema } from '../../policy/config.ts';
import { exportPolicy } from '../../policy/export/export.ts';
import { learnPolicies } from '../../policy/learn.ts';
import type { PolicyVersion } from '../../policy/types.ts';
import { chatbotBaseline } from '../unit/policy-fixtures.ts';

const run = promisify(execFile);

// OPA is built from its Go module with the machine's Go toolchain and cached in .eastwatch/bin.
// A cold build (module downloads included) took 67 s on a 2-core machine.
const OPA_MODULE = 'github.com/open-policy-agent/opa@v1.22.4';
const BIN_DIR = resolve('.eastwatch/bin');
const OPA = join(BIN_DIR, 'opa');
const INSTALL_TIMEOUT_MS = 15 * 60_000;

async function ensureOpa(): Promise<void> {
  if (existsSync(OPA)) return;
  mkdirSync(BIN_DIR, { recursive: true });
  await run('go', ['install', OPA_MODULE], {
    env: { ...process.env, GOBIN: BIN_DIR },
    timeout: INSTALL_TIMEOUT_MS,
  });
}

const POLICY: PolicyVersion = {
  version: 5,
  status: 'approved',
  createdAtMs: 1,
  approvedAtMs: 2,
  approvedBy: 'reviewer',
  note: '',
  minRouteCount: 5,
  principals: learnPolicies([chatbotBaseline()], { prefixSegments: 2, minRouteCount: 5 }),
};

interface Decision {
  allow: boolean;
  reason: string;
  privilege: string;
  policy_version: number;
}

describe('opa rego policy', () => {
  let dir = '';

  beforeAll(async () => {
    await ensureOpa();
    dir = mkdtempSync(join(tmpdir(), 'eastwatch-opa-'));
    const output = exportPolicy(POLICY, policyConfigSchema.parse({}), {
      format: 'opa',
      mode: 'enforce',
    });
    writeFileSync(join(dir, 'data.json'), output.text);
    writeFileSync(join(dir, 'eastwatch.rego'), output.rego!);
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function decide(input: object): Promise<Decision> {
    const inputFile = join(dir, 'input.json');
    writeFileSync(inputFile, JSON.stringify(input));
    const { stdout } = await run(OPA, [
      'eval',
      '--format',
      'json',
      '-d',
      join(dir, 'eastwatch.rego'),
      '-d',
      join(dir, 'data.json'),
      '-i',
      inputFile,
      'data.eastwatch.authz.decision',
    ]);
    const result = JSON.parse(stdout) as { result: { expressions: { value: Decision }[] }[] };
    return result.result[0]!.expressions[0]!.value;
  }

  it('passes opa check --strict', async () => {
    const { stdout, stderr } = await run(OPA, ['check', '--strict', join(dir, 'eastwatch.rego')]);
    expect(stderr).toBe('');
    expect(stdout).toBe('');
  });

  it.each([
    [{ method: 'GET', host: 'tickets.corp', path: '/issue/7' }, true, 'allowed', 'read'],
    [{ method: 'get', host: 'Wiki.Corp', path: '/rest/api/content/123' }, true, 'allowed', 'read'],
    [{ method: 'POST', host: 'tickets.corp', path: '/issue/7/comment' }, true, 'allowed', 'write'],
    [
      { method: 'DELETE', host: 'tickets.corp', path: '/issue/7' },
      false,
      'route not allowed',
      'write',
    ],
    [
      { method: 'GET', host: 'tickets.corp', path: '/issue/7/attachments' },
      false,
      'route not allowed',
      'read',
    ],
    [{ method: 'GET', host: 'tickets.corp', path: '/issue/' }, false, 'route not allowed', 'read'],
    [
      { method: 'GET', host: 'tickets.corp', path: '/admin/export' },
      false,
      'route not allowed',
      'read',
    ],
    [{ method: 'GET', host: 'wiki.corp', path: '/issue/7' }, false, 'route not allowed', 'read'],
    [
      { method: 'PUT', host: 'wiki.corp', path: '/rest/api/content/1' },
      false,
      'route not allowed',
      'write',
    ],
  ])('decides %j', async (request, allow, reason, privilege) => {
    const decision = await decide({ principal: 'svc-chatbot', ...request });
    expect(decision.allow).toBe(allow);
    expect(decision.reason).toBe(reason);
    expect(decision.privilege).toBe(privilege);
    expect(decision.policy_version).toBe(5);
  });

  it('denies a principal without policy', async () => {
    const decision = await decide({
      principal: 'svc-x',
      method: 'GET',
      host: 'tickets.corp',
      path: '/issue/7',
    });
    expect(decision.allow).toBe(false);
    expect(decision.reason).toBe('principal not in policy');
  });
});
