import { Command, CommanderError } from 'commander';
import { EastwatchError } from '../core/errors.ts';
import { registerKafkaCodecs } from '../core/kafka-codecs.ts';
import { rootLogger } from '../core/logger.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerReplay } from './commands/replay.ts';
import { registerScore } from './commands/score.ts';
import { registerStack } from './commands/stack.ts';
import { registerTrain } from './commands/train.ts';
import { registerBaseline } from './commands/baseline.ts';
import { registerAlerts } from './commands/alerts.ts';
import { registerDemo } from './commands/demo.ts';

const program = new Command('eastwatch')
  .description('catch stolen and misused service credentials in API access logs')
  .option(
    '-c, --config <file>',
    'configuration file (default: $EASTWATCH_CONFIG, ./eastwatch.config.json)',
  )
  .showHelpAfterError()
  .exitOverride();

registerKafkaCodecs();

registerStack(program);
registerAlerts(program);
registerMigrate(program);
registerIngest(program);
registerPolicy(program);
registerReplay(program);
registerScore(program);
registerTrain(program);
registerBaseline(program);
registerDemo(program);

/** Prints an error and its causes, one per line, without stack traces for expected failures. */
function reportError(error: unknown): void {
  let current: unknown = error;
  let prefix = 'error';
  while (current !== undefined) {
    const message = current instanceof Error ? current.message : JSON.stringify(current);
    process.stderr.write(`${prefix}: ${message}\n`);
    if (
      !(current instanceof EastwatchError) &&
      current instanceof Error &&
      process.env['EASTWATCH_DEBUG']
    ) {
      process.stderr.write(`${current.stack}\n`);
    }
    current = current instanceof Error ? current.cause : undefined;
    prefix = '  caused by';
  }
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    reportError(error);
    process.exitCode = error instanceof EastwatchError && error.code === 'CONFIG_INVALID' ? 2 : 1;
  }
} finally {
  rootLogger.flush();
}
