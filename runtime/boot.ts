/**
 * Imported first (for its effect) by every entry point — `index.ts` (`pulumi up`), `tools/*.ts`,
 * `test/setup.ts` — before anything loads `@pulumi/pulumi`: defers the SDK modules a program that
 * serializes no function never uses (runtime/lazy-modules.ts). The cheap promise bookkeeping
 * (runtime/promises.ts) is installed by `index.ts` itself, once the runtime is loaded.
 */
import { deferUnusedSdkModules } from "./lazy-modules";

deferUnusedSdkModules();
