import * as aws from "./aws";
// The ec2 module alone: the package index also loads awsx.ecs, which loads the AWS SDK's ECS client (~100 ms).
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { NetworkSpec } from "../stacks/plan";
import { serviceTrustPolicy } from "./iam";

export interface NetworkArgs {
  /** The planned network: CIDR, AZ count, NAT strategy and exact subnet blocks. Required. */
  spec: NetworkSpec;
  /** Days to keep VPC flow logs. Default 30. */
  flowLogRetentionDays?: number;
  /** The region (for the flow-log role's `aws:SourceArn` condition). Default: the provider's region (an invoke). */
  region?: string;
  /** Account id of the region's provider (the flow-log role's `aws:SourceAccount`). Default: a `getCallerIdentity` invoke. */
  accountId?: pulumi.Input<string>;
  /** AWS partition of the region. Default: a `getPartition` invoke. */
  partition?: pulumi.Input<string>;
}

/**
 * What VPC Flow Logs needs to publish to an existing log group (Amazon VPC User Guide, "IAM role for
 * publishing flow logs to CloudWatch Logs": CreateLogStream, PutLogEvents, DescribeLogGroups,
 * DescribeLogStreams; CreateLogGroup only when the service must create the group, which here exists).
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
 * `logs:DescribeLogGroups` takes no resource ARN (it lists groups): granted on an ARN it grants nothing,
 * so it stands alone on `*`; the writes are scoped to the one group and its streams.
 */
export function flowLogStatements<T>(logGroupArn: T): Record<string, unknown>[] {
  return [
    {
      Sid: "WriteFlowLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [logGroupArn, typeof logGroupArn === "string" ? `${logGroupArn}:*` : pulumi.interpolate`${logGroupArn}:*`],
    },
    { Sid: "FindLogGroup", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
  ];
}

const NAT_STRATEGY = { perAz: "OnePerAz", single: "Single", none: "None" } as const;

/**
 * A region's VPC: public and private subnets in every AZ with the planner's exact CIDR blocks
 * (awsx.ec2.Vpc does the routing and NAT), DNS hostnames on, and flow logs of all traffic to a
 * CloudWatch log group with retention.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpc: awsxEc2.Vpc;
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

    this.vpc = new awsxEc2.Vpc(
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
    // Confused-deputy guard as the VPC docs recommend: the source account owns the flow log, the
    // source ARN is the flow log's (`vpc-flow-log/*` before its id is known).
    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    const accountId = pulumi.output(args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId);
    const partition = pulumi.output(args.partition ?? aws.getPartitionOutput({}, { parent: this }).partition);
    const region = args.region ?? aws.getRegionOutput({}, { parent: this }).name;
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        description: "Lets VPC Flow Logs deliver to its CloudWatch log group",
        assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", {
          accountId,
          sourceArn: pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*`,
        }),
      },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: flowLogStatements(logGroup.arn),
        }),
      },
      { parent: this },
    );
    // Created after the role may write (the service checks the role when the flow log is created).
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: this.vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
      },
      { parent: this, dependsOn: [rolePolicy] },
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
