import { expect } from "chai";
import type { FleetEvent } from "../../automation/events";
import { PulumiFleetStack, type AutomationStack } from "../../automation/fleet-stack";
import { RolloutView, duration } from "../../automation/rollout-view";
import { FakeClock } from "./doubles";

class Sink {
  text = "";
  columns = 200;
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

const base = { region: "eu-west-1", component: "eu-west-1", componentType: "ecs-fleet:region:RegionalFootprint", planning: false, sequence: 0, timestamp: 0 };
const ev = (kind: "resource-started" | "resource-finished" | "resource-failed", type: string, name: string, op: "update" | "same" = "update"): FleetEvent =>
  ({ kind, urn: `urn:pulumi:s::p::${type}::${name}`, type, name, op, ...base }) as FleetEvent;

describe("automation/rollout-view", () => {
  it("never counts a component as running, and clears what is left running when the operation ends", () => {
    const out = new Sink();
    const view = new RolloutView(out, { live: false, clock: new FakeClock(), project: "ecs-fleet" });
    view.progress({ kind: "up-started", wave: 1, targets: ["urn"] });
    view.engine(ev("resource-started", "ecs-fleet:region:RegionalFootprint", "eu-west-1", "same"));
    view.engine(ev("resource-started", "aws:ecs/service:Service", "web"));
    view.engine(ev("resource-started", "aws:ecs/taskDefinition:TaskDefinition", "web"));
    view.engine(ev("resource-finished", "aws:ecs/taskDefinition:TaskDefinition", "web"));
    // The component's own "finished" never comes (its child failed, registerOutputs never ran).
    view.engine(ev("resource-failed", "aws:ecs/service:Service", "web"));
    expect(view.block().find((l) => l.includes("eu-west-1 "))).to.match(/1 done \(1 changed\) +0 running +1 failed/);
    view.engine(ev("resource-started", "aws:cloudwatch/metricAlarm:MetricAlarm", "web-5xx"));
    expect(view.block().find((l) => l.includes("eu-west-1 "))).to.match(/1 running/);
    view.progress({ kind: "up-finished", wave: 1, result: { operation: "up", stack: "s", changes: {}, changesByRegion: {}, durationMs: 0, attempts: 1 } });
    expect(view.block().find((l) => l.includes("eu-west-1 "))).to.match(/0 running/);
    expect(view.block().some((l) => l.includes("up running"))).to.equal(false);
    expect(out.text).to.contain("[06:00:00] [eu-west-1] FAILED update aws:ecs/service:Service web");
  });

  it("shows each wave's state, timing and bake countdown", async () => {
    const clock = new FakeClock();
    const out = new Sink();
    const view = new RolloutView(out, { live: false, clock, project: "ecs-fleet" });
    view.progress({
      kind: "planned",
      plan: { stack: "s", project: "ecs-fleet", service: "web", image: "i", bakeMinutes: 5, promote: [], notes: [], waves: [1, 2].map((index) => ({ index, targets: [{ kind: "region", key: `r${index}`, region: `r${index}` }], currentImages: {}, done: false, changes: [] })) },
    });
    view.progress({ kind: "wave-started", wave: 1, targets: ["r1"] });
    await clock.sleep(65_000);
    view.progress({ kind: "baking", wave: 1, minutes: 5, endsAt: clock.now().getTime() + 300_000 });
    await clock.sleep(120_000);
    expect(view.block()[0]).to.equal("wave 1 [r1] baking  since 06:00:00 (3m05s)  bake 3m00s left");
    expect(view.block()[1]).to.equal("wave 2 [r2] pending");
    await clock.sleep(180_000);
    view.progress({ kind: "wave-succeeded", wave: 1 });
    expect(view.block()[0]).to.equal("wave 1 [r1] done  06:00:00-06:06:05 (6m05s)");
    expect(out.text).to.contain("[06:06:05] wave 1 [r1] done  06:00:00-06:06:05 (6m05s)\n");
    view.finish();
  });

  it("formats durations", () => {
    expect([0, 12_000, 245_000, 3_720_000].map(duration)).to.deep.equal(["0s", "12s", "4m05s", "1h02m"]);
  });
});

describe("automation/fleet-stack: targets and tags reach the Automation API", () => {
  it("passes target with targetDependents false to preview and up, and maps the tag calls", async () => {
    const calls: Array<[string, unknown]> = [];
    const fake = {
      name: "staging",
      up: async (o: unknown) => (calls.push(["up", o]), { summary: { resourceChanges: {} }, outputs: {} }),
      preview: async (o: unknown) => (calls.push(["preview", o]), { changeSummary: {} }),
      listTags: async () => (calls.push(["listTags", null]), { "fleet.rollout": "x" }),
      setTag: async (k: string, v: string) => void calls.push(["setTag", [k, v]]),
      removeTag: async (k: string) => void calls.push(["removeTag", k]),
    } as unknown as AutomationStack;
    const stack = new PulumiFleetStack(fake, "staging", "ecs-fleet", { clock: new FakeClock() });
    await stack.up({ target: ["urn:a"] });
    await stack.preview({ target: ["urn:b"], targetDependents: true });
    await stack.up();
    expect(await stack.listTags()).to.deep.equal({ "fleet.rollout": "x" });
    await stack.setTag("k", "v");
    await stack.removeTag("k");
    expect(calls[0][1]).to.include({ targetDependents: false }).and.to.have.deep.property("target", ["urn:a"]);
    expect(calls[1][1]).to.include({ targetDependents: true }).and.to.have.deep.property("target", ["urn:b"]);
    expect(calls[2][1]).to.not.have.property("target");
    expect(calls.slice(3)).to.deep.equal([["listTags", null], ["setTag", ["k", "v"]], ["removeTag", "k"]]);
  });
});
