import { generateRoutineTraffic, type GatewayLine } from '../demo/gateway-traffic.ts';
import { Secret } from '../core/secret.ts';
import { createRecordParser } from '../ingest/parse.ts';
import type { AccessEvent } from '../schemas/access-event.ts';
import { ATTACK_SCENARIOS } from './attacks.ts';
import { apacheBackground } from './background.ts';
import { BENIGN_SCENARIOS } from './benign.ts';
import { generateFleet, type FleetMember } from './fleet.ts';
import {
  routineSegments,
  type Scenario,
  type ScenarioEffect,
  type ScenarioLabel,
  type TrafficSegment,
} from './scenario.ts';
import { benchmarkTimeline, type Timeline } from './timeline.ts';

export const SCENARIOS: Scenario[] = [...ATTACK_SCENARIOS, ...BENIGN_SCENARIOS];

export interface DatasetOptions {
  /** Generated service accounts besides the ones scenarios bring. */
  fleetSize: number;
  /** Instances of every scenario, each on its own target principal. */
  instances: number;
  seed?: number;
  timeline?: Timeline;
}

/** The labelled traffic of one benchmark run, sorted by time. */
export interface Dataset {
  timeline: Timeline;
  events: AccessEvent[];
  labels: ScenarioLabel[];
  /** Time zone per generated principal, as training is configured. */
  timeZones: Record<string, string>;
  backgroundEvents: number;
  generatedEvents: number;
  serviceAccounts: number;
}

const SIGNING_KEY = 'detect-benchmark-signing-key';

/**
 * Builds the dataset: the real Apache background, the generated fleet's routine traffic, and
 * every scenario instance applied to its own target. Targets are taken in fleet order from the
 * members no other scenario has taken.
 */
export function buildDataset(options: DatasetOptions): Dataset {
  const seed = options.seed ?? 1;
  const timeline = options.timeline ?? benchmarkTimeline();
  const fleet = generateFleet(options.fleetSize, seed);
  const effects = applyScenarios(fleet, options.instances, timeline, seed);

  const members = [...fleet, ...effects.flatMap((e) => (e.newMember ? [e.newMember] : []))];
  const segmentsOf = new Map<string, TrafficSegment[]>();
  for (const effect of effects) {
    if (effect.segments) segmentsOf.set(effect.label.principal, effect.segments);
  }

  const lines: GatewayLine[] = effects.flatMap((e) => e.lines ?? []);
  members.forEach((member, index) => {
    const principal = member.routine.principal;
    const segments = segmentsOf.get(principal) ?? routineSegments(member, timeline, seed + index);
    for (const s of segments) {
      lines.push(...generateRoutineTraffic(s.fromMs, s.toMs, SIGNING_KEY, s.seed, [s.routine]));
    }
  });

  const credentialKey = new Secret('detect-benchmark-credential-key', 'bench');
  const generated = parseGatewayLines(lines, credentialKey);
  const background = apacheBackground(timeline, { credentialKey });
  const events = [...background, ...generated].sort((a, b) => a.timestamp - b.timestamp);
  return {
    timeline,
    events,
    labels: effects.map((e) => e.label),
    timeZones: Object.fromEntries(members.map((m) => [m.routine.principal, m.configuredTimeZone])),
    backgroundEvents: background.length,
    generatedEvents: generated.length,
    serviceAccounts: members.length,
  };
}

function applyScenarios(
  fleet: FleetMember[],
  instances: number,
  timeline: Timeline,
  seed: number,
): ScenarioEffect[] {
  const assigned = new Set<string>();
  const effects: ScenarioEffect[] = [];
  SCENARIOS.forEach((scenario, scenarioIndex) => {
    for (let instance = 0; instance < instances; instance++) {
      const target = scenario.accepts ? takeTarget(fleet, assigned, scenario) : undefined;
      const context = {
        timeline,
        signingKey: SIGNING_KEY,
        instance,
        seed: seed * 1000 + scenarioIndex * 37 + instance * 7,
      };
      effects.push(scenario.build(target, context));
    }
  });
  return effects;
}

function takeTarget(fleet: FleetMember[], assigned: Set<string>, scenario: Scenario): FleetMember {
  const target = fleet.find((m) => !assigned.has(m.routine.principal) && scenario.accepts!(m));
  if (!target) {
    throw new RangeError(
      `no free fleet member fits scenario ${scenario.name}; raise fleetSize or lower instances`,
    );
  }
  assigned.add(target.routine.principal);
  return target;
}

function parseGatewayLines(lines: GatewayLine[], credentialKey: Secret): AccessEvent[] {
  const parse = createRecordParser(
    { topic: 'bench-gateway', format: 'envoy-json', principal: 'jwt:sub' },
    { credentialKey },
  );
  const events: AccessEvent[] = [];
  lines.forEach((line, index) => {
    const meta = { topic: 'bench-gateway', partition: -1, offset: String(index + 1) };
    const outcome = parse(Buffer.from(line.line), meta);
    if (outcome.ok) events.push(outcome.event);
    else throw new Error(`generated line ${index + 1} did not parse: ${outcome.error.message}`);
  });
  return events;
}
