import { DateTime } from 'luxon';
import { networkOf } from '../models/networks.ts';
import type { EventContext } from './detector.ts';

const QUARTER_HOUR_MS = 900_000;
const MAX_CACHED_ADDRESSES = 65_536;
const PLAIN_IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface LocalHour {
  quarter: number;
  hourOfWeek: number;
  label: string;
}

/**
 * Derives the per-event context (network, local hour) with caches, because luxon and ipaddr.js
 * cost microseconds per call and the scorer handles hundreds of thousands of events a second.
 * The local hour is cached per time zone and UTC quarter-hour: every offset and daylight-saving
 * transition in the IANA database falls on a quarter-hour, so the cache never mixes two local
 * hours.
 */
export class ContextBuilder {
  readonly #hours = new Map<string, LocalHour>();
  readonly #context: EventContext = { network: '', hourOfWeek: 0, localHourLabel: '' };
  /** Networks of recent addresses; cleared when full, so its size stays bounded. */
  readonly #networks = new Map<string, string>();

  /**
   * Returns the context of one event. The object is reused for the next event, so detectors
   * read it during `evaluate` and copy what a finding keeps.
   */
  build(sourceIp: string, timestampMs: number, timeZone: string): EventContext {
    const local = this.#localHour(timestampMs, timeZone);
    const context = this.#context;
    context.network = this.network(sourceIp);
    context.hourOfWeek = local.hourOfWeek;
    context.localHourLabel = local.label;
    return context;
  }

  /** Returns the /24 or /64 of an address as training computes it, or '' for a non-address. */
  network(sourceIp: string): string {
    const cached = this.#networks.get(sourceIp);
    if (cached !== undefined) return cached;
    const match = PLAIN_IPV4.exec(sourceIp);
    let network: string;
    if (match && match.slice(1).every((octet) => Number(octet) <= 255 && !/^0\d/.test(octet))) {
      network = `${match[1]}.${match[2]}.${match[3]}.0/24`;
    } else {
      network = networkOf(sourceIp) ?? '';
    }
    if (this.#networks.size >= MAX_CACHED_ADDRESSES) this.#networks.clear();
    this.#networks.set(sourceIp, network);
    return network;
  }

  #localHour(timestampMs: number, timeZone: string): LocalHour {
    const quarter = Math.floor(timestampMs / QUARTER_HOUR_MS);
    const cached = this.#hours.get(timeZone);
    if (cached && cached.quarter === quarter) return cached;

    const local = DateTime.fromMillis(timestampMs, { zone: timeZone });
    const hour = String(local.hour).padStart(2, '0');
    const entry: LocalHour = {
      quarter,
      hourOfWeek: (local.weekday - 1) * 24 + local.hour,
      label: `${WEEKDAYS[local.weekday - 1]} ${hour}:00-${hour}:59 ${timeZone}`,
    };
    this.#hours.set(timeZone, entry);
    return entry;
  }
}
