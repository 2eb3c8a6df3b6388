/**
 * The runtime tuning every run of the program gets (runtime/promises.ts via index.ts, launch.js):
 * the cheap debuggablePromise keeps the leak detector, drops only the per-promise stack string,
 * and steps aside when PULUMI_DEBUG_PROMISE_LEAKS is set; errors still name TypeScript lines, from
 * dist/ (what `pulumi up` runs) as from tsx; a stale dist/ is detected, never run.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { installCheapPromises } from "../../runtime/promises";

const ROOT = path.resolve(__dirname, "..", "..");
const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const state = require("@pulumi/pulumi/runtime/state");

function node(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `stacks/cidr.ts` line of the error `subdivide` throws. */
const CIDR_THROW_LINE = fs.readFileSync(path.join(ROOT, "stacks", "cidr.ts"), "utf8").split("\n").findIndex((l) => l.includes("cannot split")) + 1;
const THROW_FROM_CIDR = `const c = require("./stacks/cidr"); try { c.subdivide(c.parseCidr("10.0.0.0/30"), 8); } catch (e) { console.log(e.stack); }`;

describe("runtime: cheap debuggablePromise (runtime/promises.ts)", () => {
  it("is installed (test/setup.ts and index.ts) and stores no stack string on the promise", async () => {
    expect(installCheapPromises()).to.equal(true);
    const p = Promise.resolve(42);
    expect(await debuggable.debuggablePromise(p, "ctx")).to.equal(42);
    expect((p as any)._debugStackTrace).to.equal(undefined);
  });

  it("keeps the leak detector: a pending promise is a leak candidate until it settles", async () => {
    let resolve!: (v: number) => void;
    const p = new Promise<number>((r) => (resolve = r));
    const wrapped = debuggable.debuggablePromise(p, "pending");
    expect(state.getStore().leakCandidates.has(p)).to.equal(true);
    resolve(1);
    await wrapped;
    expect(state.getStore().leakCandidates.has(p)).to.equal(false);
  });

  it("passes rejections on, with the promise attached, and forgets the candidate", async () => {
    const p = Promise.reject(new Error("boom"));
    const err = await debuggable.debuggablePromise(p, "rejected").then(
      () => undefined,
      (e: any) => e,
    );
    expect(err.message).to.equal("boom");
    expect(err.promise).to.equal(p);
    expect(state.getStore().leakCandidates.has(p)).to.equal(false);
  });

  it("steps aside with PULUMI_DEBUG_PROMISE_LEAKS: the runtime's own, with stacks, stays", () => {
    // The compiled module (what launch.js runs; test/setup.ts keeps dist/ current), in plain Node: no tsx start-up per process.
    const script = `const ok = require("./dist/runtime/promises").installCheapPromises(); const d = require("@pulumi/pulumi/runtime/debuggable"); const p = Promise.resolve(1); d.debuggablePromise(p, "x"); console.log(JSON.stringify({ ok, stack: typeof p._debugStackTrace }));`;
    const on = node(["-e", script], { PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    expect(JSON.parse(on.stdout.trim()), on.stderr).to.deep.equal({ ok: false, stack: "string" });
    const off = node(["-e", script], { PULUMI_DEBUG_PROMISE_LEAKS: "" });
    expect(JSON.parse(off.stdout.trim()), off.stderr).to.deep.equal({ ok: true, stack: "undefined" });
  });
});

describe("runtime: launch.js and stack traces", function () {
  this.timeout(120000);

  it("dist/ is current (test/setup.ts mochaGlobalSetup builds it when stale), and a source newer than its JavaScript makes it stale", () => {
    expect(JSON.parse(node(["launch.js", "--check"]).stdout)).to.deep.equal({ stale: null });
    const file = path.join(ROOT, "stacks", "cidr.ts");
    const { atime, mtime } = fs.statSync(file);
    try {
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(file, later, later);
      expect(JSON.parse(node(["launch.js", "--check"]).stdout)).to.deep.equal({ stale: path.join("stacks", "cidr.ts") });
    } finally {
      fs.utimesSync(file, atime, mtime);
    }
  });

  it("an error thrown by compiled code names the TypeScript file and line (source maps on, as launch.js runs it)", () => {
    const r = node(["-e", `process.setSourceMapsEnabled(true); ${THROW_FROM_CIDR.replace('"./stacks/cidr"', '"./dist/stacks/cidr"')}`]);
    expect(r.stdout, r.stderr).to.include(`${path.join("stacks", "cidr.ts")}:${CIDR_THROW_LINE}:`);
    expect(r.stdout).to.not.include("cidr.js");
  });

  it("and under the SDK's runner (`pulumi up`), where launch.js leaves the mapping to the runner's source-map-support", () => {
    // cmd/run loads source-map-support/register before the program; launch.js then does not turn Node's maps on.
    const sms = require.resolve("source-map-support/register", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] });
    const script = `if (typeof Error.prepareStackTrace !== "function") throw new Error("no hook"); ${THROW_FROM_CIDR.replace('"./stacks/cidr"', '"./dist/stacks/cidr"')}`;
    const r = node(["--require", sms, "-e", script]);
    expect(r.stdout, r.stderr).to.include(`${path.join("stacks", "cidr.ts")}:${CIDR_THROW_LINE}:`);
    expect(r.stdout).to.not.include("cidr.js");
  });

  it("and so does the same error under tsx (tests, and launch.js's fallback)", () => {
    const r = node(["--require", "tsx/cjs", "-e", THROW_FROM_CIDR]);
    expect(r.stdout, r.stderr).to.include(`${path.join("stacks", "cidr.ts")}:${CIDR_THROW_LINE}:`);
  });
});
