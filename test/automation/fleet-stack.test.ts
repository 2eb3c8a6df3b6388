/**
 * The wiring to the Automation API, at its boundary: what `openStack` hands `LocalWorkspace`, the
 * exact `pulumi config` calls a config change makes, how engine events and results come back, and
 * the retry on a locked stack. The Automation API stack is a recording fake; its errors are built
 * by the Automation API's own classifier.
 */
import * as path from "path";
import { expect } from "chai";
import type * as auto from "@pulumi/pulumi/automation";
import { ConcurrentUpdateError, ConfigInvalidError, PulumiCliMissingError, StackNotFoundError } from "../../automation/errors";
import type { FleetEvent } from "../../automation/events";
import { PROJECT_DIR, backoffDelay, openStack } from "../../automation/fleet-stack";
import { FIXTURE_PROJECT, fixtureRaw } from "./doubles";
import { FakeAutoStack, open } from "./fake-auto-stack";

const { createCommandError } = require("@pulumi/pulumi/automation/errors") as { createCommandError: (r: unknown) => Error };
const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
};
const locked = (): Error => createCommandError(new CommandResult("", "error: [409] Conflict: Another update is currently in progress.", 255));

describe("automation/fleet-stack: Automation API wiring", () => {
  it("selects the stack with a LocalWorkspace over the project directory", async () => {
    const { stack, selections } = await open(new FakeAutoStack(fixtureRaw("staging")), { envVars: { AWS_PROFILE: "ops" } });
    expect(selections).to.deep.equal([
      { args: { stackName: "staging", workDir: FIXTURE_PROJECT }, options: { workDir: FIXTURE_PROJECT, envVars: { AWS_PROFILE: "ops" } } },
    ]);
    expect(stack.project).to.equal("ecs-fleet");
    expect(stack.name).to.equal("staging");
  });

  it("defaults to this repository, where Pulumi.yaml is", () => {
    expect(PROJECT_DIR).to.equal(path.resolve(__dirname, "..", ".."));
  });

  it("maps a failing selection (stack not found)", async () => {
    let err: unknown;
    try {
      await openStack({
        stack: "nope",
        workDir: FIXTURE_PROJECT,
        selectStack: async () => {
          throw createCommandError(new CommandResult("", "error: no stack named 'nope' found", 255));
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StackNotFoundError);
  });

  it("with the real LocalWorkspace and no pulumi on PATH, says the CLI is missing", async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(FIXTURE_PROJECT, "no-such-bin");
    let err: unknown;
    try {
      await openStack({ stack: "staging", workDir: FIXTURE_PROJECT });
    } catch (e) {
      err = e;
    } finally {
      process.env.PATH = saved;
    }
    expect(err).to.be.instanceOf(PulumiCliMissingError);
  });

  it("reads and validates the config", async () => {
    const { stack } = await open(new FakeAutoStack(fixtureRaw("staging")));
    const config = await stack.getConfig();
    expect(Object.keys(config.regions)).to.deep.equal(["eu-west-1", "us-east-1", "ap-southeast-2"]);
    expect(config.homeRegion).to.equal("eu-west-1");
  });

  it("writes a valid change leaf by leaf with --path, skipping removes of missing paths", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    const config = await stack.setConfig([
      { op: "set", key: "services", path: ["web", "overrides", "eu-west-1", "image"], value: "registry.example.com/web:2.0" },
      { op: "set", key: "ecs-fleet:services", path: ["web", "desiredCount"], value: 3 },
      { op: "remove", key: "services", path: ["web", "overrides", "ap-southeast-2"] },
      { op: "remove", key: "services", path: ["web", "overrides", "us-east-1", "desiredCount"] },
    ]);
    expect(fake.calls.filter((c) => c.method !== "getAllConfig")).to.deep.equal([
      { method: "setConfig", args: ['ecs-fleet:services.web.overrides["eu-west-1"].image', { value: "registry.example.com/web:2.0", secret: false }, true] },
      { method: "setConfig", args: ["ecs-fleet:services.web.desiredCount", { value: "3", secret: false }, true] },
      { method: "removeConfig", args: ['ecs-fleet:services.web.overrides["us-east-1"].desiredCount', true] },
    ]);
    expect(config.services.web.overrides).to.deep.equal({ "us-east-1": {}, "eu-west-1": { image: "registry.example.com/web:2.0" } });
    expect(config.services.web.desiredCount).to.equal(3);
  });

  it("writes nothing when the resulting config would be invalid, and names every issue", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    let err: unknown;
    try {
      await stack.setConfig([
        { op: "set", key: "services", path: ["web", "memory"], value: 4096 },
        { op: "set", key: "services", path: ["web", "overrides", "eu-central-1", "image"], value: "x:1" },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigInvalidError);
    expect((err as ConfigInvalidError).issues.map((i) => i.path)).to.deep.equal([
      "ecs-fleet:services.web.memory",
      "ecs-fleet:services.web.overrides.eu-central-1",
    ]);
    expect(fake.calls.map((c) => c.method)).to.deep.equal(["getAllConfig"]);
  });

  it("runs up with onEvent, and returns changes by operation and by region, outputs and duration", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    const events: FleetEvent[] = [];
    const r = await stack.up({ onEvent: (e) => events.push(e), message: "deploy" });
    const opts = fake.calls[0].args[0] as auto.UpOptions;
    expect(opts.message).to.equal("deploy");
    expect(opts.color).to.equal("never");
    expect(typeof opts.onEvent).to.equal("function");
    expect(events.map((e) => [e.kind, (e as { region?: string }).region])).to.deep.equal([
      ["resource-started", "eu-west-1"],
      ["resource-finished", "eu-west-1"],
    ]);
    expect(r).to.deep.include({ operation: "up", stack: "staging", changes: { update: 1, same: 9 }, changesByRegion: { "eu-west-1": { update: 1 } }, attempts: 1, durationMs: 0 });
    expect(r.outputs?.regions["eu-west-1"].clusterName).to.equal("c");
    expect(r.outputs?.adminToken).to.equal("[secret]");
  });

  it("runs preview, refresh and destroy", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    const { stack } = await open(fake);
    expect((await stack.preview()).changes).to.deep.equal({ update: 1, same: 9 });
    expect((await stack.refresh()).changes).to.deep.equal({ refresh: 10 });
    expect((await stack.destroy()).changes).to.deep.equal({ delete: 10 });
    expect(fake.calls.map((c) => c.method)).to.deep.equal(["preview", "refresh", "destroy"]);
  });

  it("retries a locked stack with exponential backoff, then succeeds", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.failures = [locked(), locked()];
    const retries: unknown[] = [];
    const { stack, clock } = await open(fake, { onRetry: (i) => retries.push(i) });
    const r = await stack.up();
    expect(r.attempts).to.equal(3);
    expect(clock.sleeps).to.deep.equal([5000, 10000]);
    expect(r.durationMs).to.equal(15000);
    expect(retries).to.deep.equal([
      { operation: "up", attempt: 1, delayMs: 5000 },
      { operation: "up", attempt: 2, delayMs: 10000 },
    ]);
    // The tally of a retried operation is its last attempt's only.
    expect(r.changesByRegion).to.deep.equal({ "eu-west-1": { update: 1 } });
  });

  it("gives up after the configured attempts with ConcurrentUpdateError", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.failures = [locked(), locked(), locked(), locked()];
    const { stack, clock } = await open(fake, { lockRetry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1500 } });
    let err: unknown;
    try {
      await stack.preview();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConcurrentUpdateError);
    expect((err as ConcurrentUpdateError).attempts).to.equal(3);
    expect(clock.sleeps).to.deep.equal([1000, 1500]);
    expect(fake.calls).to.have.length(3);
  });

  it("does not retry other failures", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.failures = [createCommandError(new CommandResult("", "error: update failed", 255))];
    const { stack, clock } = await open(fake);
    let err: unknown;
    try {
      await stack.up();
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).to.equal("CommandError");
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("computes backoff delays with a cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n))).to.deep.equal([5000, 10000, 20000, 40000, 60000, 60000]);
  });

  it("returns outputs typed, secret ones masked unless asked for", async () => {
    const { stack } = await open(new FakeAutoStack(fixtureRaw("staging")));
    expect(await stack.outputs()).to.deep.equal({
      regions: { "eu-west-1": { vpcId: "vpc-1", clusterName: "c", clusterArn: "arn", services: { web: { serviceName: "web-eu-west-1", alarms: [] } } } },
      adminToken: "[secret]",
    });
    expect((await stack.outputs({ showSecrets: true })).adminToken).to.equal("t0k3n");
  });

  it("gives a stack never deployed empty regions", async () => {
    const fake = new FakeAutoStack(fixtureRaw("staging"));
    fake.outputMap = {};
    const { stack } = await open(fake);
    expect(await stack.outputs()).to.deep.equal({ regions: {} });
  });
});
