import type { AccessEvent } from '../schemas/access-event.ts';
import type { Finding } from './finding.ts';

const MINUTE_MS = 60_000;

/** Limits of one principal's state, so memory per principal stays bounded. */
export interface StateLimits {
  /** Length of the detector window (volume, enumeration, errors, bytes), in milliseconds. */
  windowMs: number;
  /** How far behind the principal's newest event an event may arrive and still count. */
  allowedLatenessMs: number;
  /** Distinct paths and distinct routes remembered per window; counts saturate here. */
  maxDistinctPerWindow: number;
  /** New values (routes, networks, clients) remembered since the baseline was trained. */
  maxNovelValues: number;
  /** Source networks remembered for the two-networks check. */
  maxRecentNetworks: number;
}

/** Totals of the detector window that ends at the principal's newest event. */
export interface WindowTotals {
  requests: number;
  bytesOut: number;
  unauthorized: number;
  forbidden: number;
  notFound: number;
  distinctPaths: number;
  distinctRoutes: number;
}

interface MinuteBucket {
  minute: number;
  requests: number;
  bytesOut: number;
  unauthorized: number;
  forbidden: number;
  notFound: number;
}

/**
 * Everything the scorer remembers about one principal, in event time. Minute buckets cover the
 * detector window plus the allowed lateness, so an out-of-order event within the lateness lands
 * in its own minute. Distinct paths and routes are kept as 32-bit hashes with their last-seen
 * time. A hash collision undercounts by one, which only makes enumeration slightly less eager.
 */
export class PrincipalState {
  /** Newest event time seen (the principal's watermark), UTC milliseconds; 0 before any event. */
  watermarkMs = 0;
  /** Time of the newest event before the current one; 0 when there was none. */
  previousEventMs = 0;
  /** Events that arrived later than the allowed lateness and were kept out of the windows. */
  lateEvents = 0;
  /** Strongest finding per detector within the risk window, maintained by the scorer. */
  readonly findings = new Map<string, Finding>();
  /** Source addresses of recent events, newest last, for the alert. */
  readonly recentSourceIps: string[] = [];
  /** Event time each address of {@link recentSourceIps} was last seen, in milliseconds. */
  readonly #sourceIpSeenMs: number[] = [];
  /** One-off markers of detectors, such as the baseline version already reported. */
  readonly markers = new Map<string, number>();
  credential = '';
  /** Detector set and severity of the last alert of the current episode; '' when none. */
  lastAlertKey = '';

