import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSpec, RegionalServiceSpec } from "../stacks/plan";
import { containerEnvironment, containerSecrets, secretReadStatements } from "./container-env";
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
   * Account id of the region's provider (trust-policy conditions, secret ARNs). Default: a
   * `getCallerIdentity` invoke through this component; the program passes the region's one answer.
   */
  accountId?: pulumi.Input<string>;
  /** AWS partition of the region (`aws`, `aws-cn`, `aws-us-gov`). Default: a `getPartition` invoke through this component. */
  partition?: pulumi.Input<string>;
}

/**
 * One ECS service on Fargate in one region, with everything that belongs to it alone: log group,
 * task and execution roles, task definition, security group, (for public services) target group
 * and listener rules, auto scaling, and the alarms that roll a bad deployment back.
 */
export class FargateService extends pulumi.ComponentResource {
  public readonly service: aws.ecs.Service;
  public readonly taskDefinition: aws.ecs.TaskDefinition;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  public readonly taskRole: aws.iam.Role;
  public readonly executionRole: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly targetGroup?: aws.lb.TargetGroup;
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
    const { spec, region } = args;
    const routing = spec.routing;
    const lb = args.loadBalancer;
    if (routing && !lb) throw new Error(`FargateService ${name}: a public service needs loadBalancer`);
    if (routing && spec.containerPort === undefined) throw new Error(`FargateService ${name}: a public service needs containerPort`);

