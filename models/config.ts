import { z } from 'zod';
import { IANAZone } from 'luxon';

const timeZone = z
  .string()
  .refine(
    (zone) => IANAZone.isValidZone(zone),
    'expected an IANA time zone, for example Europe/Berlin',
  );

/** Settings of the `train` section. */
export const trainConfigSchema = z
  .strictObject({
    /** Length of the training window that ends at the start of each run, in days. */
    windowDays: z.number().positive().max(366).default(30),
    /** Time zone of every principal without an entry in `timeZones`. */
    timeZone: timeZone.default('UTC'),
    /**
     * Time zone per principal. A key ending in `*` is a prefix that matches a group of principals.
     * An exact name wins over a prefix, and a longer prefix over a shorter one.
     */
    timeZones: z.record(z.string().min(1), timeZone).default({}),
    /** Active local days a principal needs in its window to be mature, together with `minEvents`. */
    minActiveDays: z.number().int().min(0).default(7),
    /** Events a principal needs in its window to be mature, together with `minActiveDays`. */
    minEvents: z.number().int().min(0).default(200),
    /** Entries kept in each list of seen values (routes, hosts, networks, clients, ...). */
    maxSeenValues: z.number().int().positive().max(10_000).default(100),
    /** Pseudo-count added to every hour-of-week slot before the probabilities are normalised. */
    hourOfWeekPseudoCount: z.number().min(0).default(0.5),
    /** Upper bound on the number of peer groups; see docs/baselines.md for the rule that picks k. */
    maxPeerGroups: z.number().int().positive().max(100).default(8),
    /** Seed of the k-means initialisation, so the same data gives the same groups. */
    peerSeed: z.number().int().default(42),
    /** Published versions kept; older versions are dropped after each run. */
    keepVersions: z.number().int().min(1).default(10),
    /** How often `train --every` without a value runs, in milliseconds. */
    defaultIntervalMs: z.number().int().positive().default(3_600_000),
  })
  .prefault({});

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** Returns the configured time zone of a principal: exact entry, then longest prefix, then default. */
export function timeZoneFor(principal: string, config: TrainConfig): string {
  const exact = config.timeZones[principal];
  if (exact !== undefined) return exact;

  let best: { length: number; zone: string } | undefined;
  for (const [key, zone] of Object.entries(config.timeZones)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (principal.startsWith(prefix) && (best === undefined || prefix.length > best.length)) {
      best = { length: prefix.length, zone };
    }
  }
  return best?.zone ?? config.timeZone;
}
