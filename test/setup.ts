/**
 * Mocha root hook: the Pulumi mock runtime is set once for the whole process (mocha shares one),
 * and what the recorder saw is forgotten before every test.
 */
// First: defers SDK modules this program never uses (runtime/lazy-modules.ts).
import "../runtime/boot";
import * as pulumi from "@pulumi/pulumi";
import { Recorder } from "../offline/mocks";
import { installCheapPromises } from "../runtime/promises";
import { quietSdkDebugLogs } from "../runtime/quiet-sdk-log";

// What index.ts does before the program: components tested on their own run the same runtime.
installCheapPromises();
// And the SDK's per-resource debug messages, one engine RPC each (runtime/quiet-sdk-log.ts).
quietSdkDebugLogs();

/**
 * Once, before any test file loads (and before mocha's parallel workers start): bring dist/ up to
 * date when a source changed since `npm ci` built it, so the CLI tests run what `npm run plan` and
 * `pulumi up` run (launch.js) and never see a half-written build.
 */
export async function mochaGlobalSetup(): Promise<void> {
  const { spawnSync } = await import("child_process");
  const path = await import("path");
  const root = path.resolve(__dirname, "..");
  const check = spawnSync(process.execPath, [path.join(root, "launch.js"), "--check"], { cwd: root, encoding: "utf8" });
  if (JSON.parse(check.stdout).stale === null) return;
  const build = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

/** The one recorder every test reads. */
export const recorder = new Recorder();

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await pulumi.runtime.setMocks(recorder.mocks, "ecs-fleet", "dev", false);
    recorder.attach();
  },
  beforeEach(): void {
    recorder.reset();
  },
};
