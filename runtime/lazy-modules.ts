/**
 * Loads parts of `@pulumi/pulumi` a program does not use on first use instead of at start-up.
 *
 * `require("@pulumi/pulumi")` loads the machinery for serializing JavaScript functions into
 * resources (`pulumi.runtime.serializeFunction`, used by `aws.lambda.CallbackFunction` and
 * similar "magic functions") eagerly, although a program that never serializes a function never
 * calls it:
 * - `runtime/closure/codePaths.js` pulls in `@npmcli/arborist` (and pacote, sigstore, the npm
 *   registry client…) to compute a function's package dependencies: about 350 ms;
 * - `typescript-shim.js` pulls in the whole TypeScript compiler to parse function text: about 320 ms.
 *
 * Together that is two thirds of the time `require("@pulumi/pulumi")` takes, paid by every
 * `pulumi up`, `pulumi preview`, plan and test run (docs/performance.md); the SDK's index also
 * loads the Automation API (`pulumi.automation`, ~70 ms), which a program does not drive. This
 * replaces those modules (`DEFERRED_SDK_REQUIRES`), while they are not yet loaded, by a stand-in
 * that loads the real module the first time anything touches it — a property read, a call, `in`,
 * `Object.keys` — and from then on forwards everything to it. Nothing about them changes except when they are loaded: a program that serializes a
 * function loads them at that moment (test/unit/lazy-modules.test.ts serializes one).
 *
 * Each is reached from one file of `@pulumi/pulumi` through a plain `require` or TypeScript's import
 * helpers and then used by property access or a call (`arborist.Arborist`, `ts.createSourceFile`,
 * `normalize(data)`, `pulumi.automation.LocalWorkspace`), so a stand-in behaves the same. When a
 * later SDK renames or restructures them, the hook matches nothing and the SDK loads as before:
 * slower, never broken.
 */
import Module = require("module");

/**
 * What is loaded on first use: `request` as required by the `@pulumi/pulumi` file `from` (relative
 * to its package root), and how `from` consumes it — the stand-in must answer the first questions
 * TypeScript's import helpers ask without loading the module:
 * - `"star"`: `__importStar(require(…))`, which reads `__esModule` and, when false, copies every
 *   property at once. The stand-in answers `true`, so the copy is skipped and `arborist.Arborist`
 *   is read (and loaded) on use.
 * - `"default"`: `__importDefault(require(…))`, which reads `__esModule` and, when false, wraps the
 *   module as `{ default: module }`; the module is a function, called later. The stand-in answers
 *   `false` and is callable.
 * - `"plain"`: a plain `require`, read property by property.
 */
export const DEFERRED_SDK_REQUIRES: readonly { from: string; request: string; as: "star" | "default" | "plain" }[] = [
  // Function serialization: computing a function's package dependencies (~350 ms with pacote, sigstore…).
  { from: "runtime/closure/codePaths.js", request: "@npmcli/arborist", as: "star" },
  { from: "runtime/closure/codePaths.js", request: "normalize-package-data", as: "default" },
  // Function serialization: parsing a function's text with the TypeScript compiler (~320 ms).
  { from: "runtime/closure/parseFunction.js", request: "../../typescript-shim", as: "plain" },
  // `pulumi.automation`, the Automation API (LocalWorkspace, execa…): a program never drives the CLI (~70 ms).
  { from: "index.js", request: "./automation", as: "star" },
];

interface ModuleInternals {
  _load(request: string, parent: NodeModule | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: NodeModule | undefined, isMain: boolean): string;
  _cache: Record<string, NodeModule | undefined>;
}

const INSTALLED = Symbol.for("ecs-fleet.lazySdkModules");
const SDK_DIR = "/node_modules/@pulumi/pulumi/";

/** A stand-in that loads the real module (through `load`) on first touch, then forwards to it. */
function standIn(load: () => object, as: "star" | "default" | "plain"): object {
  let real: object | undefined;
  const target = (): object => (real ??= load());
  // Callable for a module that is a function; an arrow function has no non-configurable own properties.
  const shell: object = as === "default" ? () => undefined : {};
  return new Proxy(shell, {
    get: (_t, key) => {
      if (key === "__esModule" && real === undefined && as !== "plain") return as === "star";
      return Reflect.get(target(), key);
    },
    set: (_t, key, value) => Reflect.set(target(), key, value),
    has: (_t, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    // The stand-in's own target has none of these, so every descriptor must be reported configurable.
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), key);
      return d && { ...d, configurable: true };
    },
    defineProperty: (_t, key, d) => Reflect.defineProperty(target(), key, d),
    deleteProperty: (_t, key) => Reflect.deleteProperty(target(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    apply: (_t, self, args) => Reflect.apply(target() as (...a: unknown[]) => unknown, self, args),
  });
}

/** The deferred entry for `request` from `parent`, if any. */
function deferredEntry(request: string, parent: NodeModule | undefined) {
  const from = parent?.filename?.replace(/\\/g, "/");
  if (!from) return undefined;
  const at = from.lastIndexOf(SDK_DIR);
  if (at < 0) return undefined;
  const rel = from.slice(at + SDK_DIR.length);
  return DEFERRED_SDK_REQUIRES.find((d) => d.request === request && d.from === rel);
}

/**
 * Installs the hook (once per process). Must run before `@pulumi/pulumi` is first required to have
 * any effect; `runtime/boot.ts` does that for every entry point. `PULUMI_ECS_FLEET_EAGER_SDK=1`
 * turns it off.
 */
export function deferUnusedSdkModules(): boolean {
  const internals = Module as unknown as ModuleInternals & { [INSTALLED]?: true };
  if (internals[INSTALLED]) return true;
  if (process.env.PULUMI_ECS_FLEET_EAGER_SDK) return false;
  if (typeof internals._load !== "function" || typeof internals._resolveFilename !== "function") return false;
  const load = internals._load;
  internals._load = function (this: unknown, request: string, parent: NodeModule | undefined, isMain: boolean) {
    const entry = isMain ? undefined : deferredEntry(request, parent);
    if (entry) {
      const file = internals._resolveFilename(request, parent, isMain);
      if (!internals._cache[file]) return standIn(() => load.call(this, request, parent, isMain) as object, entry.as);
    }
    return load.call(this, request, parent, isMain);
  };
  Object.defineProperty(internals, INSTALLED, { value: true });
  return true;
}
