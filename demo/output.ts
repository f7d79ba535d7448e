import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '../clickhouse/client.ts';
import type { PolicyDiff } from '../policy/diff.ts';
import { renderReport } from '../report/report.ts';
import type { WebhookReceiver } from './receiver.ts';
import { readTimeline, type DemoFacts } from './summary.ts';

/** Prints what the run ingested, learned, alerted and decided. */
export function printSummary(
  say: (line: string) => void,
  facts: DemoFacts,
  receiver: WebhookReceiver,
  incidentPrincipal: string,
  deadLetters: ReadonlyMap<string, number>,
): void {
  say('events ingested per topic (each event counted once), and records dead-lettered:');
  for (const t of facts.eventsPerTopic) {
    const dead = deadLetters.get(t.topic) ?? 0;
    const note = dead > 0 ? `   ${dead} unparseable record(s) in ${t.topic}.dlq` : '';
    say(`    ${t.topic.padEnd(40)} ${String(t.events).padStart(6)}${note}`);
  }
  const mature = [...facts.baselines.values()].filter((b) => b.mature).length;
  say(`principals baselined: ${facts.baselines.size} (${mature} mature)`);

  say(`alerts: ${facts.alerts.length}`);
  for (const alert of facts.alerts.filter(
    (a) => a.severity === 'high' || a.severity === 'critical',
  )) {
    say(
      `  ${alert.severity.toUpperCase()} ${alert.principal} risk ${alert.risk.toFixed(2)} at ${new Date(alert.timestamp).toISOString()} from ${alert.sourceIps.join(', ')}`,
    );
    for (const finding of alert.findings) say(`    - ${finding.explanation}`);
  }

  const signed = receiver.received.filter((r) => r.alert.principal === incidentPrincipal);
  say(
    `webhook receiver: ${receiver.received.length} signed alert(s) verified (${signed.length} for ${incidentPrincipal}), ${receiver.duplicates} retried duplicate(s), ${[...receiver.rejected.values()].reduce((a, b) => a + b, 0)} rejected`,
  );

  const decisions = facts.decisions.filter((d) => d.principal === incidentPrincipal);
  const first = decisions[0];
  if (!first) {
    say(`revocation: no decision recorded for ${incidentPrincipal}`);
    return;
  }
  const decision = first.decision.replace('_', ' ');
  say(`revocation (${first.mode}): ${decision} ${first.principal}'s credential (${first.reason})`);
  const later = decisions.length - 1;
  if (later > 0) {
    const reasons = [...new Set(decisions.slice(1).map((d) => d.reason))].join(', ');
    say(`    ${later} later alert(s) of the same incident: not revoked twice (${reasons})`);
  }
}

/** Prints the calls of the incident's principal that the approved policy would deny. */
export function printPolicyDiff(
  say: (line: string) => void,
  diff: PolicyDiff,
  principal: string,
): void {
  const denied = diff.denied.filter((d) => d.principal === principal);
  const calls = denied.reduce((n, d) => n + d.count, 0);
  say(
    `policy diff (version ${diff.summary.policyVersion}): ${calls} call(s) of ${principal} outside its approved policy`,
  );
  for (const d of denied.slice(0, 12)) {
    say(
      `    ${d.method} ${d.host}${d.route}: ${d.count} call(s), ${d.privilege} on ${d.group} (${d.reason})`,
    );
  }
  if (denied.length > 12) say(`    and ${denied.length - 12} more route(s)`);
}

/** Writes the HTML report and returns its path. */
export async function writeReport(
  client: ClickHouseClient,
  facts: DemoFacts,
  outDir: string,
  incidentPrincipal: string,
  nowMs: number,
): Promise<string> {
  const baseline = facts.baselines.get(incidentPrincipal);
  const principals = [...facts.baselines.values()]
    .sort((a, b) => b.eventCount - a.eventCount)
    .slice(0, 24)
    .map((b) => ({
      principal: b.principal,
      timeZone: b.timeZone,
      eventCount: b.eventCount,
      mature: b.mature,
      hourOfWeekCounts: b.hourOfWeekCounts,
    }));
  const html = renderReport({
    generatedAtMs: nowMs,
    title: `eastwatch demo: ${incidentPrincipal}'s token replayed`,
    eventsPerTopic: facts.eventsPerTopic,
    principals,
    timeline: await readTimeline(client, incidentPrincipal, baseline, nowMs),
    alerts: facts.alerts.filter((a) => a.severity === 'high' || a.severity === 'critical'),
    decisions: facts.decisions.map((d) => ({
      alertId: d.alertId,
      principal: d.principal,
      decision: d.decision,
      reason: d.reason,
    })),
  });
  const path = join(outDir, 'report.html');
  writeFileSync(path, html);
  return path;
}
