import type { Alert } from '../alert.ts';

/** One delivery of one alert to one sink. */
export interface DeliveryRequest {
  alert: Alert;
  /** The webhook-id: the same on every attempt for this alert and sink. */
  messageId: string;
  /** Aborts the attempt, on stop. Sinks add their own timeout to it. */
  signal: AbortSignal;
}

/**
 * A destination for alerts. `deliver` resolves with the HTTP status (0 when there is none) once the
 * sink has accepted the alert, and rejects with a {@link DeliveryError} otherwise.
 */
export interface Sink {
  readonly name: string;
  start?(): Promise<void>;
  deliver(request: DeliveryRequest): Promise<number>;
  close?(): Promise<void>;
}

export type FetchFunction = typeof fetch;
