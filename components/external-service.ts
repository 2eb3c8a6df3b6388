import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { SiteServiceSpec } from "../stacks/plan";
import { SiteNetworkMode } from "../stacks/sections/sites";
import { containerEnvironment, containerSecrets } from "./container-env";
import { containerHealthCheckDefinition } from "./fargate-service";

export interface ExternalServiceArgs {
  /** The service as planned for this site (names, image, size, count, port, deployment bounds, environment, secrets). Required. */
  spec: SiteServiceSpec;
  /** ARN of the site's ECS cluster. Required. */
  clusterArn: pulumi.Input<string>;
  /** Task network mode on the hosts: bridge or host. Required (the site's networkMode). */
  networkMode: SiteNetworkMode;
  /**
   * ARN of the task execution role (image pulls, awslogs, and reading `spec.secrets`: the caller grants
   * it, e.g. the site's role scoped to its services' secrets). Required.
   */
  executionRoleArn: pulumi.Input<string>;
  /** CloudWatch log group the container logs go to. Required. */
  logGroupName: pulumi.Input<string>;
  /** Region of the log group (the site's home region), for the awslogs driver. Required. */
  region: string;
  /**
   * What tasks need before they can start: the execution role's policies. The task definition (and
   * so the service) is created after them and deleted before them. Default: none.
   */
  executionReady?: pulumi.Resource[];
}

/**
 * One service on a site's external instances (ECS Anywhere): an EXTERNAL task definition (bridge or
 * host networking, the container port published on the same host port, memory as a reservation, the
 * service's environment and secrets, its read-only root filesystem setting, its command, entry
 * point and container health check) and
 * an ECS service with launch type EXTERNAL — no load balancer, no service discovery, no Service
 * Connect, no capacity provider: none of them exists for external instances. Tasks spread over
 * hosts; where each task holds a host port, at most one runs per host (distinctInstance).
 */
export class ExternalService extends pulumi.ComponentResource {
  public readonly taskDefinition: aws.ecs.TaskDefinition;
  public readonly service: aws.ecs.Service;
  public readonly serviceName: pulumi.Output<string>;
  public readonly taskDefinitionArn: pulumi.Output<string>;

  constructor(name: string, args: ExternalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:onprem:ExternalService", name, {}, opts);
    const { spec } = args;

    const portMappings =
      spec.containerPort === undefined
        ? []
        : [{ containerPort: spec.containerPort, hostPort: spec.containerPort, protocol: "tcp" }];

    this.taskDefinition = new aws.ecs.TaskDefinition(
      name,
      {
        family: spec.family,
        requiresCompatibilities: ["EXTERNAL"],
        networkMode: args.networkMode,
        executionRoleArn: args.executionRoleArn,
        containerDefinitions: pulumi.jsonStringify([
          {
            name: spec.name,
            image: spec.image,
            essential: true,
            ...(spec.entryPoint ? { entryPoint: spec.entryPoint } : {}),
            ...(spec.command ? { command: spec.command } : {}),
            ...(spec.containerHealthCheck ? { healthCheck: containerHealthCheckDefinition(spec.containerHealthCheck) } : {}),
            cpu: spec.cpu,
            memoryReservation: spec.memory,
            readonlyRootFilesystem: spec.readonlyRootFilesystem,
            portMappings,
            environment: containerEnvironment(spec.environment),
            secrets: containerSecrets(spec.secrets),
            logConfiguration: {
              logDriver: "awslogs",
              options: {
                "awslogs-group": args.logGroupName,
                "awslogs-region": args.region,
                "awslogs-stream-prefix": spec.name,
              },
            },
          },
        ]),
      },
      { parent: this, dependsOn: args.executionReady ?? [] },
    );

    this.service = new aws.ecs.Service(
      name,
      {
        name: spec.serviceName,
        cluster: args.clusterArn,
        taskDefinition: this.taskDefinition.arn,
        launchType: "EXTERNAL",
        desiredCount: spec.desiredCount,
        deploymentMinimumHealthyPercent: spec.deployment.minimumHealthyPercent,
        deploymentMaximumPercent: spec.deployment.maximumPercent,
        // Supported with the rolling-update controller whatever the launch type: a task that cannot
        // start on the hosts stops the deployment and rolls it back.
        deploymentCircuitBreaker: { enable: true, rollback: true },
        orderedPlacementStrategies: [{ type: "spread", field: "instanceId" }],
        placementConstraints: spec.oneTaskPerHost ? [{ type: "distinctInstance" }] : [],
        // `up` waits until the site runs the new tasks (deployment.waitForSteadyState, default true),
        // so a deployment the circuit breaker rolls back fails the update. A site whose hosts are
        // not registered yet never becomes stable: set overrides.<site>.deployment.waitForSteadyState
        // to false while onboarding.
        waitForSteadyState: spec.deploymentWait.waitForSteadyState,
      },
      {
        parent: this,
        customTimeouts: { create: `${spec.deploymentWait.timeoutMinutes}m`, update: `${spec.deploymentWait.timeoutMinutes}m` },
      },
    );

    this.serviceName = this.service.name;
    this.taskDefinitionArn = this.taskDefinition.arn;
    this.registerOutputs({ serviceName: this.serviceName, taskDefinitionArn: this.taskDefinitionArn });
  }
}
