import { expect } from "chai";
import fc from "fast-check";
import { imageOf, runRollout } from "../../automation/rollout";
import { FakeClock, RecordingHealth, RecordingStack, report, FakeIdentity, FakeResolver, pinned } from "./doubles";

function deps(stack: RecordingStack, health: RecordingHealth, clock: FakeClock = new FakeClock()) {
  return { stack, health, clock, identity: new FakeIdentity(), resolver: new FakeResolver() };
}

const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2", "eu-central-1", "us-west-2"];
const OLD = "registry.example.com/web:1.0";
const NEW = "registry.example.com/web:2.0";
/** What the rollout deploys: NEW pinned to its digest. */
const PNEW = pinned(NEW);

/** A stack whose regions are `order`, rolled out in `waves`. */
function rawConfig(order: string[], waves: string[][] | undefined): Record<string, string> {
  const regions = Object.fromEntries(order.map((r) => [r, { cidr: `10.${REGIONS.indexOf(r) + 1}0.0.0/16` }]));
  const raw: Record<string, string> = {
    "aws:region": order[0],
    "ecs-fleet:regions": JSON.stringify(regions),
    "ecs-fleet:services": JSON.stringify({ web: { image: OLD, cpu: 256, memory: 512 } }),
  };
  if (waves) raw["ecs-fleet:rollout"] = JSON.stringify({ waves, bakeMinutes: 1 });
  return raw;
}

const scenario = fc
  .shuffledSubarray(REGIONS, { minLength: 1 })
  .chain((order) =>
    fc.record({
      order: fc.constant(order),
      // Cut points split the region order into waves; none means the default (one per wave).
      cuts: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, order.length - 1) }), { maxLength: order.length - 1 }), { nil: undefined }),
      failAt: fc.integer({ min: 0, max: order.length - 1 }),
      rollback: fc.boolean(),
    }),
  );

function splitWaves(order: string[], cuts: number[] | undefined): string[][] | undefined {
  if (!cuts) return undefined;
  const points = [...new Set(cuts.filter((c) => c < order.length))].sort((a, b) => a - b);
  const waves: string[][] = [];
  let start = 0;
  for (const p of [...points, order.length]) {
    waves.push(order.slice(start, p));
    start = p;
  }
  return waves;
}

describe("automation/rollout: properties", () => {
  it("after a failed wave, no later region is ever touched, and the wave is rolled back when asked", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ order, cuts, failAt, rollback }) => {
        const configured = splitWaves(order, cuts);
        const waves = configured ?? order.map((r) => [r]);
        const failing = waves[Math.min(failAt, waves.length - 1)];
        const failingIndex = waves.indexOf(failing);
        const earlier = waves.slice(0, failingIndex).flat();
        const later = waves.slice(failingIndex + 1).flat();

        const stack = new RecordingStack(rawConfig(order, configured), "web");
        const health = new RecordingHealth((t) => (failing.includes(t.key) && t.image === PNEW ? report(t, [{ name: "alarms", detail: "in ALARM" }]) : report(t)));
        const result = await runRollout(deps(stack, health), { service: "web", image: NEW, rollback });

        expect(result.status).to.equal("failed");
        expect(result.failedWave).to.equal(failingIndex + 1);
        for (const images of stack.upImages) for (const r of later) expect(images[r]).to.equal(OLD);
        // Later regions are only read, by the pre-flight, on the image they run.
        for (const c of health.calls) if (later.includes(c.target.key)) expect(c.target.image).to.equal(OLD);
        const svc = stack.config.services.web;
        expect(svc.image).to.equal(OLD);
        for (const r of earlier) expect(imageOf(svc, r)).to.equal(PNEW);
        for (const r of later) expect(imageOf(svc, r)).to.equal(OLD);
        for (const r of failing) expect(imageOf(svc, r)).to.equal(rollback ? OLD : PNEW);
        expect(stack.ops.filter((o) => o === "up")).to.have.length(failingIndex + 1 + (rollback ? 1 : 0));
      }),
      { numRuns: 150 },
    );
  });

  it("a healthy rollout ends with the image in the base and no image override left", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ order, cuts }) => {
        const stack = new RecordingStack(rawConfig(order, splitWaves(order, cuts)), "web");
        const result = await runRollout(deps(stack, new RecordingHealth()), { service: "web", image: NEW });
        expect(result.status).to.equal("completed");
        expect(stack.config.services.web).to.not.have.property("overrides");
        expect(stack.config.services.web.image).to.equal(PNEW);
        // Each up moved exactly one more wave.
        const moved = stack.upImages.map((images) => Object.values(images).filter((i) => i === PNEW).length);
        expect(moved).to.deep.equal([...moved].sort((a, b) => a - b));
        expect(moved[moved.length - 1]).to.equal(order.length);
      }),
      { numRuns: 100 },
    );
  });

  it("a crash at any step, then the same command again, ends with every region deployed, checked and baked on the new image", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.integer({ min: 1, max: 60 }), async ({ order, cuts }, crashAt) => {
        const waves = splitWaves(order, cuts) ?? order.map((r) => [r]);
        const stack = new RecordingStack(rawConfig(order, splitWaves(order, cuts)), "web");
        const clock = new FakeClock();
        let n = 0;
        stack.crashAfter = (c) => (c.op === "setConfig" || c.op === "up" || c.op === "setTag") && ++n === crashAt;
        await runRollout(deps(stack, new RecordingHealth(), clock), { service: "web", image: NEW }).catch(() => undefined);
        const bakedBefore = new Set(
          waves.flatMap((w, i) => (stack.tags[`fleet.rollout.w${i + 1}`] && JSON.parse(stack.tags[`fleet.rollout.w${i + 1}`]).s === "baked" ? w : [])),
        );
        stack.revive();
        await clock.sleep(31 * 60_000); // the crashed run's lease expires
        const health = new RecordingHealth();
        const result = await runRollout(deps(stack, health, clock), { service: "web", image: NEW });
        expect(result.status).to.equal("completed");
        for (const r of order) expect(stack.deployed[r]).to.equal(PNEW);
        expect(stack.config.services.web.image).to.equal(PNEW);
        // Every region not recorded as baked before the crash is checked on the new image again.
        const checked = new Set(health.calls.filter((c) => c.target.image === PNEW).map((c) => c.target.key));
        for (const r of order) if (!bakedBefore.has(r)) expect(checked.has(r), r).to.equal(true);
      }),
      { numRuns: 120 },
    );
  });
});
