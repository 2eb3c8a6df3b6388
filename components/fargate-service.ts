import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSpec, ContainerHealthCheckSpec, ENDPOINTS_LABEL, RegionalServiceSpec } from "../stacks/plan";
import { assertSecretsReadable, containerEnvironment, containerSecrets, executionRoleStatements } from "./container-env";
import { serviceTrustPolicy } from "./iam";

/** The region's load balancer, as a public service needs it. */
export interface ServiceLoadBalancer {
  /** Security group of the ALB: the only source the service admits on its port (besides Service Connect peers). */
  securityGroupId: pulumi.Input<string>;
  /** The listener the service's rules attach to. */
  listenerArn: pulumi.Input<string>;
  /** `app/<name>/<id>`: for alarms and the requests-per-target metric. */
  arnSuffix: pulumi.Input<string>;
  /** DNS name, for the URL when the plan names no host. */
  dnsName: pulumi.Input<string>;
}

export interface FargateServiceArgs {
  /** The planned service in this region (overrides applied, names chosen). Required. */
  spec: RegionalServiceSpec;
  /** The region (for the awslogs driver and IAM ARNs). Required. */
  region: string;
  /** ECS cluster name (auto scaling resource id, alarm dimension). Required. */
  clusterName: pulumi.Input<string>;
  /** ECS cluster ARN. Required. */
  clusterArn: pulumi.Input<string>;
  /** VPC of the region (security group, target group). Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets: tasks run there, without public IPs. Required. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The region's Service Connect peer security group: every task carries it, and a service admits
   * its container port from it, so `http://<service>:<port>` works between services. Required.
   */
  peerSecurityGroupId: pulumi.Input<string>;
  /** ARN of the region's Service Connect namespace. Required. */
  serviceConnectNamespaceArn: pulumi.Input<string>;
  /** The region's ALB; required when `spec.routing` is set. */
  loadBalancer?: ServiceLoadBalancer;
  /**
   * Resources the ECS service is created after: for a Service Connect client, the region's server
   * services, so its first tasks resolve their endpoints. Default none.
   */
  after?: pulumi.Resource[];
  /**
   * The cluster's capacity-provider association (`FargateCluster.capacityProviders`): the service is
   * created after it and deleted before it (CreateService needs the providers associated; they cannot
   * be disassociated while a service uses them). Default: none.
   */
  capacityProviders?: pulumi.Resource;
  /**
   * Account id of the region's provider (trust-policy conditions, secret ARNs). Default: a
   * `getCallerIdentity` invoke through this component; the program passes the region's one answer.
   */
  accountId?: pulumi.Input<string>;
  /** AWS partition of the region (`aws`, `aws-cn`, `aws-us-gov`). Default: a `getPartition` invoke through this component. */
  partition?: pulumi.Input<string>;
}

/** Whatever a step needs to place a resource under the component. */
interface StepContext {
  /** The component's logical name (prefix of every child's name). */
  name: string;
  args: FargateServiceArgs;
  parent: pulumi.ComponentResource;
}

/**
 * One ECS service on Fargate in one region, with everything that belongs to it alone: log group,
 * task and execution roles, task definition, security group, (for public services) target group
 * and listener rules, auto scaling, and the alarms that roll a bad deployment back. The
 * constructor runs one named step per part (below); logical names are those of the single
 * constructor they replace, so existing stacks see no change.
 */
