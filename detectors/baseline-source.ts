import type { ClickHouseClient } from '../clickhouse/client.ts';
import { currentVersion, readCurrentBaselines, readPriors } from '../models/store.ts';
import type { BaselineSet } from './scorer.ts';

/** The supplier of the streaming scorer's baselines: ClickHouse in production, memory in tests. */
export interface BaselineSource {
  /** The newest published version; cheap, polled. */
  currentVersion(): Promise<number>;
  load(): Promise<BaselineSet>;
}

/** Baselines from the ClickHouse store that `eastwatch train` publishes to. */
export function clickhouseBaselineSource(client: ClickHouseClient): BaselineSource {
  return {
    currentVersion: () => currentVersion(client),
    async load() {
      const version = await currentVersion(client);
      const [baselines, priors] = await Promise.all([
        readCurrentBaselines(client),
        readPriors(client),
      ]);
      return { version, baselines, priors };
    },
  };
}
