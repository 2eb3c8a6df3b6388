import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionPlan } from "../stacks/plan";
import { FargateCluster } from "./cluster";
import { Network } from "./network";
import { Alb } from "./alb";
import { FargateService } from "./fargate-service";
import { BatchEnvironment } from "./batch-environment";
import { nextTurn } from "../runtime/turn";

export interface RegionalFootprintArgs {
  /** Everything this region runs, from the planner. Required. */
  plan: RegionPlan;
  /**
   * The zone's one certificate validation record (program.ts creates it with the home region's
   * provider); required when the plan's ALB has HTTPS.
   */
  validationRecord?: pulumi.Input<pulumi.Resource>;
}

/**
 * Everything ecs-fleet runs in one AWS region: the network, the ECS cluster, the Service Connect
 * namespace, the ALB (when a public service runs here), the services, and the AWS Batch environment
 * when jobs run here. Give it the region's explicit provider (`{ provider }`); every child inherits it.
 *
 * The constructor builds the region's shared parts (network, cluster, namespace, ALB); the services
 * and the Batch environment follow one at a time, with a turn of the event loop after each
 * (runtime/turn.ts), and the outputs are registered last. `ready` resolves when all of it is built
 * (and rejects with what a part threw): await it before reading `services` or `batch`.
 */
export class RegionalFootprint extends pulumi.ComponentResource {
  public readonly region: string;
  public readonly network: Network;
  public readonly cluster: FargateCluster;
  public readonly namespace: aws.servicediscovery.HttpNamespace;
  /** Carried by every task; services admit their port from it (Service Connect traffic). */
  public readonly peerSecurityGroup: aws.ec2.SecurityGroup;
  public readonly alb?: Alb;
  public readonly services: Record<string, FargateService> = {};
  public readonly vpcId: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  public readonly albDnsName?: pulumi.Output<string>;
  public readonly albZoneId?: pulumi.Output<string>;
  /** Resolves once every child is constructed and the outputs are registered. */
  public readonly ready: Promise<void>;
  private batchEnvironment?: BatchEnvironment;

  /** AWS Batch queues, job definitions and chains, when jobs run in this region (after `ready`). */
  get batch(): BatchEnvironment | undefined {
    return this.batchEnvironment;
  }

  constructor(name: string, args: RegionalFootprintArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:region:RegionalFootprint", name, {}, opts);
    const { plan } = args;
    this.region = plan.region;
    // One account lookup for the whole region (through the region's provider), handed to every
    // service and the Batch environment: not two provider round trips per service. The partition
    // is known from the region name (the plan's), so nothing asks for it.
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = plan.partition;

    this.network = new Network(`${name}-network`, { spec: plan.network, region: plan.region, accountId, partition }, { parent: this });
    this.cluster = new FargateCluster(`${name}-cluster`, { clusterName: plan.clusterName }, { parent: this });
    this.namespace = new aws.servicediscovery.HttpNamespace(
      `${name}-namespace`,
      { name: plan.serviceConnectNamespace, description: `Service Connect namespace of ${plan.clusterName} in ${plan.region}` },
      { parent: this },
    );
    this.peerSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-peers`,
      {
        vpcId: this.network.vpcId,
        // A marker only (no rules): tasks' outbound traffic is allowed by their service's own group.
        description: "Service Connect peers: every task carries this group; services admit their port from it",
        tags: { Name: `${plan.clusterName}-peers` },
      },
      { parent: this },
    );
    if (plan.alb) {
      this.alb = new Alb(
        `${name}-alb`,
        { spec: plan.alb, vpcId: this.network.vpcId, publicSubnetIds: this.network.publicSubnetIds, validationRecord: args.validationRecord, accountId },
        { parent: this },
      );
    }

    this.vpcId = this.network.vpcId;
    this.clusterName = this.cluster.clusterName;
    this.clusterArn = this.cluster.clusterArn;
    this.albDnsName = this.alb?.dnsName;
    this.albZoneId = this.alb?.zoneId;
    this.ready = this.buildWorkloads(name, plan, accountId, partition);
  }

  /** The services (servers first), then the Batch environment, a turn after each; outputs last. */
  private async buildWorkloads(name: string, plan: RegionPlan, accountId: pulumi.Output<string>, partition: string): Promise<void> {
    // Service Connect: tasks resolve only the endpoints that exist when they start (Amazon ECS
    // Developer Guide, "Amazon ECS Service Connect components":
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html).
    // So the services that expose an endpoint are created first, and the clients after them.
    const servers = plan.services.filter((s) => s.serviceConnect.server);
    const clients = plan.services.filter((s) => !s.serviceConnect.server);
    const built: Record<string, FargateService> = {};
    for (const spec of [...servers, ...clients]) {
      await nextTurn();
      const after = spec.serviceConnect.server ? [] : servers.map((s) => built[s.name].service);
      built[spec.name] = new FargateService(
        `${name}-${spec.name}`,
        {
          spec,
          region: plan.region,
          clusterName: this.cluster.clusterName,
          clusterArn: this.cluster.clusterArn,
          vpcId: this.network.vpcId,
          privateSubnetIds: this.network.privateSubnetIds,
          peerSecurityGroupId: this.peerSecurityGroup.id,
          serviceConnectNamespaceArn: this.namespace.arn,
          capacityProviders: this.cluster.capacityProviders,
          accountId,
          partition,
          loadBalancer:
            spec.routing && this.alb
              ? { securityGroupId: this.alb.securityGroupId, listenerArn: this.alb.listenerArn, arnSuffix: this.alb.arnSuffix, dnsName: this.alb.dnsName }
              : undefined,
          after,
        },
        { parent: this },
      );
    }
    for (const spec of plan.services) this.services[spec.name] = built[spec.name];
    if (plan.batch) {
      await nextTurn();
      this.batchEnvironment = new BatchEnvironment(
        `${name}-batch`,
        { region: plan.region, vpcId: this.network.vpcId, subnetIds: this.network.privateSubnetIds, plan: plan.batch, accountId, partition },
        { parent: this },
      );
    }

    this.registerOutputs({ vpcId: this.vpcId, clusterName: this.clusterName, clusterArn: this.clusterArn, albDnsName: this.albDnsName });
  }
}