export class FargateService extends pulumi.ComponentResource {
  public readonly service: aws.ecs.Service;
  public readonly taskDefinition: aws.ecs.TaskDefinition;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  public readonly taskRole: aws.iam.Role;
  public readonly executionRole: aws.iam.Role;
  /** The execution role's policy document; it fails (and with it the deployment) when a secret cannot be read (another account, no KMS key). */
  public readonly executionPolicy: pulumi.Output<string>;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly targetGroup?: aws.lb.TargetGroup;
  /** The service's listener rules (empty for a service without load balancer). */
  public readonly listenerRules: aws.lb.ListenerRule[];
  public readonly scalingTarget?: aws.appautoscaling.Target;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];
  public readonly serviceName: pulumi.Output<string>;
  public readonly serviceArn: pulumi.Output<string>;
  /** Names of the deployment alarms (health gates for rollout tooling). */
  public readonly alarmNames: pulumi.Output<string[]>;
  /** The URL of a public service in this region; undefined for others. */
  public readonly url?: pulumi.Output<string>;
  /** `http://<service>:<port>` inside the region (Service Connect); undefined without containerPort. */
  public readonly internalUrl?: string;

  constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:ecs:FargateService", name, {}, opts);
    const { spec } = args;
    const lb = args.loadBalancer;
    if (spec.routing && !lb) throw new Error(`FargateService ${name}: a public service needs loadBalancer`);
    if (spec.routing && spec.containerPort === undefined) throw new Error(`FargateService ${name}: a public service needs containerPort`);
    const ctx: StepContext = { name, args, parent: this };

    const identity = buildIdentity(ctx);
    this.logGroup = buildLogGroup(ctx);
    const roles = buildRoles(ctx, identity);
    this.taskRole = roles.taskRole;
    this.executionRole = roles.executionRole;
    const executionPolicy = buildExecutionPolicy(ctx, identity, this.executionRole, this.logGroup);
    this.executionPolicy = executionPolicy.policy;
    this.taskDefinition = buildTaskDefinition(ctx, roles, this.logGroup, executionPolicy.resource);
    this.securityGroup = buildSecurityGroup(ctx);
    const routing = buildLoadBalancing(ctx, this.securityGroup);
    this.targetGroup = routing?.targetGroup;
    this.listenerRules = routing?.rules ?? [];
    this.alarms = spec.alarms.map((alarm) => buildAlarm(ctx, alarm, this.targetGroup));
    this.service = buildService(ctx, {
      taskDefinition: this.taskDefinition,
      securityGroup: this.securityGroup,
      loadBalancers: routing?.loadBalancers ?? [],
      rules: this.listenerRules,
      alarms: this.alarms,
    });
    this.scalingTarget = buildScaling(ctx, this.service, this.targetGroup);

    this.serviceName = this.service.name;
    this.serviceArn = this.service.arn;
    this.alarmNames = pulumi.all(this.alarms.map((a) => a.name));
    if (spec.routing && lb) {
      const host = spec.routing.url.host ?? lb.dnsName;
      this.url = pulumi.interpolate`${spec.routing.url.scheme}://${host}${spec.routing.url.path}`;
    }
    this.internalUrl = spec.containerPort === undefined ? undefined : `http://${spec.name}:${spec.containerPort}`;
    this.registerOutputs({ serviceName: this.serviceName, serviceArn: this.serviceArn, alarmNames: this.alarmNames, url: this.url });
  }
}

interface Identity {
  accountId: pulumi.Output<string>;
  partition: pulumi.Output<string>;
}

/** Account and partition through the component, so the region's provider answers (never a default one). */
function buildIdentity({ args, parent }: StepContext): Identity {
  return {
    accountId: pulumi.output(args.accountId ?? aws.getCallerIdentityOutput({}, { parent }).accountId),
    partition: pulumi.output(args.partition ?? aws.getPartitionOutput({}, { parent }).partition),
  };
}

/** The service's log group (`awslogs` driver target). */
function buildLogGroup({ name, args, parent }: StepContext): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(`${name}-logs`, { name: args.spec.logGroupName, retentionInDays: args.spec.logRetentionDays }, { parent });
}

