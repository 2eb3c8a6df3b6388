/**
 * The rollout's safety promise under the situations operators meet: a crash in the middle, a failed
 * wave left in place and the same command run again, a second operator, a failed final step, a
 * rollback that does not heal, a throttled AWS API, missing credentials, drift in other regions.
 * Each scenario fails on the rollout before the journal/lease/pre-flight/targets existed.
 */
import { expect } from "chai";
import { RolloutJournal, TAG_VALUE_MAX, rolloutId, waveTag } from "../../automation/journal";
import { CommandError } from "../../automation/errors";
import { LEASE_TAG, LeaseHeldError, LeaseLostError, acquireLease, parseLease } from "../../automation/lease";
import { FailedWaveError, PreflightError, type RolloutEvent, type RolloutOptions, runRollout } from "../../automation/rollout";
import { CrashError, FakeClock, FakeIdentity, FakeResolver, RecordingHealth, RecordingStack, fixtureRaw, pinned, report } from "./doubles";

const OLD = "registry.example.com/web:1.0";
const NEW = "registry.example.com/web:2.0";
const PNEW = pinned(NEW);
const MIN = 60_000;

function stagingStack(): RecordingStack {
  return new RecordingStack(fixtureRaw("staging"), "web");
}

function run(stack: RecordingStack, health: RecordingHealth, options: Partial<RolloutOptions> = {}, clock = new FakeClock(), identity = new FakeIdentity()) {
  return runRollout({ stack, health, clock, identity, resolver: new FakeResolver() }, { service: "web", image: NEW, ...options });
}

