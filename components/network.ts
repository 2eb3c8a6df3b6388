import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { NetworkSpec } from "../stacks/plan";
import { serviceTrustPolicy } from "./iam";

export interface NetworkArgs {
  /** The planned network: CIDR, AZ count, NAT strategy and exact subnet blocks. Required. */
  spec: NetworkSpec;
  /** Days to keep VPC flow logs. Default 30. */
  flowLogRetentionDays?: number;
}

const NAT_STRATEGY = { perAz: "OnePerAz", single: "Single", none: "None" } as const;

/**
 * A region's VPC: public and private subnets in every AZ with the planner's exact CIDR blocks
 * (awsx.ec2.Vpc does the routing and NAT), DNS hostnames on, and flow logs of all traffic to a
 * CloudWatch log group with retention.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpc: awsx.ec2.Vpc;
  public readonly vpcId: pulumi.Output<string>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:network:Network", name, {}, opts);
    const { spec } = args;
    // awsx components are remote: they do not inherit the parent's aws provider by themselves, and
    // without one their children would use the implicit default provider. Hand it over explicitly.
    const awsProvider = this.getProvider("aws:ec2/vpc:Vpc");
    if (!awsProvider) throw new Error(`Network ${name}: give the component an explicit aws provider ({ provider })`);

    this.vpc = new awsx.ec2.Vpc(
      name,
      {
        cidrBlock: spec.cidr,
        numberOfAvailabilityZones: spec.azCount,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        natGateways: { strategy: NAT_STRATEGY[spec.natGateways] },
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", cidrBlocks: spec.publicSubnetCidrs },
          { type: "Private", cidrBlocks: spec.privateSubnetCidrs },
        ],
        tags: { Name: name },
      },
      { parent: this, providers: { aws: awsProvider } },
    );

    this.vpcId = this.vpc.vpcId;
    this.publicSubnetIds = this.vpc.publicSubnetIds;
    this.privateSubnetIds = this.vpc.privateSubnetIds;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { retentionInDays: args.flowLogRetentionDays ?? 30 },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        description: "Lets VPC Flow Logs deliver to its CloudWatch log group",
        assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com"),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
              Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
            },
          ],
        }),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: this.vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
      },
      { parent: this },
    );
    this.flowLogGroupName = logGroup.name;

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      flowLogGroupName: this.flowLogGroupName,
    });
  }
}
