/**
 * runtime/lazy-modules.ts: `@pulumi/pulumi` loads without the TypeScript compiler and
 * `@npmcli/arborist` (two thirds of its load time), and the function serialization that needs them
 * still works, loading them when it runs. Each case is a fresh process: a module cache is per process.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DEFERRED_SDK_REQUIRES } from "../../runtime/lazy-modules";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs `script` in a fresh plain Node process (after the compiled runtime/boot — what launch.js
 * runs; test/setup.ts keeps dist/ current — unless `boot` is false); its last stdout line as JSON.
 */
function fresh(script: string, opts: { boot?: boolean; env?: Record<string, string> } = {}) {
  const prelude = opts.boot === false ? "" : `require("./dist/runtime/boot");`;
  const r = spawnSync(process.execPath, ["-e", prelude + script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PULUMI_ECS_FLEET_EAGER_SDK: "", ...opts.env },
  });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

/** What of the deferred modules is in the module cache. */
const LOADED = `const loaded = () => { const ks = Object.keys(require.cache); return {
  typescript: ks.some((f) => /node_modules\\/typescript\\/lib\\/typescript\\.js$/.test(f)),
  arborist: ks.some((f) => /node_modules\\/@npmcli\\/arborist\\//.test(f)),
  normalize: ks.some((f) => /node_modules\\/normalize-package-data\\//.test(f)),
  automation: ks.some((f) => /node_modules\\/@pulumi\\/pulumi\\/automation\\/index\\.js$/.test(f)) }; };`;
const NONE = { typescript: false, arborist: false, normalize: false, automation: false };
const ALL = { typescript: true, arborist: true, normalize: true, automation: true };

describe("runtime: SDK modules loaded on first use (runtime/lazy-modules.ts)", function () {
  this.timeout(60000);

  /** One process: load the SDK and @pulumi/aws, then serialize a function and compute code paths. */
  let lazy: { before: unknown; afterSerialize: { typescript: boolean }; after: Record<string, boolean>; result: number; yaml: boolean; automation: Record<string, unknown> };
  before(() => {
    lazy = fresh(
      `${LOADED} const pulumi = require("@pulumi/pulumi"); require("@pulumi/aws"); const before = loaded();
       const factor = 6;
       (async () => {
         const sf = await pulumi.runtime.serializeFunction((x) => x * factor);
         const afterSerialize = loaded();
         const paths = await pulumi.runtime.computeCodePaths({ extraIncludePackages: ["yaml"] });
         const fn = new Function("exports", "require", sf.text + "; return exports." + sf.exportName + ";")({}, require);
         const after = loaded();
         const automation = { LocalWorkspace: typeof pulumi.automation.LocalWorkspace, loaded: loaded().automation };
         console.log(JSON.stringify({ before, afterSerialize, after, result: fn(7), yaml: [...paths.keys()].some((p) => p.includes("node_modules/yaml")), automation }));
       })().catch((e) => { console.error(e); process.exit(1); });`,
    );
  });

  it("loads @pulumi/pulumi and @pulumi/aws without the TypeScript compiler, @npmcli/arborist, normalize-package-data or the Automation API", () => {
    expect(lazy.before).to.deep.equal(NONE);
  });

  it("without the hook (no boot, or PULUMI_ECS_FLEET_EAGER_SDK=1) the SDK loads them all at start-up, as it always did", () => {
    const script = `${LOADED} require("@pulumi/pulumi"); console.log(JSON.stringify(loaded()));`;
    expect(fresh(script, { boot: false })).to.deep.equal(ALL);
    expect(fresh(script, { env: { PULUMI_ECS_FLEET_EAGER_SDK: "1" } })).to.deep.equal(ALL);
  });

  it("still serializes a function (TypeScript parses it on first use) and computes code paths (arborist on first use)", () => {
    expect(lazy.afterSerialize.typescript).to.equal(true);
    expect(lazy.after).to.deep.equal({ ...ALL, automation: false });
    expect(lazy.result).to.equal(42);
    expect(lazy.yaml).to.equal(true);
  });

  it("still gives pulumi.automation on first use", () => {
    expect(lazy.automation).to.deep.equal({ LocalWorkspace: "function", loaded: true });
  });

  it("the program loads only the @pulumi/aws namespaces it uses (components/aws.ts), never the package index", () => {
    const out = fresh(`require("./dist/program"); console.log(JSON.stringify({ index: Object.keys(require.cache).some((f) => f.endsWith("/node_modules/@pulumi/aws/index.js")), ecs: Object.keys(require.cache).some((f) => f.endsWith("/node_modules/@pulumi/aws/ecs/index.js")) }));`);
    expect(out).to.deep.equal({ index: false, ecs: true });
    // And no module of the program imports the index itself (components/aws.ts is the one door).
    const files = ["program.ts", "index.ts", ...fs.readdirSync(path.join(ROOT, "components")).map((f) => path.join("components", f))].filter((f) => f.endsWith(".ts"));
    // (Type-only imports are erased: `import type`, `export type`; comments are not code.)
    for (const f of files) expect(fs.readFileSync(path.join(ROOT, f), "utf8"), f).to.not.match(/^(?!\s*(\*|\/\/|import type|export type)).*(from "@pulumi\/aws"|require\("@pulumi\/aws"\))/m);
  });

  it("defers only files of @pulumi/pulumi that exist in the pinned SDK (so the hook matches something)", () => {
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    for (const d of DEFERRED_SDK_REQUIRES) {
      const from = path.join(sdk, d.from);
      expect(fs.existsSync(from), from).to.equal(true);
      expect(fs.readFileSync(from, "utf8")).to.include(`require("${d.request}")`);
    }
  });
});
