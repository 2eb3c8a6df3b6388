import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { recorder } from "../setup";
import { registered, valueOf } from "../helpers";
import { RegionalFootprint } from "../../components/regional-footprint";
import { Network } from "../../components/network";
import { RegionPlan, planSubnets } from "../../stacks/plan";

function regionPlan(region: string): RegionPlan {
  return {
    region,
    partition: "aws",
    providerName: `aws-${region}`,
    network: { cidr: "10.30.0.0/20", azCount: 2, natGateways: "none", ...planSubnets("10.30.0.0/20", 2) },
    clusterName: "ecs-fleet-test",
    serviceConnectNamespace: "ecs-fleet-test",
    services: [],
  };
}

describe("RegionalFootprint", () => {
  it("creates the network and cluster on the given provider, and exposes their ids", async () => {
    const provider = new aws.Provider("aws-ca-central-1", { region: "ca-central-1" });
    const footprint = new RegionalFootprint("ca-central-1", { plan: regionPlan("ca-central-1") }, { provider });
    expect(await valueOf(footprint.clusterName)).to.equal("ecs-fleet-test");
    expect(await valueOf(footprint.vpcId)).to.match(/^vpc-/);
    expect(await valueOf(footprint.clusterArn)).to.equal("arn:aws:ecs:ca-central-1:123456789012:cluster/ecs-fleet-test");

    const vpc = recorder.one("awsx:ec2:Vpc");
    expect(vpc.region).to.equal("ca-central-1");
    expect(vpc.inputs).to.deep.include({ cidrBlock: "10.30.0.0/20", numberOfAvailabilityZones: 2, natGateways: { strategy: "None" } });
    expect(vpc.parent).to.match(/ecs-fleet:network:Network::ca-central-1-network$/);
    const cluster = recorder.one("aws:ecs/cluster:Cluster");
    expect(cluster.region).to.equal("ca-central-1");
    expect(cluster.parent).to.match(/ecs-fleet:ecs:FargateCluster::ca-central-1-cluster$/);
    expect(recorder.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").inputs).to.deep.include({
      clusterName: "ecs-fleet-test",
      defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
    });
  });

  it("builds its services after the constructor returns; `ready` resolves when they exist, and rejects with what a part threw", async () => {
    const provider = new aws.Provider("aws-sa-east-1", { region: "sa-east-1" });
    const empty = new RegionalFootprint("sa-east-1", { plan: regionPlan("sa-east-1") }, { provider });
    await empty.ready;
    expect(empty.services).to.deep.equal({});
    // A service spec no planner would produce (no serviceConnect): the part throws while the region
    // is built, after the constructor has returned; the error reaches whoever awaits `ready` (the
    // program), not an unhandled rejection.
    const broken = { ...regionPlan("sa-east-1"), clusterName: "ecs-fleet-broken", services: [{ name: "bad" } as unknown as RegionPlan["services"][number]] };
    const footprint = new RegionalFootprint("sa-east-1-broken", { plan: broken }, { provider });
    const err = await footprint.ready.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(TypeError);
    expect(String(err?.message)).to.match(/reading .server./);
  });

  it("refuses to build a network without an explicit aws provider (no implicit default provider)", () => {
    expect(() => new Network("orphan", { spec: regionPlan("eu-west-1").network })).to.throw(/explicit aws provider/);
  });
});

describe("Network flow logs", () => {
  it("sends all VPC traffic logs to a log group with retention, through a role only VPC Flow Logs can assume", async () => {
    const provider = new aws.Provider("aws-eu-north-1", { region: "eu-north-1" });
    const network = new Network("eu-north-1-network", { spec: regionPlan("eu-north-1").network, flowLogRetentionDays: 14 }, { provider });
    const vpcId = await valueOf(network.vpcId);
    await registered();
    const flowLog = recorder.one("aws:ec2/flowLog:FlowLog");
    expect(flowLog.inputs).to.include({ vpcId, trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
    expect(recorder.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).to.equal(14);
    const trust = JSON.parse(recorder.one("aws:iam/role:Role").inputs.assumeRolePolicy as string);
    expect(trust.Statement[0].Principal).to.deep.equal({ Service: "vpc-flow-logs.amazonaws.com" });
    const policy = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    expect(policy.Statement[0].Resource[0]).to.match(/^arn:aws:logs:eu-north-1:123456789012:log-group:/);
    expect(flowLog.region).to.equal("eu-north-1");
  });
});
