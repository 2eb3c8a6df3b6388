import { PolicyContext, PolicyResource, Rule } from "../types";
import { effectiveTags, isUnknown, regionOf } from "../util";

/** The tag keys every taggable resource carries (set once through the provider's defaultTags). */
export const REQUIRED_TAGS = ["Project", "Stack", "Region"] as const;

/** Taggable resource types this program creates (or may create). Types outside the list are not checked. */
export const TAGGABLE_TYPES = [
  "aws:ecs/cluster:Cluster",
  "aws:ecs/service:Service",
  "aws:ecs/taskDefinition:TaskDefinition",
  "aws:ecs/capacityProvider:CapacityProvider",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/targetGroup:TargetGroup",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:alb/loadBalancer:LoadBalancer",
  "aws:alb/targetGroup:TargetGroup",
  "aws:alb/listener:Listener",
  "aws:alb/listenerRule:ListenerRule",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/flowLog:FlowLog",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:iam/role:Role",
  "aws:iam/policy:Policy",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:ssm/activation:Activation",
  "aws:ssm/parameter:Parameter",
  "aws:batch/computeEnvironment:ComputeEnvironment",
  "aws:batch/jobQueue:JobQueue",
  "aws:batch/jobDefinition:JobDefinition",
  "aws:batch/schedulingPolicy:SchedulingPolicy",
  "aws:sfn/stateMachine:StateMachine",
  "aws:appautoscaling/target:Target",
  "aws:servicediscovery/httpNamespace:HttpNamespace",
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
  "aws:servicediscovery/service:Service",
  "aws:acm/certificate:Certificate",
  "aws:route53/healthCheck:HealthCheck",
  "aws:route53/zone:Zone",
  "aws:scheduler/scheduleGroup:ScheduleGroup",
  "aws:secretsmanager/secret:Secret",
  "aws:ecr/repository:Repository",
  "aws:kms/key:Key",
  "aws:sns/topic:Topic",
  "aws:s3/bucket:Bucket",
];

/** The value a required tag must have, when it can be known. */
function expected(key: (typeof REQUIRED_TAGS)[number], r: PolicyResource, ctx: PolicyContext): string | undefined {
  if (key === "Project") return ctx.project || undefined;
  if (key === "Stack") return ctx.stack || undefined;
  return regionOf(r);
}

/**
 * Cost reports, inventories and incident response find resources by project, stack and region. The
 * tags are expected from the provider's `defaultTags` (effective tags = provider defaultTags ∪ tags ∪
 * tagsAll); Project and Stack must equal the stack's project and name, Region the resource's region
 * when it is known.
 */
export const tagsRequired: Rule = {
  name: "tags-required",
  description: "Every taggable resource must carry the Project, Stack and Region tags.",
  level: "mandatory",
  types: TAGGABLE_TYPES,
  check(r, ctx) {
    if (isUnknown(r.props.tags) || isUnknown(r.provider?.props.defaultTags)) return [];
    const tags = effectiveTags(r);
    const out: string[] = [];
    const absent = REQUIRED_TAGS.filter((k) => tags[k] === undefined || tags[k] === "");
    if (absent.length > 0) {
      out.push(`missing tag${absent.length > 1 ? "s" : ""} ${absent.join(", ")}: set them in the provider's defaultTags.tags (or the resource's tags)`);
    }
    for (const key of REQUIRED_TAGS) {
      const want = expected(key, r, ctx);
      const got = tags[key];
      if (got !== undefined && got !== "" && want !== undefined && !isUnknown(got) && got !== want) {
        out.push(`tag ${key} is "${got}" but should be "${want}": fix the provider's defaultTags`);
      }
    }
    return out;
  },
};
