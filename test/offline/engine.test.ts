/**
 * The program as `pulumi up` runs it: in its own process, started by the SDK's language runner
 * (`@pulumi/pulumi/cmd/run`, what the CLI's Node language host starts) through package.json `main`
 * (launch.js → dist/), talking gRPC to a resource monitor and an engine (offline/engine.ts). It must
 * register exactly what the in-process plan records, and send the engine no per-resource debug
 * chatter (runtime/quiet-sdk-log.ts) unless asked to.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { FakeEngine, RunnerResult, runWithRunner, startFakeEngine } from "../../offline/engine";
import { PROJECT } from "../../offline/run-plan";
import { readStackFile } from "../../offline/stack-file";
import { ROOT, sharedRun } from "../helpers";

const NOW = new Date();

/** The dev stack's config. */
function devConfig(): Record<string, string> {
  return readStackFile(path.join(ROOT, "Pulumi.dev.yaml")).raw;
}

/** A one-region, one-service config (a quicker run where only the log traffic matters). */
const SMALL: Record<string, string> = {
  "aws:region": "eu-west-1",
  "ecs-fleet:regions": JSON.stringify({ "eu-west-1": { cidr: "10.0.0.0/16", azCount: 2, natGateways: "none" } }),
  "ecs-fleet:services": JSON.stringify({ web: { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512 } }),
};

async function runDev(env: NodeJS.ProcessEnv = {}, config = devConfig()): Promise<{ engine: FakeEngine; result: RunnerResult }> {
  const engine = await startFakeEngine(PROJECT, "dev");
  try {
    const result = await runWithRunner(engine, { programDir: ROOT, project: PROJECT, stack: "dev", config, env });
    return { engine, result };
  } finally {
    await engine.stop();
  }
}

describe("offline engine: the program under the SDK's runner, over gRPC (offline/engine.ts)", function () {
  this.timeout(120000);
  let run: { engine: FakeEngine; result: RunnerResult };
  before(async () => {
    run = await runDev();
  });

  it("exits 0 and registers exactly the resources the in-process plan records, with the same inputs", async () => {
    expect(run.result.code, run.result.stderr).to.equal(0);
    const file = readStackFile(path.join(ROOT, "Pulumi.dev.yaml"));
    const plan = await sharedRun({ stack: "dev", raw: file.raw, secretKeys: file.secretKeys, now: NOW });
    if (!plan.ok) throw new Error("dev config invalid");
    const viaRunner = run.engine.recorder.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    expect(viaRunner.map((r) => r.urn).sort()).to.deep.equal(plan.resources.map((r) => r.urn).sort());
    const planned = new Map(plan.resources.map((r) => [r.urn, r]));
    for (const r of viaRunner) expect(r.inputs, r.urn).to.deep.equal(planned.get(r.urn)!.inputs);
  });

  it("records each resource's source position in the TypeScript (launch.js runs dist/; the runner's source-map-support maps it)", () => {
    // Resources built inside an apply callback carry none (their stack has no user frame): skipped.
    const positions = [...run.engine.sourcePositions].filter(([key, pos]) => !key.startsWith("pulumi:pulumi:Stack::") && pos !== "");
    expect(positions.length).to.be.greaterThan(100);
    for (const [key, pos] of positions) {
      expect(pos, key).to.match(/^file:\/\/.*\.ts:\d+$/);
      expect(pos, key).to.not.include("/dist/");
    }
    const line = fs.readFileSync(path.join(ROOT, "program.ts"), "utf8").split("\n").findIndex((l) => l.includes("new RegionalFootprint(")) + 1;
    expect(run.engine.sourcePositions.get("ecs-fleet:region:RegionalFootprint::eu-west-1")).to.equal(`file://${path.join(ROOT, "program.ts")}:${line}`);
  });

  it("delivers the program's warnings as engine log messages", () => {
    const warnings = run.engine.logs.filter((l) => l.severity === "warning").map((l) => l.message);
    expect(warnings.length).to.be.greaterThan(0);
    expect(warnings.join("\n")).to.match(/FARGATE_SPOT/);
  });

  it("sends no per-resource SDK debug messages; PULUMI_ECS_FLEET_SDK_DEBUG=1 brings them back (3+ per resource)", async () => {
    // The runner registers the stack itself before it loads the program (and its filter): those three stay.
    const sdkDebug = (e: FakeEngine) =>
      e.logs.filter((l) => l.severity === "debug" && /^(Registering resource|RegisterResource RPC|Invoking function|, obj=)/.test(l.message) && !/pulumi:pulumi:Stack|ecs-fleet-dev\[/.test(l.message)).length;
    expect(sdkDebug(run.engine)).to.equal(0);
    const verbose = await runDev({ PULUMI_ECS_FLEET_SDK_DEBUG: "1" }, SMALL);
    expect(verbose.result.code, verbose.result.stderr).to.equal(0);
    expect(sdkDebug(verbose.engine)).to.be.at.least(3 * (verbose.engine.recorder.resources.length - 1));
  });
});
