/**
 * The behavioural model of one principal, as training writes it and the detectors read it.
 *
 * All times are UTC milliseconds since the Unix epoch. Hour-of-week arrays have 168 slots in the
 * principal's own time zone: slot 0 is Monday 00:00-00:59 local time, slot 167 is Sunday 23:00.
 * Lists of seen values are capped by the trainer's settings and sorted by count, largest first.
 */
export interface SeenValue {
  /** The value: a route key, host, method, network prefix, user agent or credential fingerprint. */
  key: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** A route the principal called: `method host route`, for example `GET wiki.corp /rest/api/content/{id}`. */
export interface RouteSeen extends SeenValue {
  method: string;
  host: string;
  route: string;
}

/** Robust summary of a non-negative quantity, such as requests per minute. */
export interface RobustStats {
  median: number;
  /** Median absolute deviation from the median, unscaled. */
  mad: number;
  p95: number;
  p99: number;
  max: number;
  /** Number of observations (minutes, hours or windows) the statistics rest on. */
  samples: number;
}

/** Share of requests answered with each error class, from 0 to 1. */
export interface ErrorRatios {
  unauthorized: number;
  forbidden: number;
  notFound: number;
  serverError: number;
}

export interface PeerAssignment {
  /** Peer group index, stable for the same training data. */
  group: number;
  /** Distance from the principal's normalised behaviour vector to its group's centroid. */
  distance: number;
  /** Median distance of the group's members to the centroid, the yardstick for `distance`. */
  groupMedianDistance: number;
  /** Principals in the group. */
  groupSize: number;
}

export interface PrincipalBaseline {
  principal: string;
  /** Training run that produced this version; larger is newer. */
  version: number;
  trainedAtMs: number;
  windowStartMs: number;
  windowEndMs: number;
  /** IANA time zone the hour-of-week slots are in. */
  timeZone: string;

  eventCount: number;
  /** Distinct local calendar days with activity. */
  activeDays: number;
  /** False while the model rests on fewer days or events than the configured minimum. */
  mature: boolean;
  /** True when the values below came from the peer group, because the principal is immature. */
  fromPeerPrior: boolean;

  routes: RouteSeen[];
  hosts: SeenValue[];
  methods: SeenValue[];
  /** Source networks: IPv4 /24 or IPv6 /64 prefixes in CIDR form. */
  networks: SeenValue[];
  sourceIps: SeenValue[];
  userAgents: SeenValue[];
  credentials: SeenValue[];

  /** Raw request counts per hour-of-week slot over the window. */
  hourOfWeekCounts: number[];
  /** Smoothed probability that an active hour falls in each slot; sums to 1. */
  hourOfWeekProbability: number[];
  /** Expected requests in one hour of each slot (median over the weeks of the window). */
  expectedPerHourOfWeek: number[];

  /** Requests per minute, over minutes with at least one request. */
  ratePerMinute: RobustStats;
  /** Requests per hour, over hours with at least one request. */
  ratePerHour: RobustStats;
  /** Distinct paths (ids) per five-minute window with activity. */
  breadthPerWindow: RobustStats;
  /** Distinct routes per five-minute window with activity. */
  routesPerWindow: RobustStats;
  /** Response bytes per five-minute window with activity. */
  bytesOutPerWindow: RobustStats;
  errorRatios: ErrorRatios;

  peer?: PeerAssignment;
}

/** The model a principal without a mature baseline starts from: its peer group's typical values. */
export interface PeerGroupPrior {
  group: number;
  members: number;
  ratePerMinute: RobustStats;
  breadthPerWindow: RobustStats;
  routesPerWindow: RobustStats;
  bytesOutPerWindow: RobustStats;
  errorRatios: ErrorRatios;
  hourOfWeekProbability: number[];
  /** Median over the group's members; absent in priors written before it was added. */
  ratePerHour?: RobustStats;
  /** Median over the group's members, per hour-of-week slot. */
  expectedPerHourOfWeek?: number[];
}

/** Group number of the prior built from every principal, for principals without a peer group. */
export const GLOBAL_PRIOR_GROUP = -1;

export const HOURS_PER_WEEK = 168;
