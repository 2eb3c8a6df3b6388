/**
 * Time, injectable: bake waits, health polling and lock-retry backoff all go through a Clock, so
 * tests run instantly with a fake one and nothing asserts on wall-clock time.
 */

export interface Clock {
  /** The current time. */
  now(): Date;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
