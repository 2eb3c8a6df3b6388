/**
 * Which input changes make the provider replace a resource (delete and create, or create and
 * delete) instead of updating it in place, for every resource type this program creates.
 *
 * @pulumi/aws is bridged from the Terraform AWS provider: an argument marked `ForceNew` in the
 * Terraform schema forces a replacement in Pulumi too. Each row cites the Terraform provider's page
 * for the type, whose argument list marks those arguments "(Forces new resource)" / "Changing this
 * forces a new resource". Input names are the @pulumi/aws (camelCase) names. A path such as
 * `computeResources.type` matches that nested argument only. Checked against the provider docs on
 * 2026-12-01 (@pulumi/aws 7.48, Terraform AWS provider 6.x).
 */

const TF = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/";

export interface ReplacementRule {
  /** Inputs whose change forces a new resource; `*` = every input but the ones in `except`. */
  forceNew: readonly string[];
  /** With `*`: inputs that update in place. */
  except?: readonly string[];
  /** Where the table row comes from. */
  source: string;
  /** What the replacement means, when it is more than "a new one". */
  note?: string;
}

export const REPLACEMENT_TABLE: Readonly<Record<string, ReplacementRule>> = {
  "pulumi:providers:aws": {
    forceNew: ["region"],
    source: "https://www.pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration",
    note: "a provider whose region changes replaces every resource it manages",
  },
  "awsx:ec2:Vpc": {
    forceNew: ["cidrBlock", "numberOfAvailabilityZones", "availabilityZoneNames", "subnetSpecs", "subnetStrategy"],
    source: `${TF}vpc (cidr_block) and ${TF}subnet (cidr_block, availability_zone): the VPC and subnets awsx creates`,
    note: "the VPC or its subnets are recreated: every ENI, task and load balancer in them moves",
  },
  "aws:ecs/cluster:Cluster": { forceNew: ["name"], source: `${TF}ecs_cluster` },
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": { forceNew: ["clusterName"], source: `${TF}ecs_cluster_capacity_providers` },
  "aws:ecs/service:Service": {
    forceNew: ["name", "cluster", "launchType", "iamRole", "schedulingStrategy", "deploymentController", "serviceRegistries"],
    source: `${TF}ecs_service`,
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    forceNew: ["*"],
    except: ["tags", "skipDestroy", "trackLatest"],
    source: `${TF}ecs_task_definition`,
    note: "a new task definition revision; the service then rolls its tasks onto it",
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    forceNew: ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
    source: `${TF}lb`,
    note: "a new load balancer gets a new DNS name",
  },
  "aws:lb/targetGroup:TargetGroup": {
    forceNew: ["name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType"],
    source: `${TF}lb_target_group`,
  },
  "aws:lb/listener:Listener": { forceNew: ["loadBalancerArn"], source: `${TF}lb_listener` },
  "aws:lb/listenerRule:ListenerRule": { forceNew: ["listenerArn"], source: `${TF}lb_listener_rule` },
  "aws:acm/certificate:Certificate": {
    forceNew: ["domainName", "subjectAlternativeNames", "keyAlgorithm", "certificateAuthorityArn"],
    source: `${TF}acm_certificate`,
  },
  "aws:acm/certificateValidation:CertificateValidation": {
    forceNew: ["certificateArn", "validationRecordFqdns"],
    source: `${TF}acm_certificate_validation`,
  },
  "aws:route53/record:Record": { forceNew: ["zoneId", "name"], source: `${TF}route53_record` },
  "aws:route53/healthCheck:HealthCheck": {
    forceNew: ["type", "requestInterval", "measureLatency", "referenceName", "routingControlArn"],
    source: `${TF}route53_health_check`,
  },
  "aws:cloudwatch/logGroup:LogGroup": { forceNew: ["name", "namePrefix", "logGroupClass"], source: `${TF}cloudwatch_log_group` },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { forceNew: ["name"], source: `${TF}cloudwatch_metric_alarm` },
  "aws:iam/role:Role": { forceNew: ["name", "namePrefix", "path"], source: `${TF}iam_role` },
  "aws:iam/rolePolicy:RolePolicy": { forceNew: ["name", "namePrefix", "role"], source: `${TF}iam_role_policy` },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { forceNew: ["role", "policyArn"], source: `${TF}iam_role_policy_attachment` },
  "aws:s3/bucket:Bucket": { forceNew: ["bucket", "bucketPrefix", "objectLockEnabled"], source: `${TF}s3_bucket` },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { forceNew: ["bucket"], source: `${TF}s3_bucket_ownership_controls` },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { forceNew: ["bucket"], source: `${TF}s3_bucket_public_access_block` },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    forceNew: ["bucket", "expectedBucketOwner"],
    source: `${TF}s3_bucket_server_side_encryption_configuration`,
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    forceNew: ["bucket", "expectedBucketOwner"],
    source: `${TF}s3_bucket_lifecycle_configuration`,
  },
  "aws:s3/bucketPolicy:BucketPolicy": { forceNew: ["bucket"], source: `${TF}s3_bucket_policy` },
  "aws:ec2/securityGroup:SecurityGroup": { forceNew: ["name", "namePrefix", "description", "vpcId"], source: `${TF}security_group` },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { forceNew: ["securityGroupId"], source: `${TF}vpc_security_group_ingress_rule` },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { forceNew: ["securityGroupId"], source: `${TF}vpc_security_group_egress_rule` },
  "aws:ec2/flowLog:FlowLog": { forceNew: ["*"], except: ["tags"], source: `${TF}flow_log` },
  "aws:servicediscovery/httpNamespace:HttpNamespace": { forceNew: ["name"], source: `${TF}service_discovery_http_namespace` },
  "aws:ssm/activation:Activation": {
    forceNew: ["*"],
    except: ["tags"],
    source: `${TF}ssm_activation`,
    note: "a new activation code: hosts not yet registered need the new registration command",
  },
  "aws:batch/computeEnvironment:ComputeEnvironment": {
    forceNew: ["name", "namePrefix", "type", "computeResources.type"],
    source: `${TF}batch_compute_environment`,
  },
  "aws:batch/jobQueue:JobQueue": { forceNew: ["name"], source: `${TF}batch_job_queue` },
  "aws:batch/jobDefinition:JobDefinition": {
    forceNew: ["name", "type"],
    source: `${TF}batch_job_definition`,
    note: "other changes register a new revision in place",
  },
  "aws:sfn/stateMachine:StateMachine": { forceNew: ["name", "namePrefix", "type"], source: `${TF}sfn_state_machine` },
  "aws:scheduler/schedule:Schedule": { forceNew: ["name", "namePrefix", "groupName"], source: `${TF}scheduler_schedule` },
  "aws:appautoscaling/target:Target": {
    forceNew: ["resourceId", "scalableDimension", "serviceNamespace"],
    source: `${TF}appautoscaling_target`,
  },
  "aws:appautoscaling/policy:Policy": {
    forceNew: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
    source: `${TF}appautoscaling_policy`,
  },
  "aws:appautoscaling/scheduledAction:ScheduledAction": {
    forceNew: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
    source: `${TF}appautoscaling_scheduled_action`,
  },
};

