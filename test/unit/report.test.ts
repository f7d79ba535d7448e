import { describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/alert.ts';
import { escapeHtml, html } from '../../report/html.ts';
import { renderReport, type ReportData } from '../../report/report.ts';

const alert: Alert = {
  id: 'a1',
  timestamp: Date.UTC(2026, 11, 3, 8, 14),
  principal: 'svc-chatbot',
  credential: 'f00d',
  severity: 'critical',
  risk: 0.97,
  windowStartMs: Date.UTC(2026, 11, 3, 8, 10),
  windowEndMs: Date.UTC(2026, 11, 3, 8, 15),
  baselineVersion: 3,
  findings: [
    {
      detector: 'new-route',
      score: 0.8,
      timestampMs: Date.UTC(2026, 11, 3, 8, 10),
      explanation: 'called GET /rest/api/2/myself <script>alert(1)</script> for the first time',
      evidence: { route: '/rest/api/2/myself' },
      eventIds: ['e1'],
    },
  ],
  sourceIps: ['203.0.113.45'],
};

function data(): ReportData {
  return {
    generatedAtMs: Date.UTC(2026, 11, 3, 9),
    title: 'eastwatch demo',
    eventsPerTopic: [{ topic: 'gateway', events: 12 }],
    principals: [
      {
        principal: 'svc-chatbot',
        timeZone: 'America/New_York',
        eventCount: 12,
        mature: true,
        hourOfWeekCounts: Array.from({ length: 168 }, (_, i) => (i === 9 ? 12 : 0)),
      },
    ],
    timeline: {
      principal: 'svc-chatbot',
      timeZone: 'America/New_York',
      bucketMs: 3_600_000,
      buckets: [
        { startMs: Date.UTC(2026, 11, 3, 7), usual: 5, fromNewNetworks: 0 },
        { startMs: Date.UTC(2026, 11, 3, 8), usual: 0, fromNewNetworks: 40 },
      ],
    },
    alerts: [alert],
    decisions: [
      { alertId: 'a1', principal: 'svc-chatbot', decision: 'dry-run', reason: 'would revoke' },
    ],
  };
}

describe('report', () => {
  it('escapes attacker-controlled text', () => {
    const page = renderReport(data());
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('marks the alert on the timeline in local time', () => {
    const page = renderReport(data());
    expect(page).toContain('alert critical Thu 3 Dec 03:14 EST');
  });

  it('steps alert labels down one line each', () => {
    const second = { ...alert, id: 'a2', timestamp: alert.timestamp + 60_000 };
    const page = renderReport({ ...data(), alerts: [alert, second] });
    expect(page).toMatch(/y="12" font-size="11"\s*>alert critical/);
    expect(page).toMatch(/y="25" font-size="11"\s*>alert critical/);
  });

  it('draws one heat-map cell per hour of the week', () => {
    const page = renderReport(data());
    expect(page.match(/<title>/g)).toHaveLength(168 + 1);
    expect(page).toContain('<title>Mon 9:00 12 requests</title>');
  });

  it('lists the revocation decision', () => {
    expect(renderReport(data())).toMatch(/<td>dry-run<\/td>\s*<td>would revoke<\/td>/);
  });
});

describe('html tag', () => {
  it('escapes values and keeps nested fragments', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${[1, 2]}</p>`.text).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>12</p>',
    );
    expect(escapeHtml("a&b'")).toBe('a&amp;b&#39;');
  });
});