/** Task role (the application's identity) and execution role (ECS: image pull, logs, secrets). */
function buildRoles({ name, args, parent }: StepContext, identity: Identity): { taskRole: aws.iam.Role; executionRole: aws.iam.Role } {
  const { spec, region } = args;
  const assume = serviceTrustPolicy("ecs-tasks.amazonaws.com", {
    accountId: identity.accountId,
    sourceArn: pulumi.interpolate`arn:${identity.partition}:ecs:${region}:${identity.accountId}:*`,
  });
  const taskRole = new aws.iam.Role(
    `${name}-task`,
    { name: spec.taskRoleName, description: `Task role of ${spec.name} in ${region}`, assumeRolePolicy: assume },
    { parent },
  );
  const executionRole = new aws.iam.Role(
    `${name}-exec`,
    { name: spec.executionRoleName, description: `Task execution role of ${spec.name} in ${region}: image pull, logs, secrets`, assumeRolePolicy: assume },
    { parent },
  );
  return { taskRole, executionRole };
}

/** The execution role's inline policy: image pulls, the service's log group, exactly its secrets. */
function buildExecutionPolicy(
  { name, args, parent }: StepContext,
  identity: Identity,
  role: aws.iam.Role,
  logGroup: aws.cloudwatch.LogGroup,
): { resource: aws.iam.RolePolicy; policy: pulumi.Output<string> } {
  const { spec, region } = args;
  // Scoped execution permissions (private ECR repositories of the image, the log group, the
  // secrets and their KMS keys); a secret in another account without its key fails the deployment here.
  const policy = pulumi.all([identity.partition, identity.accountId, logGroup.arn]).apply(([p, a, logArn]) => {
    assertSecretsReadable(Object.fromEntries(Object.entries(spec.secrets).map(([k, v]) => [k, v.ref])), a, `service ${spec.name} in ${region}`);
    const statements = executionRoleStatements({ images: [spec.image], logGroupArns: [logArn], secrets: Object.values(spec.secrets).map((v) => v.ref), partition: p, region, accountId: a });
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
  });
  return { resource: new aws.iam.RolePolicy(`${name}-exec`, { role: role.id, policy }, { parent }), policy };
}

/** The task definition's `healthCheck` (ECS HealthCheck: seconds; startPeriod only when set). */
export function containerHealthCheckDefinition(c: ContainerHealthCheckSpec): Record<string, unknown> {
  return { command: c.command, interval: c.interval, timeout: c.timeout, retries: c.retries, ...(c.startPeriod !== undefined ? { startPeriod: c.startPeriod } : {}) };
}

/**
 * The task definition: one container with the service's image, command/entryPoint, port, container
 * health check, environment, secrets and logs; runtimePlatform from `architecture`. A Service
 * Connect client carries the hash of its region's endpoints as a docker label: a changed endpoint
 * set registers a new revision, so the client's tasks restart and resolve the new endpoints.
 */
function buildTaskDefinition(
  { name, args, parent }: StepContext,
  roles: { taskRole: aws.iam.Role; executionRole: aws.iam.Role },
  logGroup: aws.cloudwatch.LogGroup,
  executionPolicy: aws.iam.RolePolicy,
): aws.ecs.TaskDefinition {
  const { spec, region } = args;
  const port = spec.containerPort;
  const container = {
    name: spec.name,
    image: spec.image,
    essential: true,
    ...(spec.entryPoint ? { entryPoint: spec.entryPoint } : {}),
    ...(spec.command ? { command: spec.command } : {}),
    readonlyRootFilesystem: spec.readonlyRootFilesystem,
    portMappings: port === undefined ? [] : [{ name: "http", containerPort: port, protocol: "tcp", appProtocol: "http" }],
    ...(spec.healthCheck.container ? { healthCheck: containerHealthCheckDefinition(spec.healthCheck.container) } : {}),
    ...(spec.serviceConnect.endpointsHash ? { dockerLabels: { [ENDPOINTS_LABEL]: spec.serviceConnect.endpointsHash } } : {}),
    environment: containerEnvironment(spec.environment),
    secrets: containerSecrets(spec.secrets),
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": spec.name },
    },
  };
  return new aws.ecs.TaskDefinition(
    `${name}-task`,
    {
      family: spec.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(spec.cpu),
      memory: String(spec.memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: spec.architecture === "arm64" ? "ARM64" : "X86_64" },
      taskRoleArn: roles.taskRole.arn,
      executionRoleArn: roles.executionRole.arn,
      containerDefinitions: pulumi.jsonStringify([container]),
    },
    // Tasks of this definition pull and log with the execution role: its permissions come first.
    { parent, dependsOn: [executionPolicy] },
  );
}

