import { expect } from "chai";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { EventTranslator, type FleetEvent, parseUrn, regionOfProvider } from "../../automation/events";

const P = "urn:pulumi:prod::ecs-fleet::";
const STACK = `${P}pulumi:pulumi:Stack::ecs-fleet-prod`;
const PROVIDER_EU = `${P}pulumi:providers:aws::aws-eu-west-1`;
const PROVIDER_US = `${P}pulumi:providers:aws::aws-us-east-1`;
const FOOTPRINT_EU = `${P}ecs-fleet:region:RegionalFootprint::eu-west-1`;
const CLUSTER_EU = `${P}ecs-fleet:region:RegionalFootprint$ecs-fleet:region:Cluster::eu-west-1`;
const ECS_EU = `${P}ecs-fleet:region:RegionalFootprint$ecs-fleet:region:Cluster$aws:ecs/cluster:Cluster::fleet-eu-west-1`;
const ECS_US = `${P}ecs-fleet:region:RegionalFootprint$ecs-fleet:region:Cluster$aws:ecs/cluster:Cluster::fleet-us-east-1`;

let seq = 0;
function step(kind: "resourcePreEvent" | "resOutputsEvent" | "resOpFailedEvent", urn: string, op: string, extra: { parent?: string; provider?: string; inputs?: Record<string, unknown> } = {}): EngineEvent {
  const type = parseUrn(urn)!.type;
  const metadata = {
    op,
    urn,
    type,
    provider: extra.provider ?? "",
    new: { type, urn, id: "", parent: extra.parent ?? "", inputs: extra.inputs ?? {}, outputs: {}, provider: extra.provider ?? "" },
  };
  const body = kind === "resOpFailedEvent" ? { metadata, status: 1, steps: 1 } : { metadata };
  return { sequence: ++seq, timestamp: 1700000000 + seq, [kind]: body } as unknown as EngineEvent;
}

function run(events: EngineEvent[]): { out: FleetEvent[]; t: EventTranslator } {
  const t = new EventTranslator();
  const out = events.map((e) => t.translate(e)).filter((e): e is FleetEvent => e !== undefined);
  return { out, t };
}

