import * as pulumi from "@pulumi/pulumi";
import { RegionPlan } from "../stacks/plan";
import { FargateCluster } from "./cluster";
import { Network } from "./network";
import { BatchEnvironment } from "./batch-environment";

export interface RegionalFootprintArgs {
  /** Everything this region runs, from the planner. Required. */
  plan: RegionPlan;
}

/**
 * Everything ecs-fleet runs in one AWS region: the network, the ECS cluster, and the AWS Batch
 * environment when jobs run here. Give it the
 * region's explicit provider (`{ provider }`); every child inherits it.
 */
export class RegionalFootprint extends pulumi.ComponentResource {
  public readonly region: string;
  public readonly network: Network;
  public readonly cluster: FargateCluster;
  public readonly vpcId: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  /** AWS Batch queues, job definitions and chains, when jobs run in this region. */
  public readonly batch?: BatchEnvironment;

  constructor(name: string, args: RegionalFootprintArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:region:RegionalFootprint", name, {}, opts);
    const { plan } = args;
    this.region = plan.region;

    this.network = new Network(`${name}-network`, { spec: plan.network }, { parent: this });
    this.cluster = new FargateCluster(`${name}-cluster`, { clusterName: plan.clusterName }, { parent: this });
    if (plan.batch) {
      this.batch = new BatchEnvironment(
        `${name}-batch`,
        { region: plan.region, vpcId: this.network.vpcId, subnetIds: this.network.privateSubnetIds, plan: plan.batch },
        { parent: this },
      );
    }

    this.vpcId = this.network.vpcId;
    this.clusterName = this.cluster.clusterName;
    this.clusterArn = this.cluster.clusterArn;
    this.registerOutputs({ vpcId: this.vpcId, clusterName: this.clusterName, clusterArn: this.clusterArn });
  }
}