/** The service's security group: all outbound; its port from Service Connect peers. */
function buildSecurityGroup({ name, args, parent }: StepContext): aws.ec2.SecurityGroup {
  const { spec } = args;
  const port = spec.containerPort;
  const group = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    {
      vpcId: args.vpcId,
      description: port === undefined ? `Service ${spec.name}: no inbound traffic` : `Service ${spec.name}: port ${port} from ${spec.routing ? "the load balancer and " : ""}Service Connect peers`,
      tags: { Name: `${spec.name}-service` },
    },
    { parent },
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-out`,
    { securityGroupId: group.id, description: "All outbound: image registries, AWS APIs, secrets, Service Connect peers", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" },
    { parent },
  );
  if (port !== undefined) {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-in-peers`,
      {
        securityGroupId: group.id,
        description: `Port ${port} from Service Connect peers in the region`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: args.peerSecurityGroupId,
      },
      { parent },
    );
  }
  return group;
}

/**
 * For a public service: ALB ↔ service security group rules, the target group (its health check on
 * `healthCheck.path`), one listener rule per planned rule (`<name>-rule`, `<name>-rule-2`, …: host
 * header and path, within the ALB's per-rule limits), and with DNS the rule that routes this
 * service's Route 53 health checks.
 */
function buildLoadBalancing(
  { name, args, parent }: StepContext,
  securityGroup: aws.ec2.SecurityGroup,
): { targetGroup: aws.lb.TargetGroup; rules: aws.lb.ListenerRule[]; loadBalancers: aws.types.input.ecs.ServiceLoadBalancer[] } | undefined {
  const { spec } = args;
  const routing = spec.routing;
  const lb = args.loadBalancer;
  const port = spec.containerPort;
  if (!routing || !lb || port === undefined) return undefined;
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-in-alb`,
    { securityGroupId: securityGroup.id, description: `Port ${port} from the load balancer`, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: lb.securityGroupId },
    { parent },
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-alb-out`,
    { securityGroupId: lb.securityGroupId, description: `Load balancer to service ${spec.name} on port ${port}`, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: securityGroup.id },
    { parent },
  );
  const targetGroup = new aws.lb.TargetGroup(
    `${name}-tg`,
    {
      namePrefix: routing.targetGroupNamePrefix,
      vpcId: args.vpcId,
      targetType: "ip",
      port,
      protocol: "HTTP",
      deregistrationDelay: 30,
      healthCheck: {
        enabled: true,
        path: spec.healthCheck.path,
        protocol: "HTTP",
        port: "traffic-port",
        matcher: "200-399",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      tags: { Name: `${spec.name}` },
    },
    { parent },
  );
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  const rules = routing.rules.map(
    (rule, k) =>
      new aws.lb.ListenerRule(
        k === 0 ? `${name}-rule` : `${name}-rule-${k + 1}`,
        {
          listenerArn: lb.listenerArn,
          priority: rule.priority,
          actions: forward,
          conditions: [
            { pathPattern: { values: rule.pathPatterns } },
            ...(rule.hostHeaders.length > 0 ? [{ hostHeader: { values: rule.hostHeaders } }] : []),
          ],
        },
        { parent },
      ),
  );
  if (routing.healthRulePriority !== undefined && routing.healthQuery) {
    rules.push(
      new aws.lb.ListenerRule(
        `${name}-health-rule`,
        {
          listenerArn: lb.listenerArn,
          priority: routing.healthRulePriority,
          actions: forward,
          conditions: [
            // The path only: a query in the health path is matched by the request, not the pattern.
            { pathPattern: { values: [spec.healthCheck.path.split("?")[0]] } },
            { queryStrings: [{ key: routing.healthQuery.key, value: routing.healthQuery.value }] },
          ],
        },
        { parent },
      ),
    );
  }
  return { targetGroup, rules, loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: spec.name, containerPort: port }] };
}

