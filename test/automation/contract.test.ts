/**
 * Contract suite: the library against the real Automation API and a real `pulumi` CLI, with a local
 * file backend in a temporary directory (no cloud account, no AWS). It checks what the doubles in
 * the other suites assume: selecting a missing stack, the raw config shape, config writes with
 * `--path` landing as structured YAML, and the outputs of a stack never deployed.
 *
 * Runs only when `pulumi` is on PATH; otherwise the whole suite is skipped, and says so.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { expect } from "chai";
import * as auto from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import { StackNotFoundError } from "../../automation/errors";
import { openStack } from "../../automation/fleet-stack";
import { FIXTURE_PROJECT } from "./doubles";

function pulumiVersion(): string | undefined {
  const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

describe("automation contract (real Automation API, needs the pulumi CLI)", function () {
  this.timeout(180_000);
  let dir = "";
  let envVars: Record<string, string> = {};

  before(function () {
    const version = pulumiVersion();
    if (!version) {
      console.log("    SKIPPED: no `pulumi` CLI on PATH, so the Automation API contract suite did not run (install Pulumi to run it).");
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-fleet-contract-"));
    fs.mkdirSync(path.join(dir, "state"));
    fs.copyFileSync(path.join(FIXTURE_PROJECT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    envVars = { PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: "contract-test", PULUMI_SKIP_UPDATE_CHECK: "true" };
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("maps selecting a missing stack to StackNotFoundError", async () => {
    let err: unknown;
    try {
      await openStack({ stack: "missing", workDir: dir, envVars });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StackNotFoundError);
  });

  it("reads config as validateConfig expects, and writes changes as structured YAML", async () => {
    await auto.LocalWorkspace.createStack({ stackName: "contract", workDir: dir }, { workDir: dir, envVars });
    // Seed the stack file with the fixture's config, keeping what `stack init` wrote.
    const file = path.join(dir, "Pulumi.contract.yaml");
    const doc = (YAML.parse(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "") ?? {}) as Record<string, unknown>;
    doc.config = (YAML.parse(fs.readFileSync(path.join(FIXTURE_PROJECT, "Pulumi.staging.yaml"), "utf8")) as { config: unknown }).config;
    fs.writeFileSync(file, YAML.stringify(doc));

    const stack = await openStack({ stack: "contract", workDir: dir, envVars });
    const config = await stack.getConfig();
    expect(Object.keys(config.regions)).to.deep.equal(["eu-west-1", "us-east-1", "ap-southeast-2"]);

    await stack.setConfig([
      { op: "set", key: "services", path: ["web", "overrides", "eu-west-1", "image"], value: "registry.example.com/web:2.0" },
      { op: "remove", key: "services", path: ["web", "overrides", "us-east-1", "desiredCount"] },
    ]);
    const written = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, any> };
    expect(written.config["ecs-fleet:services"].web.overrides["eu-west-1"]).to.deep.equal({ image: "registry.example.com/web:2.0" });
    expect(written.config["ecs-fleet:services"].web.cpu).to.equal(256);
    const after = await stack.getConfig();
    expect(after.services.web.overrides?.["eu-west-1"]?.image).to.equal("registry.example.com/web:2.0");
  });

  it("gives a stack never deployed empty regions", async () => {
    const stack = await openStack({ stack: "contract", workDir: dir, envVars });
    expect(await stack.outputs()).to.deep.equal({ regions: {} });
  });
});
