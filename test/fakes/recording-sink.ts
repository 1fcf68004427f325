import { DeliveryError, type AlertSink, type SendOptions } from '../../src/app/ports.ts';
import type { Alert } from '../../src/domain/alert.ts';

/** A sink that records what it is sent (and how: silently, as a re-send) and fails on demand. */
export class RecordingSink implements AlertSink {
  readonly sent: { alert: Alert; deliveryId: string; silent: boolean; resent: boolean }[] = [];
  /** Every send, delivered or not, by alert key. */
  readonly attempts: string[] = [];
  private failures: DeliveryError[] = [];
  private readonly refused = new Map<string, string>();
  constructor(readonly id: string) {}

  failNext(action: DeliveryError['action'], count = 1, retryAfterMs?: number): void {
    for (let i = 0; i < count; i++) {
      this.failures.push(new DeliveryError(action, `injected ${action}`, { destination: this.id, retryAfterMs }));
    }
  }

  /** Refuse the alert with this key on every send, as a platform refuses a message it cannot take (HTTP 400). */
  refuse(alertKey: string, description = 'Bad Request: message is too long (HTTP 400)'): void {
    this.refused.set(alertKey, description);
  }

  async send(alert: Alert, deliveryId: string, options?: SendOptions): Promise<void> {
    this.attempts.push(alert.key);
    const refusal = this.refused.get(alert.key);
    if (refusal !== undefined) throw new DeliveryError('skip', `${this.id}: refused the message: ${refusal}`, { destination: this.id, status: 400 });
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ alert, deliveryId, silent: options?.silent === true, resent: options?.resent === true });
  }
}
