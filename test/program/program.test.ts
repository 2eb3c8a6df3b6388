import { expect } from "chai";
import * as path from "path";
import { recorder } from "../setup";
import { runProgram } from "../../offline/run-plan";
import { readStackFile } from "../../offline/stack-file";
import { RecordedResource } from "../../offline/mocks";
import { rawConfig, validConfig } from "../config-fixtures";
import { runShippedStack, sharedRun } from "../helpers";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = new Date("2026-11-24T00:00:00Z");

const runStack = (stack: string) => runShippedStack(stack, NOW);

/** Every resource is on an explicit provider of a region; nothing falls back to a default provider. */
function assertExplicitProviders(resources: RecordedResource[]): void {
  const providers = new Map(resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
  for (const r of resources) {
    if (r.type.startsWith("pulumi:providers:")) continue;
    if (r.custom) {
      expect(r.provider, `${r.type} ${r.name} has no explicit provider`).to.be.a("string");
      expect(providers.has(r.provider!), `${r.type} ${r.name} uses unknown provider ${r.provider}`).to.equal(true);
      expect(r.provider!).to.not.match(/::default(_|$)/);
      expect(r.region, `${r.type} ${r.name} region`).to.be.a("string");
    } else if (r.remote) {
      expect(r.providers.aws, `remote ${r.type} ${r.name} gets no aws provider`).to.be.a("string");
      expect(providers.has(r.providers.aws)).to.equal(true);
    }
  }
}

describe("program", () => {
  for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack`, () => {
      it("creates one explicit provider and one regional footprint per region", async () => {
        const run = await runStack(stack);
        const regions = run.plan.regions.map((r) => r.region);
        expect(regions.length).to.be.at.least(stack === "prod" ? 3 : 1);
        const providers = run.resources.filter((r) => r.type === "pulumi:providers:aws");
        for (const region of regions) {
          const p = providers.filter((x) => x.name === `aws-${region}`);
          expect(p, `provider for ${region}`).to.have.length(1);
          expect(p[0].inputs.region).to.equal(region);
          const tags = JSON.parse(p[0].inputs.defaultTags as string).tags;
          expect(tags).to.deep.equal({ Project: "ecs-fleet", Stack: stack, Region: region });
          const footprint = run.resources.filter((r) => r.type === "ecs-fleet:region:RegionalFootprint" && r.name === region);
          expect(footprint).to.have.length(1);
          expect(footprint[0].providers.aws).to.equal(p[0].urn);
        }
      });

      it("puts every resource and data-source call on an explicit regional provider", async () => {
        const run = await runStack(stack);
        assertExplicitProviders(run.resources);
        for (const invoke of run.invokes) expect(invoke.provider, `invoke ${invoke.token}`).to.be.a("string");
      });

      it("builds each region's network and cluster from the plan", async () => {
        const run = await runStack(stack);
        for (const region of run.plan.regions) {
          const vpc = run.resources.find((r) => r.type === "awsx:ec2:Vpc" && r.region === region.region)!;
          expect(vpc.inputs).to.include({ cidrBlock: region.network.cidr, numberOfAvailabilityZones: region.network.azCount });
          expect((vpc.inputs.natGateways as any).strategy).to.equal({ perAz: "OnePerAz", single: "Single", none: "None" }[region.network.natGateways]);
          expect(vpc.inputs.subnetSpecs).to.deep.equal([
            { type: "Public", cidrBlocks: region.network.publicSubnetCidrs },
            { type: "Private", cidrBlocks: region.network.privateSubnetCidrs },
          ]);
          const inFootprint = (r: RecordedResource) => r.region === region.region && (r.parent ?? "").includes("ecs-fleet:ecs:FargateCluster::");
          const cluster = run.resources.find((r) => r.type === "aws:ecs/cluster:Cluster" && inFootprint(r))!;
          expect(cluster.inputs.settings).to.deep.equal([{ name: "containerInsights", value: "enabled" }]);
          const cps = run.resources.find((r) => r.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders" && inFootprint(r))!;
          expect(cps.inputs.capacityProviders).to.deep.equal(["FARGATE", "FARGATE_SPOT"]);
        }
      });

      it("exports vpcId, clusterName and clusterArn per region", async () => {
        const run = await runStack(stack);
        const outputs = run.outputs as any;
        for (const region of run.plan.regions) {
          const o = outputs.regions[region.region];
          expect(o.vpcId).to.match(/^vpc-/);
          expect(o.clusterName).to.equal(region.clusterName);
          expect(o.clusterArn).to.equal(`arn:aws:ecs:${region.region}:123456789012:cluster/${region.clusterName}`);
        }
      });
    });
  }

  it("registers nothing when the config is invalid", async () => {
    const raw = rawConfig(validConfig({ services: { web: { image: "nginx", cpu: 256, memory: 4096 } } }));
    const run = await runProgram(recorder, { stack: "dev", raw, now: NOW });
    expect(run.ok).to.equal(false);
    expect(recorder.resources).to.have.length(0);
    if (!run.ok) expect(run.issues.map((i) => i.path)).to.deep.equal(["ecs-fleet:services.web.memory"]);
  });

  it("registers identical inputs when run twice (idempotent, deterministic ids)", async () => {
    // Two real runs (not sharedRun, which would hand back the first one).
    const strip = (rs: RecordedResource[]) => rs.map((r) => ({ urn: r.urn, inputs: r.inputs, provider: r.provider })).sort((a, b) => a.urn.localeCompare(b.urn));
    const file = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
    const fresh = async () => {
      const run = await runProgram(recorder, { stack: "prod", raw: file.raw, secretKeys: file.secretKeys, now: NOW });
      if (!run.ok) throw new Error("prod invalid");
      return run.resources;
    };
    const first = strip(await fresh());
    const second = strip(await fresh());
    expect(second).to.deep.equal(first);
  });
});

describe("index.ts (the entry `pulumi up` loads)", () => {
  it("stops with every problem before registering anything when the config is invalid", () => {
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setAllConfig(rawConfig(validConfig({ regions: { "eu-west1": { cidr: "10.0.0.1/16" } } })));
    const entry = require.resolve("../../index");
    delete require.cache[entry];
    expect(() => require(entry)).to.throw(/invalid stack config: 2 problem\(s\), listed above/);
    expect(recorder.resources).to.have.length(0);
  });
});

describe("program: AWS Batch", () => {
  it("exports queue, job definition and chain ARNs for the regions that run jobs", async () => {
    const file = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
    const run = await sharedRun({ stack: "prod", raw: file.raw, now: NOW });
    if (!run.ok) throw new Error("prod invalid");
    const regions = (run.outputs as any).regions;
    expect(regions["eu-west-1"].batch.jobQueueArn).to.match(/^arn:aws:batch:eu-west-1:123456789012:job-queue\//);
    expect(regions["eu-west-1"].batch.spotJobQueueArn).to.match(/^arn:aws:batch:eu-west-1:/);
    expect(Object.keys(regions["eu-west-1"].batch.jobs).sort()).to.deep.equal(["nightly-extract", "nightly-report", "render-invoices"]);
    expect(regions["eu-west-1"].batch.chains["nightly-extract"].stateMachineArn).to.match(/^arn:aws:states:eu-west-1:/);
    expect(Object.keys(regions["us-east-1"].batch.jobs)).to.deep.equal(["render-invoices"]);
    expect(regions["ap-southeast-2"].batch).to.equal(undefined);
    const ce = run.resources.filter((r) => r.type === "aws:batch/computeEnvironment:ComputeEnvironment");
    expect(new Set(ce.map((r) => r.region))).to.deep.equal(new Set(["eu-west-1", "us-east-1"]));
  });
});