/**
 * Resources whose deletion loses data or breaks something shared outside this stack: logs, stored
 * objects, certificates other listeners may use, DNS names clients resolve, networks, clusters other
 * workloads run in, activations hosts registered with.
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  "aws:cloudwatch/logGroup:LogGroup": "its log events are deleted",
  "aws:s3/bucket:Bucket": "its objects (access logs) are deleted",
  "aws:acm/certificate:Certificate": "listeners using it lose their certificate",
  "aws:route53/record:Record": "clients stop resolving the name",
  "awsx:ec2:Vpc": "the network and everything in it goes",
  "aws:ecs/cluster:Cluster": "every service and task in the cluster goes",
  "aws:ssm/activation:Activation": "hosts can no longer register with it",
  "aws:lb/loadBalancer:LoadBalancer": "its DNS name stops answering",
  "aws:servicediscovery/httpNamespace:HttpNamespace": "Service Connect names in it stop resolving",
  "aws:batch/jobQueue:JobQueue": "queued jobs are lost",
  "aws:route53/healthCheck:HealthCheck": "DNS failover for the name stops",
};

/** Does a change at `path` (e.g. `computeResources.type`, `containerDefinitions[0].image`) match `key`? */
function under(path: string, key: string): boolean {
  return path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
}

/**
 * The changed input paths that force a replacement of a resource of `type`; `undefined` when the
 * type is not in the table (the diff says so instead of guessing).
 */
export function replacingPaths(type: string, changed: readonly string[]): string[] | undefined {
  const rule = REPLACEMENT_TABLE[type];
  if (!rule) return undefined;
  return changed.filter((path) => {
    if (rule.forceNew.includes("*")) return !(rule.except ?? []).some((k) => under(path, k));
    return rule.forceNew.some((k) => under(path, k));
  });
}
