import type { Logger } from '../../core/logger.ts';

/**
 * Sends group heartbeats every `intervalMs` until the returned function is called, so a slow
 * insert or a long retry does not make the coordinator evict this member. A failed heartbeat
 * (usually a rebalance in progress) is logged. The commit that follows then fails and the
 * consumer rejoins, so the chunk is written again and collapsed by its event ids.
 */
export function keepAlive(
  heartbeat: () => Promise<void>,
  intervalMs: number,
  log: Logger,
): () => void {
  const timer = setInterval(() => {
    heartbeat().catch((err: unknown) => log.warn({ err }, 'heartbeat failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
