import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";

export interface FargateClusterArgs {
  /** Physical cluster name (from the naming helper). Required. */
  clusterName: string;
  /** CloudWatch Container Insights level. Default "enabled". */
  containerInsights?: "enabled" | "enhanced";
}

/**
 * An ECS cluster for Fargate: Container Insights on, FARGATE and FARGATE_SPOT capacity providers,
 * FARGATE as the default strategy (services choose Spot explicitly).
 */
export class FargateCluster extends pulumi.ComponentResource {
  public readonly cluster: aws.ecs.Cluster;
  /**
   * The FARGATE / FARGATE_SPOT association. Services that name a capacity provider must depend on it:
   * CreateService needs the providers associated with the cluster, and PutClusterCapacityProviders
   * cannot remove a provider that a service's strategy still uses, so services go first on delete.
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCapacityProvider.html
   */
  public readonly capacityProviders: aws.ecs.ClusterCapacityProviders;
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;

  constructor(name: string, args: FargateClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:ecs:FargateCluster", name, {}, opts);

    this.cluster = new aws.ecs.Cluster(
      name,
      {
        name: args.clusterName,
        settings: [{ name: "containerInsights", value: args.containerInsights ?? "enabled" }],
      },
      { parent: this },
    );

    this.capacityProviders = new aws.ecs.ClusterCapacityProviders(
      name,
      {
        clusterName: this.cluster.name,
        capacityProviders: ["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
      },
      { parent: this },
    );

    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.registerOutputs({ clusterName: this.clusterName, clusterArn: this.clusterArn });
  }
}
