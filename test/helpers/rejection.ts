// SPDX-License-Identifier: Apache-2.0
/**
 * The error `call` rejects with. The test fails when the call succeeds, or rejects with anything
 * but a `type` (a bug behind an expected refusal must not pass for it).
 */
export async function rejection<E extends Error>(
  call: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await call;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, but the call succeeded`);
}
