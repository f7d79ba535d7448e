import { DateTime } from 'luxon';
import type { Alert } from '../alerts/alert.ts';
import { html, type Html } from './html.ts';

/** Content of the incident report. Times are UTC milliseconds. */
export interface ReportData {
  generatedAtMs: number;
  title: string;
  eventsPerTopic: { topic: string; events: number }[];
  principals: ReportPrincipal[];
  /** The principal whose timeline is drawn, with its traffic in fixed buckets. */
  timeline?: {
    principal: string;
    timeZone: string;
    bucketMs: number;
    buckets: { startMs: number; usual: number; fromNewNetworks: number }[];
  };
  alerts: Alert[];
  decisions: { alertId: string; principal: string; decision: string; reason: string }[];
}

export interface ReportPrincipal {
  principal: string;
  timeZone: string;
  eventCount: number;
  mature: boolean;
  /** 168 counts, slot 0 = Monday 00:00 local time. */
  hourOfWeekCounts: number[];
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const CELL = 14;

function heatMap(principal: ReportPrincipal): Html {
  const max = Math.max(1, ...principal.hourOfWeekCounts);
  const cells: Html[] = [];
  for (let day = 0; day < 7; day++) {
    for (let hour = 0; hour < 24; hour++) {
      const count = principal.hourOfWeekCounts[day * 24 + hour] ?? 0;
      const shade = count === 0 ? 0 : 0.15 + 0.85 * (count / max);
      cells.push(
        html`<rect
          x="${40 + hour * CELL}"
          y="${day * CELL}"
          width="${CELL - 1}"
          height="${CELL - 1}"
          fill="rgba(31,119,180,${shade.toFixed(3)})"
          stroke="#eee"
          ><title>${DAYS[day]} ${hour}:00 ${count} requests</title></rect
        >`,
      );
    }
  }
  const labels = DAYS.map(
    (d, i) => html`<text x="0" y="${i * CELL + 11}" font-size="10">${d}</text>`,
  );
  const hours = [0, 6, 12, 18].map(
    (h) => html`<text x="${40 + h * CELL}" y="${7 * CELL + 12}" font-size="10">${h}:00</text>`,
  );
  return html`<figure>
    <svg width="${40 + 24 * CELL}" height="${7 * CELL + 16}" role="img">
      ${labels}${cells}${hours}
    </svg>
    <figcaption>
      ${principal.principal}: ${principal.eventCount} events,
      ${principal.timeZone}${principal.mature ? '' : ', immature'}
    </figcaption>
  </figure>`;
}

function timeline(data: NonNullable<ReportData['timeline']>, alerts: Alert[]): Html {
  const width = 900;
  const height = 160;
  const buckets = data.buckets;
  if (buckets.length === 0) return html`<p>No traffic.</p>`;
  const max = Math.max(1, ...buckets.map((b) => b.usual + b.fromNewNetworks));
  const start = buckets[0]!.startMs;
  const span = buckets[buckets.length - 1]!.startMs + data.bucketMs - start;
  const x = (ms: number): number => ((ms - start) / span) * width;
  const barWidth = Math.max(1, (data.bucketMs / span) * width - 0.5);

  const bars = buckets.map((b) => {
    const usualHeight = (b.usual / max) * (height - 20);
    const newHeight = (b.fromNewNetworks / max) * (height - 20);
    return html`<rect
        x="${x(b.startMs).toFixed(1)}"
        y="${(height - usualHeight).toFixed(1)}"
        width="${barWidth.toFixed(1)}"
        height="${usualHeight.toFixed(1)}"
        fill="#1f77b4"
      ></rect
      ><rect
        x="${x(b.startMs).toFixed(1)}"
        y="${(height - usualHeight - newHeight).toFixed(1)}"
        width="${barWidth.toFixed(1)}"
        height="${newHeight.toFixed(1)}"
        fill="#d62728"
      ></rect>`;
  });
  const marks = alerts
    .filter((a) => a.principal === data.principal)
    .map(
      // Labels step down one line each, so alerts minutes apart do not print over each other.
      (a, i) =>
        html`<line
            x1="${x(a.timestamp).toFixed(1)}"
            x2="${x(a.timestamp).toFixed(1)}"
            y1="0"
            y2="${height}"
            stroke="#000"
            stroke-dasharray="4 2"
          ></line
          ><text x="${(x(a.timestamp) + 4).toFixed(1)}" y="${12 + 13 * (i % 8)}" font-size="11"
            >alert ${a.severity} ${localTime(a.timestamp, data.timeZone)}</text
          >`,
    );
  return html`<svg width="${width + 10}" height="${height}" role="img">${bars}${marks}</svg>
    <p class="legend">
      <span style="color:#1f77b4">■</span> usual networks
      <span style="color:#d62728">■</span> networks never seen before; each bar is
      ${Math.round(data.bucketMs / 60_000)} minutes, ${data.timeZone}
    </p>`;
}

function localTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('ccc d LLL HH:mm ZZZZ');
}

