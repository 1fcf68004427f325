/** Assertions shared by the chat sink tests (Discord, Telegram): how a send failed, and that it leaked nothing. */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { DeliveryError } from '../../src/app/ports.ts';

/** The DeliveryError a send rejects with; fails the test when it resolves or throws anything else. */
export async function sendExpectingFailure(send: () => Promise<void>): Promise<DeliveryError> {
  const error = await send().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

/** No secret may appear anywhere an operator or a log could see it: message, stack, or the cause chain. */
export function expectNoSecret(error: DeliveryError, ...secrets: string[]): void {
  const everything = `${error.message}\n${error.stack}\n${inspect(error, { depth: 8 })}`;
  for (const secret of secrets) expect(everything).not.toContain(secret);
}
