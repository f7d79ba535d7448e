import { DateTime } from 'luxon';
import type { GatewayLine, ServiceRoutine } from '../demo/gateway-traffic.ts';
import type { FleetMember } from './fleet.ts';
import { DAY_MS, type Timeline } from './timeline.ts';

export type ScenarioKind = 'attack' | 'benign';

/** The ground truth of one scenario instance: who, what, and when. */
export interface ScenarioLabel {
  scenario: string;
  kind: ScenarioKind;
  instance: number;
  principal: string;
  /** First malicious event of an attack, or the moment a benign change starts. */
  startMs: number;
  /** Last malicious event of an attack, or the end of the window a benign change is judged in. */
  endMs: number;
  description: string;
}

/** A stretch of a principal's routine traffic: `routine` generated over [fromMs, toMs). */
export interface TrafficSegment {
  routine: ServiceRoutine;
  fromMs: number;
  toMs: number;
  seed: number;
}

/** The change one scenario instance makes to the traffic. */
export interface ScenarioEffect {
  label: ScenarioLabel;
  /** Replaces the target's routine traffic when set. */
  segments?: TrafficSegment[];
  /** Lines added as they are, such as an attacker's requests. */
  lines?: GatewayLine[];
  /** A principal the fleet does not have, with the time zone training gets for it. */
  newMember?: FleetMember;
}

export interface ScenarioContext {
  timeline: Timeline;
  signingKey: string;
  instance: number;
  seed: number;
}

/** One scenario: which fleet members it may target, and what it does to one. */
export interface Scenario {
  name: string;
  kind: ScenarioKind;
  /** Targets an existing member when set; a scenario without it brings its own principal. */
  accepts?: (member: FleetMember) => boolean;
  build: (target: FleetMember | undefined, context: ScenarioContext) => ScenarioEffect;
}

/** Returns the whole timeline as one segment: a member's traffic when no scenario changes it. */
export function routineSegments(member: FleetMember, timeline: Timeline, seed: number) {
  return [{ routine: member.routine, fromMs: timeline.startMs, toMs: timeline.endMs, seed }];
}

/**
 * Returns the instant `hour:minute` local time in `zone` on the first weekday at or after
 * `dayOffset` days into the scoring period.
 */
export function scoredWeekdayAt(
  timeline: Timeline,
  zone: string,
  dayOffset: number,
  hour: number,
  minute: number,
): number {
  let day = DateTime.fromMillis(timeline.learnUntilMs + dayOffset * DAY_MS, { zone });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}

/** Returns the busiest local hour of the routine's Wednesday; ties go to the earliest hour. */
export function busiestHour(routine: ServiceRoutine): number {
  let best = 0;
  for (let hour = 1; hour < 24; hour++) {
    if (routine.meanPerHour(3, hour) > routine.meanPerHour(3, best)) best = hour;
  }
  return best;
}

/** Returns the local hour halfway through the routine's busy Wednesday hours. */
export function middleBusyHour(routine: ServiceRoutine): number {
  const busy = Array.from({ length: 24 }, (_, hour) => hour).filter(
    (hour) => routine.meanPerHour(3, hour) > 0,
  );
  return busy[Math.floor(busy.length / 2)] ?? busiestHour(routine);
}

/** Splits a routine at `atMs`: the old routine before, `next` from then on. */
export function switchRoutine(
  member: FleetMember,
  next: ServiceRoutine,
  atMs: number,
  context: ScenarioContext,
): TrafficSegment[] {
  const { timeline, seed } = context;
  return [
    { routine: member.routine, fromMs: timeline.startMs, toMs: atMs, seed },
    { routine: next, fromMs: atMs, toMs: timeline.endMs, seed: seed + 1 },
  ];
}
