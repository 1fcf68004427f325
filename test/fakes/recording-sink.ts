import { DeliveryError, type AlertSink, type SendOptions } from '../../src/app/ports.ts';
import type { Alert } from '../../src/domain/alert.ts';

/** A sink that records what it is sent (and how: silently or not) and fails on demand. */
export class RecordingSink implements AlertSink {
  readonly sent: { alert: Alert; deliveryId: string; silent: boolean }[] = [];
  private failures: DeliveryError[] = [];
  constructor(readonly id: string) {}

  failNext(action: DeliveryError['action'], count = 1, retryAfterMs?: number): void {
    for (let i = 0; i < count; i++) {
      this.failures.push(new DeliveryError(action, `injected ${action}`, { destination: this.id, retryAfterMs }));
    }
  }

  async send(alert: Alert, deliveryId: string, options?: SendOptions): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ alert, deliveryId, silent: options?.silent === true });
  }
}