describe("automation/events", () => {
  it("reads the region from the provider reference aws-<region>", () => {
    expect(regionOfProvider(`${PROVIDER_EU}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`)).to.equal("eu-west-1");
    expect(regionOfProvider(`${P}pulumi:providers:aws::default_7_0_0::abc`)).to.equal(undefined);
    expect(regionOfProvider(`${P}pulumi:providers:random::aws-eu-west-1::abc`)).to.equal(undefined);
    expect(regionOfProvider(undefined)).to.equal(undefined);
  });

  it("turns step events into started/finished/failed with region and outermost ecs-fleet component", () => {
    const { out } = run([
      step("resourcePreEvent", STACK, "same"),
      step("resourcePreEvent", PROVIDER_EU, "same", { parent: STACK, inputs: { region: "eu-west-1" } }),
      step("resourcePreEvent", FOOTPRINT_EU, "same", { parent: STACK }),
      step("resourcePreEvent", CLUSTER_EU, "same", { parent: FOOTPRINT_EU }),
      step("resourcePreEvent", ECS_EU, "update", { parent: CLUSTER_EU, provider: `${PROVIDER_EU}::id1` }),
      step("resOutputsEvent", ECS_EU, "update", { parent: CLUSTER_EU, provider: `${PROVIDER_EU}::id1` }),
      step("resOpFailedEvent", ECS_US, "create", { parent: CLUSTER_EU, provider: `${PROVIDER_US}::id2` }),
    ]);
    expect(out.map((e) => e.kind)).to.deep.equal([
      "resource-started",
      "resource-started",
      "resource-started",
      "resource-started",
      "resource-started",
      "resource-finished",
      "resource-failed",
    ]);
    const pick = (e: FleetEvent) => (e.kind.startsWith("resource") ? { ...(e as any) } : undefined);
    expect(pick(out[1])).to.include({ name: "aws-eu-west-1", region: "eu-west-1", component: null });
    expect(pick(out[2])).to.include({ region: null, component: "eu-west-1", componentType: "ecs-fleet:region:RegionalFootprint" });
    expect(pick(out[5])).to.include({
      type: "aws:ecs/cluster:Cluster",
      name: "fleet-eu-west-1",
      op: "update",
      region: "eu-west-1",
      component: "eu-west-1",
      componentType: "ecs-fleet:region:RegionalFootprint",
      planning: false,
    });
    expect(pick(out[6])).to.include({ kind: "resource-failed", region: "us-east-1", op: "create" });
  });

  it("gives a component the region of its first regional child", () => {
    const { out } = run([
      step("resourcePreEvent", FOOTPRINT_EU, "create", { parent: STACK }),
      step("resourcePreEvent", CLUSTER_EU, "create", { parent: FOOTPRINT_EU }),
      step("resourcePreEvent", ECS_EU, "create", { parent: CLUSTER_EU, provider: `${PROVIDER_EU}::id` }),
      step("resOutputsEvent", FOOTPRINT_EU, "create", { parent: STACK }),
    ]);
    expect((out[0] as any).region).to.equal(null);
    expect((out[3] as any).region).to.equal("eu-west-1");
  });

  it("falls back to an aws resource's own region input", () => {
    const urn = `${P}aws:s3/bucket:Bucket::logs`;
    const { out } = run([step("resOutputsEvent", urn, "create", { inputs: { region: "ap-southeast-2" } })]);
    expect((out[0] as any).region).to.equal("ap-southeast-2");
  });

  it("tallies changes by region (global for the rest), without the stack itself", () => {
    const dns = `${P}aws:route53/record:Record::web`;
    const { t } = run([
      step("resourcePreEvent", STACK, "same"),
      step("resourcePreEvent", ECS_EU, "update", { provider: `${PROVIDER_EU}::id` }),
      step("resOutputsEvent", ECS_EU, "update", { provider: `${PROVIDER_EU}::id` }),
      step("resOutputsEvent", ECS_US, "create", { provider: `${PROVIDER_US}::id` }),
      step("resOutputsEvent", dns, "same"),
    ]);
    expect(t.changesByRegion()).to.deep.equal({ "eu-west-1": { update: 1 }, "us-east-1": { create: 1 }, global: { same: 1 } });
  });

  it("passes diagnostics and the summary through", () => {
    const { out } = run([
      { sequence: 1, timestamp: 1, diagnosticEvent: { message: "boom\n", color: "never", severity: "error", urn: ECS_EU } },
      { sequence: 2, timestamp: 2, summaryEvent: { maybeCorrupt: false, durationSeconds: 12, resourceChanges: { create: 3, same: 7 }, policyPacks: {} } },
    ]);
    expect(out[0]).to.deep.equal({ kind: "diagnostic", severity: "error", message: "boom\n", urn: ECS_EU, region: null, sequence: 1, timestamp: 1 });
    expect(out[1]).to.deep.equal({ kind: "summary", changes: { create: 3, same: 7 }, durationSeconds: 12, sequence: 2, timestamp: 2 });
  });

  it("ignores unknown and malformed events without throwing", () => {
    const weird = [
      { sequence: 1, timestamp: 1, cancelEvent: {} },
      { sequence: 2, timestamp: 2, preludeEvent: { config: {} } },
      { sequence: 3, timestamp: 3, someFutureEvent: { x: 1 } },
      { sequence: 4, timestamp: 4, resourcePreEvent: {} },
      { sequence: 5, timestamp: 5, resourcePreEvent: { metadata: { urn: "not-a-urn" } } },
      { sequence: 6, timestamp: 6, resOutputsEvent: { metadata: null } },
      { sequence: 7, timestamp: 7, diagnosticEvent: { severity: "info" } },
      null,
      "text",
    ] as unknown as EngineEvent[];
    const { out } = run(weird);
    expect(out).to.deep.equal([]);
  });
});
