import { expect } from "chai";
import { planOf, shippedPlan } from "./fixtures";
import { rawConfig } from "../config-fixtures";
import { costDelta, cronSlots, estimateCost, runsPerMonth, splitTasks } from "../../review/cost";
import { PlanDoc } from "../../review/model";
import { DEFAULT_COST_ASSUMPTIONS, costAssumptions } from "../../stacks/sections/cost";
import { REGION_PRICES } from "../../review/prices";
import { validateConfig } from "../../stacks/validate";

/**
 * A small fleet: one region (us-east-1, 2 AZs, one NAT gateway), one public service of 0.5 vCPU /
 * 1 GB, 2 tasks, one on-demand as base and the rest split 1:1 with Spot.
 */
const SMALL = {
  regions: { "us-east-1": { cidr: "10.0.0.0/16", azCount: 2, natGateways: "single" } },
  services: {
    web: { image: "nginx:1.27", cpu: 512, memory: 1024, containerPort: 80, public: true, desiredCount: 2, capacity: { fargateBase: 1, fargateWeight: 1, spotWeight: 1 } },
  },
};

describe("review: monthly cost", function () {
  this.timeout(120000);
  let small: PlanDoc;
  let prod: PlanDoc;

  before(async () => {
    small = await planOf("costs", rawConfig(SMALL, "us-east-1"));
    prod = await shippedPlan("prod");
  });

  it("the small fleet costs what a hand computation of the us-east-1 list prices gives", () => {
    const est = estimateCost(small);
    const h = 730;
    const r2 = (x: number) => Math.round(x * 100) / 100;
    // 2 tasks, base 1 on FARGATE, the other split 1:1 → 1.5 on-demand, 0.5 Spot (70% off).
    const byHand = [
      r2(1.5 * h * 0.5 * 0.04048), // on-demand vCPU: 22.16
      r2(1.5 * h * 1 * 0.004445), // on-demand GB: 4.87
      r2(0.5 * h * 0.5 * 0.04048 * 0.3), // Spot vCPU: 2.22
      r2(0.5 * h * 1 * 0.004445 * 0.3), // Spot GB: 0.49
      r2(1 * 0.5), // 1 GB of logs
      r2(h * 0.045), // one NAT gateway: 32.85
      r2(100 * 0.045), // 100 GB through it
      r2(h * 0.005), // its public IPv4 address
      r2(h * 0.0225), // the ALB: 16.43
      r2(h * 1 * 0.008), // 1 LCU
      r2(2 * h * 0.005), // its two public IPv4 addresses (one per AZ)
      r2(3 * 0.1), // three alarms (running tasks, 5xx, unhealthy targets)
      r2((11 + 13) * 0.3), // Container Insights: 11 cluster + 13 service metrics
    ];
    expect(byHand.reduce((a, b) => a + b, 0)).to.be.closeTo(108.31, 0.001);
    expect(est.total).to.be.closeTo(108.31, 0.001);
    expect(est.scopes).to.deep.equal({ "region us-east-1": 108.31 });
    expect(est.unpricedRegions).to.deep.equal([]);
    const web = est.lines.filter((l) => l.service === "web" && l.item.startsWith("Fargate")).map((l) => l.monthly);
    expect(web).to.deep.equal([22.16, 4.87, 2.22, 0.49]);
  });

  it("config overrides an assumption (ecs-fleet:cost), validated with the rest of the config", () => {
    const raw = rawConfig({ ...SMALL, cost: { natGbPerGateway: 0, spotDiscount: 0.5 } }, "us-east-1");
    const { assumptions, overridden } = costAssumptions(raw);
    expect(overridden.sort()).to.deep.equal(["natGbPerGateway", "spotDiscount"]);
    const est = estimateCost(small, assumptions);
    expect(est.lines.find((l) => l.item.startsWith("NAT gateway data"))?.monthly).to.equal(0);
    expect(est.lines.find((l) => l.item.startsWith("Fargate x86_64 Spot vCPU"))?.monthly).to.equal(Math.round(0.5 * 730 * 0.5 * 0.04048 * 0.5 * 100) / 100);
    expect(est.assumptions.some((a) => a.includes("Fargate Spot at 50% off"))).to.equal(true);
    const bad = validateConfig(rawConfig({ ...SMALL, cost: { spotDiscount: 2, natGb: 1 } }, "us-east-1"), { stack: "costs", project: "ecs-fleet", now: new Date("2026-11-24T00:00:00Z") });
    expect(bad.ok).to.equal(false);
    const messages = bad.ok ? [] : bad.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).to.include("ecs-fleet:cost.spotDiscount: expected a fraction from 0 to 0.95, got 2");
    expect(messages.some((m) => m.startsWith("ecs-fleet:cost.natGb: unknown key"))).to.equal(true);
  });

  it("arm64 tasks are priced at the arm64 rates", () => {
    const arm: PlanDoc = {
      ...small,
      resources: small.resources.map((r) => (r.type === "aws:ecs/taskDefinition:TaskDefinition" ? { ...r, inputs: { ...r.inputs, runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } } } : r)),
    };
    const line = estimateCost(arm).lines.find((l) => l.item.startsWith("Fargate arm64 on-demand vCPU"));
    expect(line?.monthly).to.equal(Math.round(1.5 * 730 * 0.5 * REGION_PRICES["us-east-1"].fargateVcpuHourArm.usd * 100) / 100);
  });

  it("a region without prices says so and is left out of the total, never guessed", () => {
    const moved: PlanDoc = { ...small, resources: small.resources.map((r) => (r.region === "us-east-1" ? { ...r, region: "sa-east-1" } : r)) };
    const est = estimateCost(moved);
    expect(est.unpricedRegions).to.deep.equal(["sa-east-1"]);
    const regional = est.lines.filter((l) => l.scope === "region sa-east-1" && !l.item.startsWith("public IPv4"));
    expect(regional.length).to.be.greaterThan(5);
    expect(regional.every((l) => l.monthly === null && l.unitPrice === null)).to.equal(true);
  });

  it("prod: scheduled minimums and capacity weights give the web service's average task split", () => {
    const est = estimateCost(prod);
    // web in eu-west-1: minimum 6 from 07:00 to 20:00 (13 h), 3 otherwise; base 2 on FARGATE, then 1:3.
    const onDemand = (13 * (2 + 4 * 0.25) + 11 * (2 + 1 * 0.25)) / 24;
    const spot = (13 * 4 * 0.75 + 11 * 1 * 0.75) / 24;
    const vcpu = (kind: string) => est.lines.find((l) => l.scope === "region eu-west-1" && l.service === "web" && l.item.startsWith(`Fargate x86_64 ${kind} vCPU`))!;
    expect(vcpu("on-demand").quantity).to.be.closeTo(onDemand * 730 * 0.5, 1e-6);
    expect(vcpu("Spot").quantity).to.be.closeTo(spot * 730 * 0.5, 1e-6);
    // Every shipped region is priced; the Batch chain's jobs are priced from their schedule.
    expect(est.unpricedRegions).to.deep.equal([]);
    expect(Object.keys(est.scopes).sort()).to.deep.equal(["global", "region ap-southeast-2", "region eu-west-1", "region us-east-1", "site amsterdam-dc", "site virginia-dc"]);
    expect(est.lines.filter((l) => l.service?.startsWith("batch ")).map((l) => l.service)).to.include.members(["batch ecs-fleet-prod-nightly-extract", "batch ecs-fleet-prod-nightly-report"]);
    expect(est.lines.find((l) => l.item.startsWith("ECS Anywhere") && l.scope === "site amsterdam-dc")?.quantity).to.equal(3 * 730);
  });

  it("the cost delta of a change is per scope and service", () => {
    const bigger: PlanDoc = {
      ...small,
      resources: small.resources.map((r) => (r.type === "aws:ecs/service:Service" ? { ...r, inputs: { ...r.inputs, desiredCount: 4 } } : r)),
    };
    const d = costDelta(estimateCost(small), estimateCost(bigger));
    // 4 tasks: 1 base + 3 split 1:1 → 2.5 on-demand, 1.5 Spot.
    expect(d.changes.map((c) => `${c.scope} ${c.service}`)).to.deep.equal(["region us-east-1 web"]);
    expect(d.delta).to.be.closeTo(d.head - d.base, 0.001);
    expect(d.delta).to.be.greaterThan(0);
  });

  it("schedules: cron slots, runs per month, capacity split", () => {
    expect(cronSlots("cron(0 7 * * ? *)")?.length).to.equal(7);
    expect(cronSlots("cron(0 9 ? * MON-FRI *)")).to.deep.equal([1, 2, 3, 4, 5].map((d) => d * 24 + 9));
    expect(cronSlots("cron(0 9 1 * ? *)")).to.equal(undefined);
    expect(runsPerMonth("cron(0 2 * * ? *)")).to.be.closeTo((7 * 730) / 168, 1e-9);
    expect(runsPerMonth("rate(6 hours)")).to.be.closeTo(730 / 6, 1e-9);
    expect(splitTasks(6, [{ capacityProvider: "FARGATE", base: 2, weight: 1 }, { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 }])).to.deep.equal({ FARGATE: 3, FARGATE_SPOT: 3 });
    expect(DEFAULT_COST_ASSUMPTIONS.spotDiscount).to.equal(0.7);
  });
});
