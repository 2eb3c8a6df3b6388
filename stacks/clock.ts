/**
 * The program's clock, for date checks in config (activation expiry). `pulumi up` uses the real
 * time; the offline plan and the tests inject a fixed one so results do not drift with the date.
 */
let current: () => Date = () => new Date();

export function now(): Date {
  return current();
}

/** Replaces the clock (tests, `npm run plan -- --now`); returns a function that restores it. */
export function setClock(clock: () => Date): () => void {
  const previous = current;
  current = clock;
  return () => {
    current = previous;
  };
}
