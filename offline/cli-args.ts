/**
 * The flag loop the offline commands (`npm run plan`, `npm run verify`) share: `--flag value` pairs,
 * `--now <ISO date>`, `--help`, and an error with the usage for anything else.
 */

/** Calls `handle` for every argument; `value()` takes the flag's value. Unknown flags throw with `usage`. */
export function readFlags(
  argv: string[],
  usage: string,
  handle: (flag: string, value: () => string) => boolean,
): { now?: Date } {
  let now: Date | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${usage}`);
      return v;
    };
    if (a === "--now") {
      const d = new Date(value());
      if (Number.isNaN(d.getTime())) throw new Error(`--now: not a date\n${usage}`);
      now = d;
    } else if (a === "--help" || a === "-h") throw new Error(usage);
    else if (!handle(a, value)) throw new Error(`unknown argument ${a}\n${usage}`);
  }
  return now ? { now } : {};
}