    // Account and partition through this component, so the region's provider answers (never a default one).
    const identity = { accountId: pulumi.output(args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId) };
    const partition = { partition: pulumi.output(args.partition ?? aws.getPartitionOutput({}, { parent: this }).partition) };

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: spec.logGroupName, retentionInDays: spec.logRetentionDays },
      { parent: this },
    );

    const assume = serviceTrustPolicy("ecs-tasks.amazonaws.com", {
      accountId: identity.accountId,
      sourceArn: pulumi.interpolate`arn:${partition.partition}:ecs:${region}:${identity.accountId}:*`,
    });
    this.taskRole = new aws.iam.Role(
      `${name}-task`,
      { name: spec.taskRoleName, description: `Task role of ${spec.name} in ${region}`, assumeRolePolicy: assume },
      { parent: this },
    );
    this.executionRole = new aws.iam.Role(
      `${name}-exec`,
      { name: spec.executionRoleName, description: `Task execution role of ${spec.name} in ${region}: image pull, logs, secrets`, assumeRolePolicy: assume },
      { parent: this },
    );

    const secretStatements = pulumi
      .all([partition.partition, identity.accountId])
      .apply(([p, a]) => secretReadStatements(Object.values(spec.secrets).map((s) => s.ref), p, region, a));
    const executionPolicy = pulumi.all([secretStatements, this.logGroup.arn]).apply(([secrets, logArn]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "PullImages", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: "*" },
          { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logArn}:*` },
          ...secrets,
        ],
      }),
    );
    new aws.iam.RolePolicy(`${name}-exec`, { role: this.executionRole.id, policy: executionPolicy }, { parent: this });

    const port = spec.containerPort;
    const container = {
      name: spec.name,
      image: spec.image,
      essential: true,
      readonlyRootFilesystem: spec.readonlyRootFilesystem,
      portMappings: port === undefined ? [] : [{ name: "http", containerPort: port, protocol: "tcp", appProtocol: "http" }],
      environment: containerEnvironment(spec.environment),
      secrets: containerSecrets(spec.secrets),
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": this.logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": spec.name },
      },
    };
    this.taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: spec.family,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(spec.cpu),
        memory: String(spec.memory),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        taskRoleArn: this.taskRole.arn,
        executionRoleArn: this.executionRole.arn,
        containerDefinitions: pulumi.jsonStringify([container]),
      },
      { parent: this },
    );

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: port === undefined ? `Service ${spec.name}: no inbound traffic` : `Service ${spec.name}: port ${port} from ${routing ? "the load balancer and " : ""}Service Connect peers`,
        tags: { Name: `${spec.name}-service` },
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-out`,
      {
        securityGroupId: this.securityGroup.id,
        description: "All outbound: image registries, AWS APIs, secrets, Service Connect peers",
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
      },
      { parent: this },
    );
    if (port !== undefined) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-in-peers`,
        {
          securityGroupId: this.securityGroup.id,
          description: `Port ${port} from Service Connect peers in the region`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: args.peerSecurityGroupId,
        },
        { parent: this },
      );
    }

    let ruleDependencies: pulumi.Resource[] = [];
    const loadBalancers: aws.types.input.ecs.ServiceLoadBalancer[] = [];
    if (routing && lb && port !== undefined) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-in-alb`,
        {
          securityGroupId: this.securityGroup.id,
          description: `Port ${port} from the load balancer`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: lb.securityGroupId,
        },
        { parent: this },
      );
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-alb-out`,
        {
          securityGroupId: lb.securityGroupId,
          description: `Load balancer to service ${spec.name} on port ${port}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: this.securityGroup.id,
        },
        { parent: this },
      );
      this.targetGroup = new aws.lb.TargetGroup(
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
        { parent: this },
      );
      const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];
      const rule = new aws.lb.ListenerRule(
        `${name}-rule`,
        {
          listenerArn: lb.listenerArn,
          priority: routing.priority,
          actions: forward,
          conditions: [
            { pathPattern: { values: [routing.path] } },
            ...(routing.hostHeaders.length > 0 ? [{ hostHeader: { values: routing.hostHeaders } }] : []),
          ],
        },
        { parent: this },
      );
      ruleDependencies = [rule];
      if (routing.healthRulePriority !== undefined && routing.healthQuery) {
        ruleDependencies.push(
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
            { parent: this },
          ),
        );
      }
      loadBalancers.push({ targetGroupArn: this.targetGroup.arn, containerName: spec.name, containerPort: port });
    }

    this.alarms = spec.alarms.map((alarm) => this.alarm(name, alarm, args));

    this.service = new aws.ecs.Service(
      `${name}-service`,
      {
        name: spec.serviceName,
        cluster: args.clusterArn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: spec.desiredCount,
        capacityProviderStrategies: spec.capacity.map((c) => ({ capacityProvider: c.capacityProvider, base: c.base, weight: c.weight })),
        networkConfiguration: {
          subnets: args.privateSubnetIds,
          securityGroups: [this.securityGroup.id, args.peerSecurityGroupId],
          assignPublicIp: false,
        },
        availabilityZoneRebalancing: "ENABLED",
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: this.alarms.length > 0 ? { alarmNames: this.alarms.map((a) => a.name), enable: true, rollback: true } : undefined,
        loadBalancers,
        healthCheckGracePeriodSeconds: routing ? spec.healthCheck.gracePeriodSeconds : undefined,
        serviceConnectConfiguration: {
          enabled: true,
          namespace: args.serviceConnectNamespaceArn,
          services:
            port === undefined
              ? undefined
              : [{ portName: "http", discoveryName: spec.name, clientAlias: [{ port, dnsName: spec.name }] }],
        },
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
      },
      {
        parent: this,
        dependsOn: ruleDependencies,
        // Auto scaling owns the task count: an `up` must not reset it.
        ignoreChanges: spec.autoscaling ? ["desiredCount"] : [],
        // The name is fixed (alarms and Service Connect refer to it): a replacement must delete first.
        deleteBeforeReplace: true,
      },
    );

    if (spec.autoscaling) {
      const a = spec.autoscaling;
      const resourceId = pulumi.interpolate`service/${args.clusterName}/${this.service.name}`;
      const target = new aws.appautoscaling.Target(
        `${name}-scaling`,
        { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId, minCapacity: a.min, maxCapacity: a.max },
        { parent: this },
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
          { parent: this },
        );
      if (a.cpuTarget !== undefined) track("cpu", "ECSServiceAverageCPUUtilization", a.cpuTarget);
      if (a.memoryTarget !== undefined) track("memory", "ECSServiceAverageMemoryUtilization", a.memoryTarget);
      if (a.requestsPerTarget !== undefined && this.targetGroup && lb) {
        track("requests", "ALBRequestCountPerTarget", a.requestsPerTarget, pulumi.interpolate`${lb.arnSuffix}/${this.targetGroup.arnSuffix}`);
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
          { parent: this },
        );
      }
    }

    this.serviceName = this.service.name;
    this.serviceArn = this.service.arn;
    this.alarmNames = pulumi.all(this.alarms.map((a) => a.name));
    if (routing && lb) {
      const host = routing.url.host ?? lb.dnsName;
      this.url = pulumi.interpolate`${routing.url.scheme}://${host}${routing.url.path}`;
    }
    this.internalUrl = port === undefined ? undefined : `http://${spec.name}:${port}`;
    this.registerOutputs({ serviceName: this.serviceName, serviceArn: this.serviceArn, alarmNames: this.alarmNames, url: this.url });
  }

  private alarm(name: string, alarm: AlarmSpec, args: FargateServiceArgs): aws.cloudwatch.MetricAlarm {
    const common = {
      name: alarm.name,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      tags: { Service: args.spec.name },
    };
    const lbDims = () => ({ LoadBalancer: args.loadBalancer!.arnSuffix, TargetGroup: this.targetGroup!.arnSuffix });
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
          { parent: this },
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
          { parent: this },
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
          { parent: this },
        );
    }
  }
}