/**
 * The ECS service. `up` waits for steady state unless `deployment.waitForSteadyState` is false, for
 * at most `deployment.timeoutMinutes` (customTimeouts create/update): a deployment that never
 * stabilises fails the update instead of being reported as done.
 */
function buildService(
  { name, args, parent }: StepContext,
  parts: {
    taskDefinition: aws.ecs.TaskDefinition;
    securityGroup: aws.ec2.SecurityGroup;
    loadBalancers: aws.types.input.ecs.ServiceLoadBalancer[];
    rules: aws.lb.ListenerRule[];
    alarms: aws.cloudwatch.MetricAlarm[];
  },
): aws.ecs.Service {
  const { spec } = args;
  const port = spec.containerPort;
  const timeout = `${spec.deployment.timeoutMinutes}m`;
  return new aws.ecs.Service(
    `${name}-service`,
    {
      name: spec.serviceName,
      cluster: args.clusterArn,
      taskDefinition: parts.taskDefinition.arn,
      desiredCount: spec.desiredCount,
      capacityProviderStrategies: spec.capacity.map((c) => ({ capacityProvider: c.capacityProvider, base: c.base, weight: c.weight })),
      networkConfiguration: {
        subnets: args.privateSubnetIds,
        securityGroups: [parts.securityGroup.id, args.peerSecurityGroupId],
        assignPublicIp: false,
      },
      availabilityZoneRebalancing: "ENABLED",
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: parts.alarms.length > 0 ? { alarmNames: parts.alarms.map((a) => a.name), enable: true, rollback: true } : undefined,
      loadBalancers: parts.loadBalancers,
      healthCheckGracePeriodSeconds: spec.routing ? spec.healthCheck.gracePeriodSeconds : undefined,
      serviceConnectConfiguration: {
        enabled: true,
        namespace: args.serviceConnectNamespaceArn,
        services: port === undefined ? undefined : [{ portName: "http", discoveryName: spec.name, clientAlias: [{ port, dnsName: spec.name }] }],
      },
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      waitForSteadyState: spec.deployment.waitForSteadyState,
    },
    {
      parent,
      dependsOn: [...parts.rules, ...(args.after ?? []), ...(args.capacityProviders ? [args.capacityProviders] : [])],
      // Auto scaling owns the task count: an `up` must not reset it.
      ignoreChanges: spec.autoscaling ? ["desiredCount"] : [],
      // The name is fixed (alarms and Service Connect refer to it): a replacement must delete first.
      deleteBeforeReplace: true,
      customTimeouts: { create: timeout, update: timeout },
    },
  );
}

/**
 * Auto scaling: the scalable target, target tracking policies and scheduled actions. A scheduled
 * action sets the target's MinCapacity and MaxCapacity (Application Auto Scaling User Guide,
 * "Scheduled scaling"), so with schedules the target ignores changes to both: a refresh or `up`
 * must not put back the configured range the schedule replaced.
 */
