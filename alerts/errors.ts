import { EastwatchError, type EastwatchErrorOptions } from '../core/errors.ts';

/** A sink did not accept an alert. `retriable` is true when the same request may succeed later. */
export class DeliveryError extends EastwatchError {
  /** HTTP status of the sink's response, 0 when there was none. */
  readonly statusCode: number;

  constructor(
    message: string,
    options: EastwatchErrorOptions & { sink: string; statusCode?: number; retriable: boolean },
  ) {
    super('ALERT_DELIVERY_FAILED', message, {
      ...options,
      context: { ...options.context, sink: options.sink },
    });
    this.statusCode = options.statusCode ?? 0;
  }
}

/** The pipeline was used before `start()` or after `stop()`. */
export class AlertPipelineStateError extends EastwatchError {
  constructor(message: string) {
    super('ALERT_PIPELINE_STATE', message, { retriable: false });
  }
}

/** An alert id given to `ack` or `dismiss` does not exist. */
export class AlertNotFoundError extends EastwatchError {
  constructor(id: string) {
    super('ALERT_NOT_FOUND', `alert ${id} not found; list alerts with \`eastwatch alerts list\``, {
      retriable: false,
      context: { alert_id: id },
    });
  }
}
