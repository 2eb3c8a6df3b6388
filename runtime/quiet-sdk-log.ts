/**
 * Keeps the Node.js SDK's own per-resource debug messages off the engine's wire.
 *
 * `@pulumi/pulumi` (<= 3.248) logs three or more debug messages for every resource it registers
 * ("Registering resource: …", "RegisterResource RPC prepared: …", "RegisterResource RPC finished:
 * …") and more for every invoke and output registration. Under `pulumi up` and `pulumi preview`
 * each one is a `Log` RPC to the engine, sent strictly one after another, and the CLI drops them
 * unless run with `--debug`: at 20 regions × 20 services that is about 21,000 round trips for
 * 6,500 resources, and a quarter of the program's CPU under the SDK's runner (measured with
 * offline/engine.ts; docs/performance.md). Pulumi did the same for other SDK-internal messages
 * (pulumi/pulumi#7144, behind `excessiveDebugOutput`) and for the Python SDK's (pulumi/pulumi#7295).
 *
 * Only messages in the SDK's own formats (`SDK_DEBUG_FORMATS`) are dropped; every other debug
 * message — `pulumi.log.debug` from a program or a component — goes out as before. Set
 * `PULUMI_ECS_FLEET_SDK_DEBUG=1` to keep the SDK's too (with `pulumi up --debug`, to see them).
 */

/** The beginnings of the debug messages `@pulumi/pulumi`'s runtime logs per resource, invoke or property. */
export const SDK_DEBUG_FORMATS: readonly RegExp[] = [
  /^Registering resource: t=/,
  /^RegisterResource RPC (prepared|finished|failed): /,
  /^RegisterResourceOutputs RPC (prepared|finished): /,
  /^Reading resource: t=/,
  /^ReadResource RPC (prepared|finished): /,
  /^Getting resource: urn=/,
  /^getResource Invoke RPC finished: /,
  /^Invoking function: tok=/,
  /^Calling function: tok=/,
  /^(Invoke|Call) RPC (prepared|finished): tok=/,
  // runtime/invoke.js builds the "RPC prepared" message as `"…tok=" + flag ? ", obj=…" : ""`: by
  // operator precedence what it sends is ", obj=<the serialized arguments>".
  /^, obj=/,
  /^Resource RPC serialization requested: /,
  /^Serialize property \[/,
];

/** Whether `message` is one of the SDK's per-resource debug messages. */
export function isSdkDebugMessage(message: string): boolean {
  return SDK_DEBUG_FORMATS.some((re) => re.test(message));
}

interface LogModule {
  debug: (msg: string, resource?: unknown, streamId?: number, ephemeral?: boolean) => Promise<void>;
}

const INSTALLED = Symbol.for("ecs-fleet.quietSdkDebug");

/**
 * Installs the filter on `@pulumi/pulumi/log` (once per process). Returns false, changing nothing,
 * when `PULUMI_ECS_FLEET_SDK_DEBUG` is set or the module is not the shape this was written for.
 */
export function quietSdkDebugLogs(): boolean {
  const log = require("@pulumi/pulumi/log") as LogModule & { [INSTALLED]?: true };
  if (log[INSTALLED]) return true;
  if (process.env.PULUMI_ECS_FLEET_SDK_DEBUG) return false;
  if (typeof log.debug !== "function") return false;
  const debug = log.debug;
  log.debug = function quietDebug(msg, resource, streamId, ephemeral) {
    if (typeof msg === "string" && isSdkDebugMessage(msg)) return Promise.resolve();
    return debug.call(this, msg, resource, streamId, ephemeral);
  };
  Object.defineProperty(log, INSTALLED, { value: true });
  return true;
}
