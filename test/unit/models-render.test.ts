import { describe, expect, it } from 'vitest';
import { HOURS_PER_WEEK } from '../../models/baseline.ts';
import { formatProfile, heatMap } from '../../models/render.ts';
import { trainConfigSchema } from '../../models/config.ts';
import { trainFromEvents } from '../../models/train-memory.ts';
import { accessEvent } from './models-fixtures.ts';

describe('heatMap', () => {
  it('shades slots by quarter of the maximum', () => {
    const values = new Array<number>(HOURS_PER_WEEK).fill(0);
    values[0] = 8; // Monday 00:00, the maximum
    values[1] = 6; // exactly three quarters
    values[2] = 4; // exactly one half
    values[3] = 1; // below one quarter
    values[6 * 24 + 23] = 2; // Sunday 23:00, exactly one quarter
    const lines = heatMap(values);

    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe('     000000000011111111112222');
    expect(lines[1]).toBe('     012345678901234567890123');
    expect(lines[2]).toBe(`Mon  █▓▒░${'·'.repeat(20)}`);
    expect(lines[3]).toBe(`Tue  ${'·'.repeat(24)}`);
    expect(lines[8]).toBe(`Sun  ${'·'.repeat(23)}░`);
  });

  it('shows an idle week as dots', () => {
    const lines = heatMap(new Array<number>(HOURS_PER_WEEK).fill(0));
    expect(lines.slice(2)).toEqual(
      ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((day) => `${day}  ${'·'.repeat(24)}`),
    );
  });
});

describe('formatProfile', () => {
  it('lists routes, networks and the heat map', () => {
    const monday = Date.UTC(2026, 2, 2);
    const events = [0, 1, 2].map((i) =>
      accessEvent({
        timestamp: monday + 3 * 3_600_000 + i * 1000,
        id: `e${i}`,
        sourceIp: '10.9.8.7',
      }),
    );
    const config = trainConfigSchema.parse({});
    const { baselines } = trainFromEvents(events, config, {
      nowMs: monday + 86_400_000,
      version: 4,
    });
    const text = formatProfile(baselines.get('svc-a')!).join('\n');

    expect(text).toContain('principal svc-a');
    expect(text).toContain('version 4');
    expect(text).toContain('3 events on 1 active days, immature');
    expect(text).toContain('       3  GET wiki.corp /rest/api/content/{id}');
    expect(text).toContain('       3  10.9.8.0/24');
    expect(text).toContain(`Mon  ···█${'·'.repeat(20)}`);
  });
});
