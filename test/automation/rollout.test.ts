import { expect } from "chai";
import { ImageReferenceError } from "../../automation/digest";
import { CommandError } from "../../automation/errors";
import { type RolloutEvent, RolloutPlanError, describePlan, planRollout, runRollout } from "../../automation/rollout";
import type { FleetConfig } from "../../stacks/schema";
import { FakeClock, RecordingHealth, RecordingStack, fixtureRaw, report, FakeIdentity, FakeResolver, pinned } from "./doubles";

function deps(stack: RecordingStack, health: RecordingHealth, clock: FakeClock = new FakeClock()) {
  return { stack, health, clock, identity: new FakeIdentity(), resolver: new FakeResolver() };
}

const OLD = "registry.example.com/web:1.0";
const NEW = "registry.example.com/web:2.0";
/** What the rollout deploys: NEW pinned to its digest (FakeResolver). */
const PNEW = pinned(NEW);

function stagingStack(): RecordingStack {
  return new RecordingStack(fixtureRaw("staging"), "web");
}

function servicesOf(stack: RecordingStack): FleetConfig["services"] {
  return stack.config.services;
}

describe("automation/rollout: planning", () => {
  const args = { stack: "staging", project: "ecs-fleet", service: "web", image: NEW };

  it("takes the waves from rollout.waves and the bake time from rollout.bakeMinutes", () => {
    const plan = planRollout(stagingStack().config, args);
    expect(plan.waves.map((w) => w.targets.map((t) => t.key))).to.deep.equal([["eu-west-1"], ["us-east-1", "ap-southeast-2"]]);
    expect(plan.bakeMinutes).to.equal(5);
    expect(plan.waves[0].changes).to.deep.equal([
      { op: "set", key: "services", path: ["web", "overrides", "eu-west-1", "image"], value: NEW },
    ]);
    expect(plan.waves[1].currentImages).to.deep.equal({ "us-east-1": OLD, "ap-southeast-2": OLD });
  });

  it("defaults to one region per wave in config order, bake 10 minutes", () => {
    const plan = planRollout(new RecordingStack(fixtureRaw("nowaves"), "web", "nowaves").config, { ...args, stack: "nowaves" });
    expect(plan.waves.map((w) => w.targets.map((t) => t.key))).to.deep.equal([["us-east-1"], ["eu-central-1"]]);
    expect(plan.bakeMinutes).to.equal(10);
  });

  it("keeps only the regions the service runs in, dropping emptied waves", () => {
    const plan = planRollout(stagingStack().config, { ...args, service: "api", image: "registry.example.com/api:3.2" });
    expect(plan.waves.map((w) => w.targets.map((t) => t.key))).to.deep.equal([["us-east-1", "ap-southeast-2"]]);
    expect(plan.waves[0].index).to.equal(1);
  });

  it("puts the service's sites in a last wave, asked through the site's region", () => {
    const config = structuredClone(stagingStack().config) as FleetConfig & { sites: Record<string, { region: string }> };
    config.sites = { "dc-paris": { region: "eu-west-1", hosts: 2, networkMode: "bridge" }, "dc-sydney": { region: "ap-southeast-2", hosts: 2, networkMode: "bridge" } };
    (config.services.web as { sites?: string[] }).sites = ["dc-sydney", "dc-paris"];
    const plan = planRollout(config, args);
    expect(plan.waves).to.have.length(3);
    expect(plan.waves[2].targets).to.deep.equal([
      { kind: "site", key: "dc-sydney", region: "ap-southeast-2" },
      { kind: "site", key: "dc-paris", region: "eu-west-1" },
    ]);
    expect(plan.waves[2].changes.map((c) => c.path)).to.deep.equal([
      ["web", "overrides", "dc-sydney", "image"],
      ["web", "overrides", "dc-paris", "image"],
    ]);
  });

  it("promotes: base image set, image overrides dropped, other override fields kept", () => {
    const plan = planRollout(stagingStack().config, args);
    expect(plan.promote).to.deep.equal([
      { op: "set", key: "services", path: ["web", "image"], value: NEW },
      { op: "remove", key: "services", path: ["web", "overrides", "eu-west-1"] },
      { op: "remove", key: "services", path: ["web", "overrides", "us-east-1", "image"] },
      { op: "remove", key: "services", path: ["web", "overrides", "ap-southeast-2"] },
    ]);
  });

  it("marks waves already on the new image as done", async () => {
    const stack = stagingStack();
    await stack.setConfig([{ op: "set", key: "services", path: ["web", "overrides", "eu-west-1", "image"], value: NEW }]);
    const plan = planRollout(stack.config, args);
    expect(plan.waves.map((w) => w.done)).to.deep.equal([true, false]);
    expect(plan.waves[0].changes).to.deep.equal([]);
  });

  it("rejects an unknown service, naming the known ones", () => {
    expect(() => planRollout(stagingStack().config, { ...args, service: "nope" })).to.throw(RolloutPlanError, "unknown service nope; the stack staging has web, api");
  });


  it("describes waves, config changes, checks and rollback in words", () => {
    const text = describePlan(planRollout(stagingStack().config, args)).join("\n");
    expect(text).to.contain("Wave 1: eu-west-1\n");
    expect(text).to.contain("Wave 2: us-east-1, ap-southeast-2\n");
    expect(text).to.contain(`set ecs-fleet:services.web.overrides.us-east-1.image = "${NEW}"`);
    expect(text).to.contain("none of its CloudWatch alarms is in ALARM");
    expect(text).to.contain(`on failure: stop; eu-west-1 back to ${OLD}; up and check them there (unless --no-rollback)`);
    expect(text).to.contain("preview (stop on changes outside us-east-1, ap-southeast-2), up of those components only");
    expect(text).to.contain("remove ecs-fleet:services.web.overrides.us-east-1.image");
  });
});