function alertSection(alert: Alert): Html {
  const rows = alert.findings.map(
    (f) =>
      html`<tr>
        <td>${f.detector}</td>
        <td>${f.score.toFixed(2)}</td>
        <td>${f.explanation}</td>
        <td><code>${JSON.stringify(f.evidence)}</code></td>
      </tr>`,
  );
  return html`<section class="alert">
    <h3>${alert.severity.toUpperCase()} ${alert.principal} (risk ${alert.risk.toFixed(2)})</h3>
    <p>
      Alert <code>${alert.id}</code> at ${new Date(alert.timestamp).toISOString()}, window
      ${new Date(alert.windowStartMs).toISOString()} to
      ${new Date(alert.windowEndMs).toISOString()}, sources ${alert.sourceIps.join(', ')},
      credential <code>${alert.credential}</code>.
    </p>
    <table>
      <thead>
        <tr>
          <th>detector</th>
          <th>score</th>
          <th>explanation</th>
          <th>evidence</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
}

/** Renders the whole report as one self-contained HTML page (no scripts, no external files). */
export function renderReport(data: ReportData): string {
  const topics = data.eventsPerTopic.map(
    (t) =>
      html`<tr>
        <td>${t.topic}</td>
        <td>${t.events}</td>
      </tr>`,
  );
  const decisions = data.decisions.map(
    (d) =>
      html`<tr>
        <td>${d.principal}</td>
        <td>${d.decision}</td>
        <td>${d.reason}</td>
        <td><code>${d.alertId}</code></td>
      </tr>`,
  );
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${data.title}</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            margin: 2em;
            max-width: 1100px;
          }
          table {
            border-collapse: collapse;
          }
          td,
          th {
            border: 1px solid #ccc;
            padding: 4px 8px;
            text-align: left;
            vertical-align: top;
          }
          code {
            font-size: 11px;
            word-break: break-all;
          }
          figure {
            display: inline-block;
            margin: 0 1em 1em 0;
          }
          .alert {
            border-left: 4px solid #d62728;
            padding-left: 1em;
          }
        </style>
      </head>
      <body>
        <h1>${data.title}</h1>
        <p>Generated ${new Date(data.generatedAtMs).toISOString()}.</p>
        <h2>Events ingested</h2>
        <table>
          <thead>
            <tr>
              <th>topic</th>
              <th>events</th>
            </tr>
          </thead>
          <tbody>
            ${topics}
          </tbody>
        </table>
        <h2>Alerts</h2>
        ${data.alerts.length ? data.alerts.map((a) => alertSection(a)) : html`<p>No alerts.</p>`}
        <h2>Revocation decisions</h2>
        ${
          decisions.length
            ? html`<table>
                <thead>
                  <tr>
                    <th>principal</th>
                    <th>decision</th>
                    <th>reason</th>
                    <th>alert</th>
                  </tr>
                </thead>
                <tbody>
                  ${decisions}
                </tbody>
              </table>`
            : html`<p>None.</p>`
        }
        ${
          data.timeline
            ? html`<h2>Timeline of ${data.timeline.principal}</h2>
                ${timeline(data.timeline, data.alerts)}`
            : ''
        }
        <h2>Hour-of-week activity per principal</h2>
        ${data.principals.map((p) => heatMap(p))}
      </body>
    </html> `;
  return page.text;
}