/** Keys of the targets checked on the new image, in order, without repeats. */
function checkedOnNew(health: RecordingHealth): string[] {
  return [...new Set(health.calls.filter((c) => c.target.image === PNEW).map((c) => c.target.key))];
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("automation/rollout: safety scenarios", () => {
  it("1. crash right after a wave's config write, then resume: the wave is deployed, checked and baked, not skipped", async () => {
    const stack = stagingStack();
    const clock = new FakeClock();
    stack.crashAfter = (c) => c.op === "setConfig";
    const crash = await rejection(run(stack, new RecordingHealth(), { holder: "ci-job-41" }, clock));
    expect(crash).to.be.instanceOf(CrashError);
    // The config already names the new image for eu-west-1; nothing was deployed; the lease stayed.
    expect(stack.config.services.web.overrides?.["eu-west-1"]?.image).to.equal(PNEW);
    expect(stack.deployed["eu-west-1"]).to.equal(OLD);
    expect(parseLease(stack.tags[LEASE_TAG])?.holder).to.equal("ci-job-41");

    stack.revive();
    stack.calls.length = 0;
    await clock.sleep(31 * MIN); // the crashed run's lease expires
    const health = new RecordingHealth();
    const events: RolloutEvent[] = [];
    const result = await run(stack, health, { holder: "ci-job-42", onProgress: (e) => events.push(e) }, clock);

    expect(result.status).to.equal("completed");
    expect(result.journal.resumed).to.equal(true);
    expect(result.waves.map((w) => w.status)).to.deep.equal(["succeeded", "succeeded"]);
    expect(result.waves[0].changes).to.deep.equal([]); // config already written
    expect(checkedOnNew(health)).to.deep.equal(["eu-west-1", "us-east-1", "ap-southeast-2"]);
    const ups = stack.calls.flatMap((c) => (c.op === "up" ? [c.target] : []));
    expect(ups[0]).to.deep.equal([stack.componentUrn("eu-west-1")]);
    expect(stack.deployed).to.deep.equal({ "eu-west-1": PNEW, "us-east-1": PNEW, "ap-southeast-2": PNEW });
    // The stale lease was taken over, and the rollout says whose it was.
    expect(result.lease.previous).to.include({ holder: "ci-job-41", expired: true });
    expect(events.find((e) => e.kind === "lease")).to.have.nested.property("previous.holder", "ci-job-41");
  });

  it("1. a resumed wave that fails is rolled back to the image it ran before the first run, not to the new one", async () => {
    const stack = stagingStack();
    const clock = new FakeClock();
    stack.crashAfter = (c) => c.op === "setConfig";
    await rejection(run(stack, new RecordingHealth(), {}, clock));
    stack.revive();
    const health = new RecordingHealth((t) => (t.image === PNEW ? report(t, [{ name: "alarms", detail: "in ALARM: web-5xx" }]) : report(t)));
    const result = await run(stack, health, { force: true }, clock);
    expect(result.failedWave).to.equal(1);
    expect(result.rollback?.status).to.equal("rolled-back");
    expect(stack.config.services.web.overrides?.["eu-west-1"]).to.equal(undefined);
    expect(stack.deployed["eu-west-1"]).to.equal(OLD);
  });

  it("1. a failed wave left with --no-rollback stops the same command run again; --force deploys and checks it again", async () => {
    const stack = stagingStack();
    const failing = new RecordingHealth((t) => (t.image === PNEW ? report(t, [{ name: "deployment", detail: "primary deployment is FAILED" }]) : report(t)));
    const first = await run(stack, failing, { rollback: false });
    expect(first.failedWave).to.equal(1);
    expect(JSON.parse(stack.tags[waveTag(1)])).to.include({ s: "failed", id: rolloutId("web", PNEW) });

    stack.calls.length = 0;
    const health = new RecordingHealth();
    const again = await rejection(run(stack, health));
    expect(again).to.be.instanceOf(FailedWaveError);
    expect(again.message).to.contain("wave 1 (eu-west-1) of this rollout is recorded as failed");
    expect(again.message).to.contain("primary deployment is FAILED");
    expect(stack.ops).to.not.include("setConfig");
    expect(stack.ops).to.not.include("up");
    expect(health.calls).to.have.length(0);
    expect(stack.tags).to.not.have.property(LEASE_TAG);

    const forced = await run(stack, health, { force: true });
    expect(forced.status).to.equal("completed");
    expect(checkedOnNew(health)[0]).to.equal("eu-west-1");
    expect(forced.waves[0].status).to.equal("succeeded");
  });

  it("2. pending changes outside the wave's targets stop it before any up, naming them; the config is put back", async () => {
    const stack = stagingStack();
    const drifted = "urn:pulumi:staging::ecs-fleet::ecs-fleet:region:RegionalFootprint$aws:ecs/taskDefinition:TaskDefinition::api-us-east-1";
    stack.pending = [{ urn: drifted, type: "aws:ecs/taskDefinition:TaskDefinition", op: "replace", region: "us-east-1", component: "us-east-1", componentType: "ecs-fleet:region:RegionalFootprint" }];
    const events: RolloutEvent[] = [];
    const result = await run(stack, new RecordingHealth(), { onProgress: (e) => events.push(e) });
    expect(result.status).to.equal("failed");
    expect(result.failedWave).to.equal(1);
    expect(result.waves[0].outside).to.deep.equal([`${drifted} (replace)`]);
    expect(result.waves[0].reason).to.contain("outside wave 1's targets (eu-west-1)");
    expect(result.waves[0].reason).to.contain(drifted);
    expect(stack.ops).to.not.include("up");
    expect(stack.config.services.web).to.deep.equal(stagingStack().config.services.web);
    const pv = events.find((e) => e.kind === "preview-finished");
    expect(pv).to.deep.include({ inside: ["urn:pulumi:staging::ecs-fleet::ecs-fleet:region:RegionalFootprint$aws:ecs/service:Service::web-eu-west-1 (update)"] });
    expect(stack.tags).to.not.have.property(waveTag(1));
  });

  it("3. two rollouts at once: one holds the lease, the other is refused and told by whom", async () => {
    const stack = stagingStack();
    const clock = new FakeClock();
    let second: Promise<unknown> | undefined;
    const first = run(
      stack,
      new RecordingHealth(),
      {
        holder: "alice@laptop",
        onProgress: (e) => {
          if (e.kind === "baking" && !second) second = run(stack, new RecordingHealth(), { holder: "bob@ci", image: "registry.example.com/web:3.0" }, clock);
        },
      },
      clock,
    );
    const a = await first;
    const b = await rejection(second!);
    expect(a.status).to.equal("completed");
    expect(b).to.be.instanceOf(LeaseHeldError);
    expect(b.message).to.contain("another rollout holds stack staging: alice@laptop");
    // Bob's rollout changed nothing: every config write and up carries Alice's image.
    for (const images of stack.upImages) for (const i of Object.values(images)) expect([OLD, PNEW]).to.include(i);
  });

  it("3. two rollouts started in the same instant: exactly one runs", async () => {
    const stack = stagingStack();
    const clock = new FakeClock();
    const outcomes = await Promise.allSettled([
      run(stack, new RecordingHealth(), { holder: "alice" }, clock),
      run(stack, new RecordingHealth(), { holder: "bob", image: "registry.example.com/web:3.0" }, clock),
    ]);
    const ok = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(ok).to.have.length(1);
    expect(refused).to.have.length(1);
    expect(refused[0].reason).to.be.instanceOf(LeaseHeldError);
  });

  it("3. --force breaks a held lease and says whose it was; the rollout that lost it stops before its next step", async () => {
    const stack = stagingStack();
    const clock = new FakeClock();
    let forced: Promise<unknown> | undefined;
    const alice = run(
      stack,
      new RecordingHealth(),
      {
        holder: "alice@laptop",
        onProgress: (e) => {
          if (e.kind === "baking" && e.wave === 1 && !forced) forced = run(stack, new RecordingHealth(), { holder: "bob@ci", force: true }, clock);
        },
      },
      clock,
    );
    const lost = await rejection(alice);
    expect(lost).to.be.instanceOf(LeaseLostError);
    expect(lost.message).to.contain("lost its lease to bob@ci");
    const bob = (await forced) as Awaited<ReturnType<typeof run>>;
    expect(bob.lease.previous).to.include({ holder: "alice@laptop", expired: false });
  });

  it("5. missing credentials: refused before anything changes", async () => {
    const stack = stagingStack();
    const noCreds = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    const err = await rejection(run(stack, new RecordingHealth(), {}, new FakeClock(), new FakeIdentity(() => noCreds)));
    expect(err).to.be.instanceOf(PreflightError);
    expect(err.message).to.contain("AWS credentials do not work in eu-west-1 (STS GetCallerIdentity): CredentialsProviderError: Could not load credentials from any providers");
    expect(stack.ops).to.not.include("setConfig");
    expect(stack.ops).to.not.include("up");
    expect(stack.tags).to.deep.equal({});
  });

  it("5. an alarm firing now, or a target not healthy now, refuses the rollout", async () => {
    const stack = stagingStack();
    const health = new RecordingHealth((t) => (t.key === "ap-southeast-2" ? report(t, [{ name: "alarms", detail: "in ALARM: web-ap-southeast-2-5xx" }]) : report(t)));
    const err = await rejection(run(stack, health));
    expect(err).to.be.instanceOf(PreflightError);
    expect((err as PreflightError).problems).to.deep.equal(["ap-southeast-2 is not healthy now: in ALARM: web-ap-southeast-2-5xx"]);
    expect(stack.ops).to.deep.equal(["getConfig", "outputs"]);
  });

  it("5. throttling is retried with backoff until the wave's timeout, not taken for an unhealthy wave", async () => {
    const stack = stagingStack();
    let throttles = 0;
    const health = new RecordingHealth((t) => {
      if (t.key === "eu-west-1" && t.image === PNEW && throttles < 3) {
        throttles++;
        return report(t, [{ name: "service", detail: "DescribeServices failed: ThrottlingException: Rate exceeded", transient: true }]);
      }
      return report(t);
    });
    const identityThrottled = new FakeIdentity((r, n) => (r === "eu-west-1" && n === 0 ? Object.assign(new Error("Rate exceeded"), { name: "Throttling" }) : undefined));
    const events: RolloutEvent[] = [];
    const clock = new FakeClock();
    const result = await run(stack, health, { random: () => 0.5, onProgress: (e) => events.push(e) }, clock, identityThrottled);
    expect(result.status).to.equal("completed");
    const retries = events.filter((e) => e.kind === "retry");
    expect(retries.map((e) => (e as { what: string }).what)).to.deep.equal(["caller identity in eu-west-1", "health of eu-west-1", "health of eu-west-1", "health of eu-west-1"]);
    // Equal jitter, random 0.5: 750 ms, then 1.5 s, 3 s (base 1 s, doubling).
    expect(retries.slice(1).map((e) => (e as { delayMs: number }).delayMs)).to.deep.equal([750, 1500, 3000]);
  });

  it("5. throttling that outlasts the wave's timeout fails the wave, saying so", async () => {
    const stack = stagingStack();
    const health = new RecordingHealth((t) =>
      t.image === PNEW ? report(t, [{ name: "service", detail: "DescribeServices failed: ThrottlingException: Rate exceeded", transient: true }]) : report(t),
    );
    const clock = new FakeClock();
    const result = await run(stack, health, { healthTimeoutMinutes: 2 }, clock);
    expect(result.failedWave).to.equal(1);
    expect(result.waves[0].reason).to.equal("not healthy within 2 min: eu-west-1: DescribeServices failed: ThrottlingException: Rate exceeded");
  });

  it("6. a rollback that leaves the targets unhealthy is reported as such, with their health", async () => {
    const stack = stagingStack();
    // Fine until the first up; then eu-west-1 is broken whatever image it runs.
    const health = new RecordingHealth((t) => (t.key === "eu-west-1" && stack.ops.includes("up") ? report(t, [{ name: "deployment", detail: "primary deployment is FAILED" }]) : report(t)));
    const result = await run(stack, health);
    expect(result.status).to.equal("failed");
    expect(result.rollback?.status).to.equal("unhealthy");
    expect(result.rollback?.error).to.contain("restored targets unhealthy after up: eu-west-1: primary deployment is FAILED");
    expect(result.rollback?.health?.[0].target).to.include({ key: "eu-west-1", image: OLD });
    // Not recorded as rolled back: the journal keeps the wave failed.
    expect(JSON.parse(stack.tags[waveTag(1)]).s).to.equal("failed");
  });

  it("7. a failed final promote returns status failed with the cause and the wave report", async () => {
    const stack = stagingStack();
    stack.failUp = (n) => (n === 3 ? new Error("error: update failed: ECS throttled") : undefined);
    const result = await run(stack, new RecordingHealth());
    expect(result.status).to.equal("failed");
    expect(result.promoteError).to.equal("final step failed: error: update failed: ECS throttled");
    expect(result.waves.map((w) => w.status)).to.deep.equal(["succeeded", "succeeded"]);
    expect(result.promoted?.length).to.be.greaterThan(0);
    expect(JSON.parse(stack.tags["fleet.rollout"]).st).to.equal("failed");
    expect(stack.tags).to.not.have.property(LEASE_TAG);
  });

  it("8. the image is resolved once and every wave deploys the same digest", async () => {
    const stack = stagingStack();
    const resolver = new FakeResolver();
    const result = await runRollout({ stack, health: new RecordingHealth(), clock: new FakeClock(), identity: new FakeIdentity(), resolver }, { service: "web", image: NEW });
    expect(resolver.calls).to.deep.equal([NEW]);
    expect(result.image).to.match(/^registry\.example\.com\/web@sha256:[a-f0-9]{64}$/);
    for (const images of stack.upImages) for (const i of Object.values(images)) expect([OLD, result.image]).to.include(i);
  });
});

describe("automation/journal", () => {
  it("keeps every tag within Pulumi's limits, shortening a long reason", async () => {
    const store = { tags: {} as Record<string, string>, async listTags() { return { ...this.tags }; }, async setTag(k: string, v: string) { this.tags[k] = v; }, async removeTag(k: string) { delete this.tags[k]; } };
    const j = await RolloutJournal.open(store, new FakeClock(), "web", PNEW);
    await j.begin();
    await j.record(1, "failed", `unhealthy: ${"x".repeat(1000)}`);
    for (const [k, v] of Object.entries(store.tags)) {
      expect(k.length).to.be.at.most(40);
      expect(v.length).to.be.at.most(TAG_VALUE_MAX);
    }
    const again = await RolloutJournal.open(store, new FakeClock(), "web", PNEW);
    expect(again.resumed).to.equal(true);
    expect(again.wave(1)?.state).to.equal("failed");
    expect(again.wave(1)?.reason).to.match(/^unhealthy: x+…$/);
    const other = await RolloutJournal.open(store, new FakeClock(), "web", pinned("registry.example.com/web:3.0"));
    expect(other.resumed).to.equal(false);
    expect(other.wave(1)).to.equal(undefined);
    expect(other.replaced?.id).to.equal(j.id);
  });
});

describe("automation/lease", () => {
  const store = () => ({ tags: {} as Record<string, string>, async listTags() { return { ...this.tags }; }, async setTag(k: string, v: string) { this.tags[k] = v; }, async removeTag(k: string) { delete this.tags[k]; } });

  it("renews once half the lease is used, and stops when the tag no longer names it", async () => {
    const s = store();
    const clock = new FakeClock();
    const lease = await acquireLease(s, { stack: "staging", holder: "alice", ttlMs: 10 * MIN, settleMs: 0, clock });
    const first = lease.current.expires;
    await clock.sleep(4 * MIN);
    await lease.renew();
    expect(lease.current.expires).to.equal(first); // 6 min left of 10: not yet
    await clock.sleep(2 * MIN);
    await lease.renew();
    expect(Date.parse(lease.current.expires)).to.equal(clock.now().getTime() + 10 * MIN);
    expect(parseLease(s.tags[LEASE_TAG])?.expires).to.equal(lease.current.expires);
    delete s.tags[LEASE_TAG];
    expect(await rejection(lease.renew())).to.be.instanceOf(LeaseLostError);
  });

  it("an old CLI on a self-managed backend (no stack tags) refuses the rollout, saying which CLI is needed", async () => {
    const stack = stagingStack();
    stack.setTag = async () => Promise.reject(new CommandError("pulumi command failed", "error: stack tags are not supported by this backend", 255));
    const err = await rejection(run(stack, new RecordingHealth()));
    expect(err.message).to.contain("stack tags need Pulumi Cloud, or Pulumi CLI 3.211 or later on a self-managed backend");
    expect(stack.ops).to.not.include("setConfig");
  });
});