  readonly #limits: StateLimits;
  readonly #buckets: MinuteBucket[];
  readonly #paths = new Map<number, number>();
  readonly #routes = new Map<number, number>();
  readonly #networks = new Map<string, number>();
  readonly #novel = new Map<string, number>();
  #prunedMinute = 0;
  #totalsFresh = false;
  #baseMs: number | undefined;
  readonly #totals: WindowTotals = {
    requests: 0,
    bytesOut: 0,
    unauthorized: 0,
    forbidden: 0,
    notFound: 0,
    distinctPaths: 0,
    distinctRoutes: 0,
  };

  constructor(
    readonly principal: string,
    limits: StateLimits,
  ) {
    this.#limits = limits;
    const minutes = Math.ceil((limits.windowMs + limits.allowedLatenessMs) / MINUTE_MS) + 1;
    this.#buckets = Array.from({ length: minutes }, () => emptyBucket(-1));
  }

  /**
   * Adds an event to the windows. Returns false, and changes nothing but `lateEvents`, when the
   * event is older than the watermark minus the allowed lateness.
   */
  add(event: AccessEvent, network: string): boolean {
    const timestampMs = event.timestamp;
    if (this.watermarkMs > 0 && timestampMs < this.watermarkMs - this.#limits.allowedLatenessMs) {
      this.lateEvents += 1;
      return false;
    }

    this.previousEventMs = this.watermarkMs;
    if (timestampMs > this.watermarkMs) this.watermarkMs = timestampMs;
    if (event.credential) this.credential = event.credential;

    this.#totalsFresh = false;
    this.#addToBucket(event);
    this.#pruneIfNewMinute();
    const seconds = this.#toSeconds(timestampMs);
    remember(this.#paths, hash32(event.path), seconds, this.#limits.maxDistinctPerWindow);
    remember(this.#routes, hash32(event.route), seconds, this.#limits.maxDistinctPerWindow);
    if (network) remember(this.#networks, network, seconds, this.#limits.maxRecentNetworks);
    this.#rememberSourceIp(event.sourceIp, timestampMs);
    return true;
  }

  /** Requests in the minute that contains `timestampMs`. */
  minuteRequests(timestampMs: number): number {
    const minute = Math.floor(timestampMs / MINUTE_MS);
    const bucket = this.#buckets[minute % this.#buckets.length]!;
    return bucket.minute === minute ? bucket.requests : 0;
  }

  /**
   * Totals over the detector window that ends at the watermark, computed once per event. The
   * object is reused: read it before the next `add`, and copy what must be kept.
   */
  windowTotals(): Readonly<WindowTotals> {
    if (!this.#totalsFresh) this.#computeTotals();
    this.#totalsFresh = true;
    return this.#totals;
  }

  #computeTotals(): void {
    const lastMinute = Math.floor(this.watermarkMs / MINUTE_MS);
    const firstMinute = lastMinute - Math.ceil(this.#limits.windowMs / MINUTE_MS) + 1;
    const totals = this.#totals;
    totals.requests = 0;
    totals.bytesOut = 0;
    totals.unauthorized = 0;
    totals.forbidden = 0;
    totals.notFound = 0;
    totals.distinctPaths = this.#paths.size;
    totals.distinctRoutes = this.#routes.size;
    for (const bucket of this.#buckets) {
      if (bucket.minute < firstMinute || bucket.minute > lastMinute) continue;
      totals.requests += bucket.requests;
      totals.bytesOut += bucket.bytesOut;
      totals.unauthorized += bucket.unauthorized;
      totals.forbidden += bucket.forbidden;
      totals.notFound += bucket.notFound;
    }
  }

  /** Number of networks seen at or after `sinceMs`, without building a list. */
  countNetworksSince(sinceMs: number): number {
    let count = 0;
    const since = this.#toSeconds(sinceMs);
    for (const lastSeen of this.#networks.values()) if (lastSeen >= since) count += 1;
    return count;
  }

  /** Networks seen at or after `sinceMs`, oldest first. */
  networksSince(sinceMs: number): string[] {
    const since = this.#toSeconds(sinceMs);
    const result: string[] = [];
    for (const [network, lastSeen] of this.#networks) {
      if (lastSeen >= since) result.push(network);
    }
    return result;
  }

  /**
   * Records a value that the baseline does not contain. Returns true on its first sighting, so
   * a new route is reported once, not on every later call.
   */
  markNovel(kind: string, key: string, timestampMs: number): boolean {
    const id = `${kind}\u0000${key}`;
    if (this.#novel.has(id)) return false;
    if (this.#novel.size >= this.#limits.maxNovelValues) {
      const oldest = this.#novel.keys().next();
      if (!oldest.done) this.#novel.delete(oldest.value);
    }
    this.#novel.set(id, timestampMs);
    return true;
  }

  /** Values of one kind first seen at or after `sinceMs`, in the order they were first seen. */
  novelSince(kind: string, sinceMs: number): string[] {
    const prefix = `${kind}\u0000`;
    const result: string[] = [];
    for (const [id, firstSeenMs] of this.#novel) {
      if (firstSeenMs >= sinceMs && id.startsWith(prefix)) result.push(id.slice(prefix.length));
    }
    return result;
  }

  /** Forgets new values, for a new baseline version that may contain them. */
  clearNovel(): void {
    this.#novel.clear();
  }

  #addToBucket(event: AccessEvent): void {
    const minute = Math.floor(event.timestamp / MINUTE_MS);
    const index = minute % this.#buckets.length;
    let bucket = this.#buckets[index]!;
    if (bucket.minute !== minute) {
      if (bucket.minute > minute) return;
      bucket = emptyBucket(minute);
      this.#buckets[index] = bucket;
    }
    bucket.requests += 1;
    bucket.bytesOut += event.bytesOut;
    if (event.status === 401) bucket.unauthorized += 1;
    else if (event.status === 403) bucket.forbidden += 1;
    else if (event.status === 404) bucket.notFound += 1;
  }

  /** Drops distinct-value entries older than the window, once per minute of event time. */
  #pruneIfNewMinute(): void {
    const minute = Math.floor(this.watermarkMs / MINUTE_MS);
    if (minute === this.#prunedMinute) return;
    this.#prunedMinute = minute;
    const cutoff = this.#toSeconds(this.watermarkMs - this.#limits.windowMs);
    pruneBefore(this.#paths, cutoff);
    pruneBefore(this.#routes, cutoff);
  }

  /**
   * Converts event time to whole seconds since the state's first event. Small integers stay
   * unboxed in V8 maps, where epoch milliseconds would allocate a heap number per update.
   */
  #toSeconds(timestampMs: number): number {
    if (this.#baseMs === undefined) this.#baseMs = timestampMs;
    return Math.floor((timestampMs - this.#baseMs) / 1000);
  }

  /** Source addresses seen at or after `sinceMs`, oldest first. */
  sourceIpsSince(sinceMs: number): string[] {
    return this.recentSourceIps.filter((_, i) => (this.#sourceIpSeenMs[i] ?? 0) >= sinceMs);
  }

  #rememberSourceIp(sourceIp: string, timestampMs: number): void {
    const ips = this.recentSourceIps;
    const seen = this.#sourceIpSeenMs;
    const last = ips.length - 1;
    if (ips[last] === sourceIp) {
      seen[last] = Math.max(seen[last] ?? 0, timestampMs);
      return;
    }
    const index = ips.indexOf(sourceIp);
    if (index >= 0) {
      ips.splice(index, 1);
      seen.splice(index, 1);
    }
    ips.push(sourceIp);
    seen.push(timestampMs);
    if (ips.length > 8) {
      ips.shift();
      seen.shift();
    }
  }
}

function emptyBucket(minute: number): MinuteBucket {
  return { minute, requests: 0, bytesOut: 0, unauthorized: 0, forbidden: 0, notFound: 0 };
}

/**
 * Sets `key` to `time` (seconds since the state's first event), keeping the newer time. Past `max` entries the entry inserted
 * first goes. Entries are not reordered on update, because that costs a delete and an insert per
 * event, so under pressure an old but recently seen entry can go first.
 */
function remember<K>(map: Map<K, number>, key: K, time: number, max: number): void {
  const previous = map.get(key);
  if (previous !== undefined) {
    if (time > previous) map.set(key, time);
    return;
  }
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, time);
}

function pruneBefore<K>(map: Map<K, number>, cutoff: number): void {
  for (const [key, lastSeen] of map) {
    if (lastSeen < cutoff) map.delete(key);
  }
}

/** FNV-1a over UTF-16 code units: cheap, and good enough to count distinct paths. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
