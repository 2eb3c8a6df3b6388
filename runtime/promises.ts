/**
 * Cheap promise bookkeeping for the Pulumi Node.js runtime, loaded first by `index.ts` so that
 * `pulumi up`, `pulumi preview`, `npm run plan` and the tests all run the program the same way.
 *
 * `@pulumi/pulumi` (<= 3.248) wraps every promise it creates in `debuggablePromise`, which stores
 * `new Error().stack` on the promise. That string is read only by the leak report printed when
 * `PULUMI_DEBUG_PROMISE_LEAKS` is set, yet it is built for every promise — dozens per resource —
 * and, because tsx turns source maps on, Node maps every frame of it back to TypeScript. That was
 * about 60 % of the program's CPU time and most of its memory (see docs/performance.md).
 *
 * This replaces `debuggablePromise` with the same function minus the stack string: the leak detector
 * (the set of pending promises, the exit-time report, the failed exit code) is kept as is; only the
 * `_debugStackTrace` detail is dropped. With `PULUMI_DEBUG_PROMISE_LEAKS` set nothing is replaced,
 * so the detailed leak report (with stacks) stays one environment variable away.
 *
 * Error stacks are not touched: errors the program throws still carry source-mapped TypeScript
 * positions, and so does the source position Pulumi records for every resource.
 */

interface DebuggableModule {
  debugPromiseLeaks: boolean;
  debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
  leakedPromises: () => unknown;
}

interface LeakStore {
  leakCandidates: Set<Promise<unknown>>;
  terminated?: boolean;
}

/** Marks our replacement so installing twice is a no-op. */
const INSTALLED = Symbol.for("ecs-fleet.cheapDebuggablePromise");

/**
 * Installs the cheap `debuggablePromise`. Returns false (and changes nothing) when leak debugging is
 * on or when the runtime's internals are not the shape this was written for.
 */
export function installCheapPromises(): boolean {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule & { [INSTALLED]?: true };
  if (debuggable[INSTALLED]) return true;
  if (debuggable.debugPromiseLeaks) return false;
  if (typeof debuggable.debuggablePromise !== "function" || typeof debuggable.leakedPromises !== "function") return false;
  const state = require("@pulumi/pulumi/runtime/state") as { getStore: () => LeakStore };
  const log = require("@pulumi/pulumi/log") as { hasErrors: () => boolean };
  if (typeof state.getStore !== "function" || !(state.getStore().leakCandidates instanceof Set)) return false;

  let leakDetectorScheduled = false;
  debuggable.debuggablePromise = function debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> {
    const store = state.getStore();
    if (!leakDetectorScheduled) {
      // The same exit-time report as the runtime's own (runtime/debuggable.js).
      process.on("exit", () => {
        if ((process.exitCode === undefined || process.exitCode === 0) && !log.hasErrors() && !store.terminated) {
          const [leaks, message] = debuggable.leakedPromises() as [Set<unknown>, string];
          if (leaks.size === 0) return;
          console.error(message);
          process.exitCode = 1;
        }
      });
      leakDetectorScheduled = true;
    }
    void ctx;
    store.leakCandidates.add(p);
    return p.then(
      (val) => {
        store.leakCandidates.delete(p);
        return val;
      },
      (err) => {
        store.leakCandidates.delete(p);
        if (err && typeof err === "object") (err as { promise?: unknown }).promise = p;
        throw err;
      },
    );
  };
  Object.defineProperty(debuggable, INSTALLED, { value: true });
  return true;
}