function buildScaling({ name, args, parent }: StepContext, service: aws.ecs.Service, targetGroup: aws.lb.TargetGroup | undefined): aws.appautoscaling.Target | undefined {
  const { spec } = args;
  const a = spec.autoscaling;
  if (!a) return undefined;
  const lb = args.loadBalancer;
  const resourceId = pulumi.interpolate`service/${args.clusterName}/${service.name}`;
  const target = new aws.appautoscaling.Target(
    `${name}-scaling`,
    { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId, minCapacity: a.min, maxCapacity: a.max },
    { parent, ignoreChanges: a.schedule.length > 0 ? ["minCapacity", "maxCapacity"] : [] },
  );
  const track = (suffix: string, metric: string, value: number, resourceLabel?: pulumi.Input<string>) =>
    new aws.appautoscaling.Policy(
      `${name}-${suffix}`,
      {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: value,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
        },
      },
      { parent },
    );
  if (a.cpuTarget !== undefined) track("cpu", "ECSServiceAverageCPUUtilization", a.cpuTarget);
  if (a.memoryTarget !== undefined) track("memory", "ECSServiceAverageMemoryUtilization", a.memoryTarget);
  if (a.requestsPerTarget !== undefined && targetGroup && lb) {
    track("requests", "ALBRequestCountPerTarget", a.requestsPerTarget, pulumi.interpolate`${lb.arnSuffix}/${targetGroup.arnSuffix}`);
  }
  for (const s of a.schedule) {
    new aws.appautoscaling.ScheduledAction(
      `${name}-schedule-${s.key}`,
      {
        name: s.name,
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        schedule: s.cron,
        timezone: s.timezone,
        scalableTargetAction: { minCapacity: s.min, maxCapacity: s.max },
      },
      { parent },
    );
  }
  return target;
}

/** One deployment alarm (a health gate the service rolls back on). */
function buildAlarm({ name, args, parent }: StepContext, alarm: AlarmSpec, targetGroup: aws.lb.TargetGroup | undefined): aws.cloudwatch.MetricAlarm {
  const common = {
    name: alarm.name,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: "notBreaching",
    tags: { Service: args.spec.name },
  };
  const lbDims = () => ({ LoadBalancer: args.loadBalancer!.arnSuffix, TargetGroup: targetGroup!.arnSuffix });
  switch (alarm.kind) {
    case "targetErrorRate":
      return new aws.cloudwatch.MetricAlarm(
        `${name}-alarm-5xx`,
        {
          ...common,
          alarmDescription: `${args.spec.name}: more than ${alarm.threshold}% of requests answered 5xx by the targets for 3 minutes`,
          comparisonOperator: "GreaterThanThreshold",
          threshold: alarm.threshold,
          metricQueries: [
            { id: "rate", expression: "IF(requests > 0, 100 * errors / requests, 0)", label: "Target 5xx rate (%)", returnData: true },
            { id: "errors", metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", period: 60, stat: "Sum", dimensions: lbDims() } },
            { id: "requests", metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", period: 60, stat: "Sum", dimensions: lbDims() } },
          ],
        },
        { parent },
      );
    case "unhealthyTargets":
      return new aws.cloudwatch.MetricAlarm(
        `${name}-alarm-unhealthy`,
        {
          ...common,
          alarmDescription: `${args.spec.name}: unhealthy targets for 3 minutes`,
          namespace: "AWS/ApplicationELB",
          metricName: "UnHealthyHostCount",
          statistic: "Maximum",
          period: 60,
          comparisonOperator: "GreaterThanThreshold",
          threshold: alarm.threshold,
          dimensions: lbDims(),
        },
        { parent },
      );
    case "runningTasks":
      return new aws.cloudwatch.MetricAlarm(
        `${name}-alarm-tasks`,
        {
          ...common,
          alarmDescription: `${args.spec.name}: fewer than ${alarm.threshold} running tasks for 3 minutes`,
          namespace: "ECS/ContainerInsights",
          metricName: "RunningTaskCount",
          statistic: "Minimum",
          period: 60,
          comparisonOperator: "LessThanThreshold",
          threshold: alarm.threshold,
          dimensions: { ClusterName: args.clusterName, ServiceName: args.spec.serviceName },
        },
        { parent },
      );
  }
}