describe("automation/rollout: running", () => {
  /** Unhealthy (as `failing`) only on the new image: the pre-flight and restored targets are fine. */
  const onNew = (pred: (key: string) => boolean, failing: Parameters<typeof report>[1]) =>
    new RecordingHealth((t) => (t.image === PNEW && pred(t.key) ? report(t, failing) : report(t)));

  it("goes wave by wave: config, preview, targeted up, health, bake; then promotes and runs a final up", async () => {
    const stack = stagingStack();
    const health = new RecordingHealth();
    const clock = new FakeClock();
    const result = await runRollout(deps(stack, health, clock), { service: "web", image: NEW, pollIntervalSeconds: 60 });

    expect(result.status).to.equal("completed");
    expect(result.image).to.equal(PNEW);
    expect(result.requestedImage).to.equal(NEW);
    expect(result.waves.map((w) => w.status)).to.deep.equal(["succeeded", "succeeded"]);
    expect(stack.ops).to.deep.equal(["getConfig", "outputs", "setConfig", "preview", "up", "setConfig", "preview", "up", "setConfig", "preview", "up"]);
    expect(stack.upImages).to.deep.equal([
      { "eu-west-1": PNEW, "us-east-1": OLD, "ap-southeast-2": OLD },
      { "eu-west-1": PNEW, "us-east-1": PNEW, "ap-southeast-2": PNEW },
      { "eu-west-1": PNEW, "us-east-1": PNEW, "ap-southeast-2": PNEW },
    ]);
    // Each up is limited to its wave's components; the final one to all of the rollout's.
    const targets = stack.calls.flatMap((c) => (c.op === "up" ? [c.target] : []));
    expect(targets).to.deep.equal([
      [stack.componentUrn("eu-west-1")],
      [stack.componentUrn("us-east-1"), stack.componentUrn("ap-southeast-2")],
      ["eu-west-1", "us-east-1", "ap-southeast-2"].map((k) => stack.componentUrn(k)),
    ]);
    // Final config: base image moved, rollout overrides gone, the desiredCount override kept.
    expect(servicesOf(stack).web.image).to.equal(PNEW);
    expect(servicesOf(stack).web.overrides).to.deep.equal({ "us-east-1": { desiredCount: 4 } });
    expect(servicesOf(stack).api.image).to.equal("registry.example.com/api:3.1");
    // The lease's read-back pause, then a bake of 5 min polled each minute (4 polls) and the last check, per wave.
    expect(clock.sleeps).to.deep.equal([2000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000]);
    // Pre-flight checks every target on the image it runs; the waves check the new one.
    expect(health.calls.slice(0, 3).map((c) => [c.target.key, c.target.image])).to.deep.equal([["eu-west-1", OLD], ["us-east-1", OLD], ["ap-southeast-2", OLD]]);
    expect(health.calls.slice(3).every((c) => c.target.image === PNEW && c.target.service === "web")).to.equal(true);
    expect(health.keys).to.deep.equal(["eu-west-1", "us-east-1", "ap-southeast-2"]);
    expect(result.journal.resumed).to.equal(false);
    // The journal ends completed, the lease is given back.
    expect(JSON.parse(stack.tags["fleet.rollout"]).st).to.equal("completed");
    expect(stack.tags).to.not.have.property("fleet.rollout.lease");
  });

  it("stops at a failed wave, never touches later regions, and rolls the wave back", async () => {
    const stack = stagingStack();
    // eu-west-1 is fine; us-east-1's alarm fires right after the wave-2 up.
    const health = onNew((k) => k === "us-east-1", [{ name: "alarms", detail: "in ALARM: web-5xx" }]);
    const events: RolloutEvent[] = [];
    const result = await runRollout(deps(stack, health), { service: "web", image: NEW, onProgress: (e) => events.push(e) });

    expect(result.status).to.equal("failed");
    expect(result.failedWave).to.equal(2);
    expect(result.waves[1].reason).to.contain("us-east-1: in ALARM: web-5xx");
    expect(result.rollback?.status).to.equal("rolled-back");
    expect(result.rollback?.changes).to.deep.equal([
      { op: "remove", key: "services", path: ["web", "overrides", "us-east-1", "image"] },
      { op: "remove", key: "services", path: ["web", "overrides", "ap-southeast-2"] },
    ]);
    expect(stack.upImages).to.deep.equal([
      { "eu-west-1": PNEW, "us-east-1": OLD, "ap-southeast-2": OLD },
      { "eu-west-1": PNEW, "us-east-1": PNEW, "ap-southeast-2": PNEW },
      { "eu-west-1": PNEW, "us-east-1": OLD, "ap-southeast-2": OLD }, // the rollback
    ]);
    // Config after: wave 1 stays on the new image, wave 2 back where it was, base image untouched.
    expect(servicesOf(stack).web.image).to.equal(OLD);
    expect(servicesOf(stack).web.overrides).to.deep.equal({ "eu-west-1": { image: PNEW }, "us-east-1": { desiredCount: 4 } });
    expect(events.map((e) => e.kind)).to.include.members(["wave-failed", "rollback-started", "rollback-finished"]);
    expect(events.map((e) => e.kind)).to.not.include("promoted");
  });

  it("leaves later waves untouched after a failure in the first wave", async () => {
    const stack = stagingStack();
    const health = onNew(() => true, [{ name: "deployment", detail: "primary deployment is FAILED" }]);
    const result = await runRollout(deps(stack, health), { service: "web", image: NEW });

    expect(result.failedWave).to.equal(1);
    expect(result.waves.map((w) => w.status)).to.deep.equal(["failed", "not-started"]);
    expect([...new Set(health.calls.filter((c) => c.target.image === PNEW).map((c) => c.target.key))]).to.deep.equal(["eu-west-1"]);
    const touched = stack.calls.flatMap((c) => (c.op === "setConfig" ? c.changes.map((x) => x.path?.[2]) : []));
    expect(touched).to.not.include.members(["us-east-1", "ap-southeast-2"]);
    for (const images of stack.upImages) {
      expect(images["us-east-1"]).to.equal(OLD);
      expect(images["ap-southeast-2"]).to.equal(OLD);
    }
    expect(servicesOf(stack).web).to.deep.equal(new RecordingStack(fixtureRaw("staging"), "web").config.services.web);
  });

  it("with rollback off, leaves the failed wave on the new image and runs no further up", async () => {
    const stack = stagingStack();
    const health = onNew(() => true, [{ name: "service", detail: "web-eu-west-1 is DRAINING" }]);
    const result = await runRollout(deps(stack, health), { service: "web", image: NEW, rollback: false });

    expect(result.rollback).to.deep.equal({ status: "not-requested", changes: [] });
    expect(stack.ops).to.deep.equal(["getConfig", "outputs", "setConfig", "preview", "up"]);
    expect(servicesOf(stack).web.overrides?.["eu-west-1"]).to.deep.equal({ image: PNEW });
  });

  it("treats a failed up as a failed wave and rolls back", async () => {
    const stack = stagingStack();
    stack.failUp = (n) => (n === 1 ? new CommandError("pulumi command failed", "error: task definition rejected", 255) : undefined);
    const health = new RecordingHealth();
    const result = await runRollout(deps(stack, health), { service: "web", image: NEW });

    expect(result.status).to.equal("failed");
    expect(result.waves[0].reason).to.equal("pulumi command failed");
    expect(result.rollback?.status).to.equal("rolled-back");
    expect(health.calls.filter((c) => c.target.image === PNEW)).to.have.length(0);
    expect(stack.upImages.map((i) => i["eu-west-1"])).to.deep.equal([PNEW, OLD]);
  });

  it("reports a rollback whose up fails", async () => {
    const stack = stagingStack();
    stack.failUp = (n) => (n === 2 ? new Error("network down") : undefined);
    const health = onNew(() => true, [{ name: "image", detail: "runs web:1.0" }]);
    const result = await runRollout(deps(stack, health), { service: "web", image: NEW });
    expect(result.rollback).to.include({ status: "failed", error: "network down" });
  });

  it("waits while the deployment settles, then goes on", async () => {
    const stack = stagingStack();
    const asked = new Map<string, number>();
    const health = new RecordingHealth((t) => {
      if (t.image !== PNEW) return report(t);
      const n = asked.get(t.key) ?? 0;
      asked.set(t.key, n + 1);
      return n < 2 ? report(t, [{ name: "deployment", detail: "IN_PROGRESS", settling: true }, { name: "running-count", detail: "1 of 2", settling: true }]) : report(t);
    });
    const clock = new FakeClock();
    const result = await runRollout(deps(stack, health, clock), { service: "web", image: NEW, bakeMinutes: 0, pollIntervalSeconds: 20 });
    expect(result.status).to.equal("completed");
    // The lease pause; eu-west-1: 2 settling answers -> 2 sleeps of 20 s; same for the next wave.
    expect(clock.sleeps).to.deep.equal([2000, 20000, 20000, 20000, 20000]);
  });

  it("fails a wave that does not settle in time", async () => {
    const stack = stagingStack();
    const health = onNew(() => true, [{ name: "running-count", detail: "0 running of 2 desired", settling: true }]);
    const clock = new FakeClock();
    const result = await runRollout(deps(stack, health, clock), { service: "web", image: NEW, healthTimeoutMinutes: 2, pollIntervalSeconds: 30 });
    expect(result.failedWave).to.equal(1);
    expect(result.waves[0].reason).to.equal("not healthy within 2 min: eu-west-1: 0 running of 2 desired");
    expect(clock.sleeps.slice(1, 5).reduce((a, b) => a + b, 0)).to.equal(120000);
  });

  it("fails a wave whose alarm fires while baking", async () => {
    const stack = stagingStack();
    let n = 0;
    const health = new RecordingHealth((t) => (t.image === PNEW && n++ >= 2 ? report(t, [{ name: "alarms", detail: "in ALARM: web-eu-west-1-5xx" }]) : report(t)));
    const result = await runRollout(deps(stack, health), { service: "web", image: NEW, pollIntervalSeconds: 60 });
    expect(result.failedWave).to.equal(1);
    expect(result.waves[0].reason).to.equal("unhealthy while baking: eu-west-1: in ALARM: web-eu-west-1-5xx");
  });

  it("resumes from the journal: waves recorded as baked are skipped", async () => {
    const stack = stagingStack();
    // A first run that stops (crashes) once wave 1 is baked.
    stack.crashAfter = (c) => c.op === "setTag" && c.key === "fleet.rollout.w1" && JSON.parse(stack.tags[c.key]).s === "baked";
    await runRollout(deps(stack, new RecordingHealth()), { service: "web", image: NEW }).catch(() => undefined);
    stack.revive();
    stack.calls.length = 0;
    const health = new RecordingHealth();
    // The crashed run's lease is still there: the resume waits it out (here: breaks it with force).
    const result = await runRollout(deps(stack, health), { service: "web", image: NEW, force: true });
    expect(result.waves.map((w) => w.status)).to.deep.equal(["skipped", "succeeded"]);
    expect(result.journal.resumed).to.equal(true);
    expect(result.lease.previous?.holder).to.be.a("string");
    expect([...new Set(health.calls.filter((c) => c.target.image === PNEW).map((c) => c.target.key))]).to.deep.equal(["eu-west-1", "us-east-1", "ap-southeast-2"]);
    expect(stack.ops).to.deep.equal(["getConfig", "outputs", "setConfig", "preview", "up", "setConfig", "preview", "up"]);
  });

  it("resumes a rollout stopped between promotion and the final up", async () => {
    const stack = stagingStack();
    stack.crashAfter = (c) => c.op === "setConfig" && c.changes.some((x) => x.path?.length === 2 && x.path[1] === "image");
    const first = await runRollout(deps(stack, new RecordingHealth()), { service: "web", image: NEW });
    expect(first).to.include({ status: "failed", promoteError: "final step failed: the process was killed" });
    stack.revive();
    stack.calls.length = 0;
    const result = await runRollout(deps(stack, new RecordingHealth()), { service: "web", image: NEW, force: true });
    expect(result.status).to.equal("completed");
    expect(result.promoted).to.deep.equal([]);
    expect(stack.ops).to.deep.equal(["getConfig", "outputs", "preview", "up"]);
  });

  it("writes nothing and deploys nothing when the image is not a reference", async () => {
    const stack = stagingStack();
    const before = { ...stack.raw };
    let err: unknown;
    try {
      await runRollout(deps(stack, new RecordingHealth()), { service: "web", image: "web 2.0" });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ImageReferenceError);
    expect((err as Error).message).to.contain('--image: "web 2.0" is not an image reference (it contains whitespace)');
    expect(stack.raw).to.deep.equal(before);
    expect(stack.ops).to.not.include("up");
    expect(stack.tags).to.deep.equal({});
  });
});
