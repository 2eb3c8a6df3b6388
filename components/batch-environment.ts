/**
 * AWS Batch in one region: Fargate and Fargate Spot compute environments in the private subnets,
 * job queues, one job definition per job, and per scheduled chain a Step Functions state machine
 * started by EventBridge Scheduler. Built from a `BatchRegionPlan` (stacks/batch-plan.ts); never
 * reads config.
 *
 * Compute environment replacement: the compute environments are auto-named (`namePrefix`), so when
 * one must be replaced Pulumi creates the new one first (its default create-before-delete), updates
 * the queue (which references the environment's ARN, hence depends on it) to the new environment,
 * and only then deletes the old one — which AWS refuses while a queue still uses it. See "Compute environment replacement" in README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import type { BatchChainSpec, BatchRegionPlan } from "../stacks/batch-plan";
import { serviceTrustPolicy } from "./iam";
import { assertSecretsReadable, containerEnvironment, containerSecrets, executionRoleStatements, secretReadStatements } from "./container-env";
import { parseSecretValue, SecretRef } from "../stacks/sections/env";

export interface BatchEnvironmentArgs {
  /** The region (must match the provider's and `plan.region`). Required. */
  region: string;
  /** VPC of the jobs' security group. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets the Fargate tasks run in (egress through NAT). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** What to build (stacks/batch-plan.ts). Required. */
  plan: BatchRegionPlan;
  /** Retention of the jobs' log group, in days. Default 30. */
  logRetentionDays?: number;
  /** Account id of the region's provider. Default: a `getCallerIdentity` invoke through this component; the program passes the region's one answer. */
  accountId?: pulumi.Input<string>;
  /** AWS partition of the region. Default: a `getPartition` invoke through this component. */
  partition?: pulumi.Input<string>;
}

/** Outputs of one job. */
export interface BatchJobOutputs {
  /** Job definition ARN, with its revision (what `aws batch submit-job --job-definition` takes). */
  jobDefinitionArn: string;
  /** The job's own role (no permissions): attach what the job needs to it. */
  jobRoleArn: string;
}

/** Outputs of one scheduled chain. */
export interface BatchChainOutputs {
  stateMachineArn: string;
  scheduleArn: string;
}

/** The Step Functions resource of "submit a Batch job and wait until it finished" (partition `aws`). */
export const SUBMIT_JOB_SYNC = "arn:aws:states:::batch:submitJob.sync";

/** A submitJob target for the state machine definition. */
export interface ChainJobRef<T> {
  /** Job definition ARN; without a revision, Batch uses the latest active one. */
  jobDefinitionArn: T;
  jobQueueArn: T;
  arraySize?: number;
}

/**
 * The Amazon States Language definition of a chain: one `batch:submitJob.sync` task per job (the
 * state waits until the job finished), stages in order, the jobs of a stage in a Parallel state.
 * Task results are discarded (`ResultPath: null`): a later job never reads an earlier one's output.
 * Generic over the ARN type so the component can pass Outputs (then `pulumi.jsonStringify` it);
 * `submitJobResource` is the `.sync` resource ARN of the partition.
 */
export function chainDefinition<T>(chain: BatchChainSpec, refs: Record<string, ChainJobRef<T>>, submitJobResource: T | string = SUBMIT_JOB_SYNC): Record<string, unknown> {
  const task = (job: string, last: boolean, next?: string): Record<string, unknown> => {
    const ref = refs[job];
    if (!ref) throw new Error(`chainDefinition: no job definition for ${job}`);
    const parameters: Record<string, unknown> = {
      JobName: job,
      JobQueue: ref.jobQueueArn,
      JobDefinition: ref.jobDefinitionArn,
    };
    if (ref.arraySize !== undefined) parameters.ArrayProperties = { Size: ref.arraySize };
    return {
      Type: "Task",
      Resource: submitJobResource,
      Parameters: parameters,
      ResultPath: null,
      ...(last ? { End: true } : { Next: next }),
    };
  };
  const stageName = (i: number): string => (chain.stages[i].length === 1 ? chain.stages[i][0] : `Stage ${i + 1}`);
  const states: Record<string, unknown> = {};
  chain.stages.forEach((stage, i) => {
    const last = i === chain.stages.length - 1;
    const next = last ? undefined : stageName(i + 1);
    if (stage.length === 1) {
      states[stage[0]] = task(stage[0], last, next);
      return;
    }
    states[stageName(i)] = {
      Type: "Parallel",
      Branches: stage.map((job) => ({ StartAt: job, States: { [job]: task(job, true) } })),
      ResultPath: null,
      ...(last ? { End: true } : { Next: next }),
    };
  });
  return {
    Comment: `Scheduled chain ${chain.head}: ${chain.stages.map((s) => s.join(" + ")).join(" then ")}`,
    StartAt: stageName(0),
    States: states,
  };
}

/** What every build step of a BatchEnvironment shares. */
interface BatchContext {
  /** The component's name: the prefix of every child's logical name. */
  name: string;
  args: BatchEnvironmentArgs;
  plan: BatchRegionPlan;
  region: string;
  /** `{ parent }` for every child. */
  parent: { parent: pulumi.Resource };
  accountId: pulumi.Output<string>;
  partition: pulumi.Output<string>;
}

/** The jobs' security group (no ingress) and its egress rule. */
function buildNetwork(ctx: BatchContext): { sg: aws.ec2.SecurityGroup; egress: aws.vpc.SecurityGroupEgressRule } {
  const { name, plan, region, args, parent } = ctx;
  const sg = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    {
      namePrefix: `${plan.securityGroupName}-`,
      description: `AWS Batch Fargate jobs in ${region}: no inbound traffic`,
      vpcId: args.vpcId,
    },
    parent,
  );
  const egress = new aws.vpc.SecurityGroupEgressRule(
    `${name}-egress`,
    {
      securityGroupId: sg.id,
      description: "All outbound: image pulls, AWS APIs (via NAT) and what the jobs call",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    },
    parent,
  );
  return { sg, egress };
}

/**
 * Compute environments: auto-named (namePrefix) so a replacement is created before the old one is
 * deleted. No serviceRole: AWS Batch uses its service-linked role (AWSServiceRoleForBatch).
 */
function buildComputeEnvironments(
  ctx: BatchContext,
  network: { sg: aws.ec2.SecurityGroup; egress: aws.vpc.SecurityGroupEgressRule },
): { fargate: aws.batch.ComputeEnvironment; fargateSpot?: aws.batch.ComputeEnvironment } {
  const { name, plan, args, parent } = ctx;
  const computeEnvironment = (suffix: string, type: "FARGATE" | "FARGATE_SPOT", prefix: string) =>
    new aws.batch.ComputeEnvironment(
      `${name}-${suffix}`,
      {
        namePrefix: prefix,
        type: "MANAGED",
        state: "ENABLED",
        computeResources: {
          type,
          maxVcpus: plan.maxVcpus,
          subnets: args.subnetIds,
          securityGroupIds: [network.sg.id],
        },
      },
      { ...parent, ignoreChanges: ["computeResources.desiredVcpus"], dependsOn: [network.egress] },
    );
  const fargate = computeEnvironment("fargate", "FARGATE", plan.computeEnvironmentPrefix.fargate);
  const fargateSpot = plan.spotQueueName ? computeEnvironment("fargate-spot", "FARGATE_SPOT", plan.computeEnvironmentPrefix.fargateSpot) : undefined;
  return { fargate, fargateSpot };
}

/**
 * The on-demand queue, and the Spot-first queue when a job wants Spot. A queue is created after its
 * compute environments (CreateJobQueue needs them VALID) and deleted before them (a compute
 * environment in use by a queue cannot be deleted).
 * https://docs.aws.amazon.com/batch/latest/APIReference/API_CreateJobQueue.html
 * https://docs.aws.amazon.com/batch/latest/APIReference/API_DeleteComputeEnvironment.html
 */
function buildQueues(
  ctx: BatchContext,
  compute: { fargate: aws.batch.ComputeEnvironment; fargateSpot?: aws.batch.ComputeEnvironment },
): { queue: aws.batch.JobQueue; spotQueue?: aws.batch.JobQueue } {
  const { name, plan, parent } = ctx;
  const { fargate, fargateSpot } = compute;
  const queue = new aws.batch.JobQueue(
    `${name}-queue`,
    {
      name: plan.queueName,
      state: "ENABLED",
      priority: 1,
      computeEnvironmentOrders: [{ order: 1, computeEnvironment: fargate.arn }],
    },
    { ...parent, dependsOn: [fargate] },
  );
  const spotQueue =
    plan.spotQueueName && fargateSpot
      ? new aws.batch.JobQueue(
          `${name}-spot-queue`,
          {
            name: plan.spotQueueName,
            state: "ENABLED",
            priority: 1,
            computeEnvironmentOrders: [
              { order: 1, computeEnvironment: fargateSpot.arn },
              { order: 2, computeEnvironment: fargate.arn },
            ],
          },
          { ...parent, dependsOn: [fargateSpot, fargate] },
        )
      : undefined;
  return { queue, spotQueue };
}

/**
 * Job definitions, each with its own job role (the container's identity) and execution role: a
 * scoped inline policy (private ECR repositories of its image, its log streams) in place of the
 * managed AmazonECSTaskExecutionRolePolicy, and its secrets (exactly this job's ARNs, their KMS keys).
 */
function buildJobDefinitions(
  ctx: BatchContext,
  logGroup: aws.cloudwatch.LogGroup,
): { definitions: Record<string, aws.batch.JobDefinition>; roles: Record<string, aws.iam.Role> } {
  const { name, plan, region, parent, accountId, partition } = ctx;
  const definitions: Record<string, aws.batch.JobDefinition> = {};
  const roles: Record<string, aws.iam.Role> = {};
  const assume = serviceTrustPolicy("ecs-tasks.amazonaws.com", { accountId });
  for (const job of Object.values(plan.jobs)) {
    const jobRole = new aws.iam.Role(
      `${name}-${job.name}-job`,
      { name: job.jobRoleName, description: `Job role of Batch job ${job.name} in ${region}`, assumeRolePolicy: assume },
      parent,
    );
    const executionRole = new aws.iam.Role(
      `${name}-${job.name}-exec`,
      { name: job.executionRoleName, description: `Execution role of Batch job ${job.name} in ${region}`, assumeRolePolicy: assume },
      parent,
    );
    const ready: pulumi.Resource[] = [
      new aws.iam.RolePolicy(
        `${name}-${job.name}-exec`,
        {
          role: executionRole.id,
          policy: pulumi.all([partition, accountId, logGroup.arn]).apply(([p, a, logArn]) =>
            JSON.stringify({ Version: "2012-10-17", Statement: executionRoleStatements({ images: [job.image], logGroupArns: [logArn], secrets: [], partition: p, region, accountId: a }) }),
          ),
        },
        parent,
      ),
    ];
    if (Object.keys(job.secrets).length > 0) {
      const refs: Record<string, SecretRef> = Object.fromEntries(Object.entries(job.secrets).map(([k, v]) => [k, parseSecretValue(v) as SecretRef]));
      ready.push(
        new aws.iam.RolePolicy(
          `${name}-${job.name}-secrets`,
          {
            role: executionRole.id,
            policy: pulumi.all([partition, accountId]).apply(([p, a]) => {
              assertSecretsReadable(refs, a, `batch job ${job.name} in ${region}`);
              return JSON.stringify({ Version: "2012-10-17", Statement: secretReadStatements(Object.values(refs), p, region, a) });
            }),
          },
          parent,
        ),
      );
    }
    roles[job.name] = jobRole;
    definitions[job.name] = new aws.batch.JobDefinition(
      `${name}-${job.name}`,
      {
        name: job.jobDefinitionName,
        type: "container",
        platformCapabilities: ["FARGATE"],
        containerProperties: pulumi.jsonStringify({
          image: job.image,
          ...(job.command ? { command: job.command } : {}),
          resourceRequirements: [
            { type: "VCPU", value: job.vcpu },
            { type: "MEMORY", value: String(job.memory) },
          ],
          environment: containerEnvironment(job.environment),
          secrets: containerSecrets(job.secrets),
          jobRoleArn: jobRole.arn,
          executionRoleArn: executionRole.arn,
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": job.name },
          },
          fargatePlatformConfiguration: { platformVersion: "LATEST" },
          networkConfiguration: { assignPublicIp: "DISABLED" },
        }),
        retryStrategy: { attempts: job.retries },
        ...(job.timeoutSeconds !== undefined ? { timeout: { attemptDurationSeconds: job.timeoutSeconds } } : {}),
      },
      { ...parent, dependsOn: ready },
    );
  }
  return { definitions, roles };
}

/**
 * Per scheduled chain: a state machine that submits the jobs in order (after its role's policy),
 * started by an EventBridge Scheduler schedule (after the scheduler role's policy).
 */
function buildChains(
  ctx: BatchContext,
  definitions: Record<string, aws.batch.JobDefinition>,
  queues: { queue: aws.batch.JobQueue; spotQueue?: aws.batch.JobQueue },
): Record<string, pulumi.Output<BatchChainOutputs>> {
  const { name, plan, region, parent, accountId, partition } = ctx;
  const { queue, spotQueue } = queues;
  const queueFor = (job: string): pulumi.Output<string> => (plan.jobs[job].spot && spotQueue ? spotQueue.arn : queue.arn);
  const chainOutputs: Record<string, pulumi.Output<BatchChainOutputs>> = {};
  for (const chain of Object.values(plan.chains)) {
    const refs: Record<string, ChainJobRef<pulumi.Output<string>>> = {};
    for (const job of chain.order) {
      // Without a revision: each submit uses the latest active revision, so an execution that runs
      // across an update does not submit a revision the update deregistered.
      refs[job] = { jobDefinitionArn: definitions[job].arnPrefix, jobQueueArn: queueFor(job), arraySize: plan.jobs[job].arraySize };
    }
    const chainQueues = [...new Set(chain.order.map((j) => (plan.jobs[j].spot && spotQueue ? "spot" : "on-demand")))].sort();
    const sfnRole = new aws.iam.Role(
      `${name}-${chain.head}-sfn`,
      { name: chain.stateMachineRoleName, description: `Runs the Batch chain ${chain.head} in ${region}`, assumeRolePolicy: serviceTrustPolicy("states.amazonaws.com", { accountId }) },
      parent,
    );
    const sfnPolicy = new aws.iam.RolePolicy(
      `${name}-${chain.head}-sfn`,
      {
        role: sfnRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              // Resource-level SubmitJob needs both the job definitions and the queues.
              Sid: "SubmitChainJobs",
              Effect: "Allow",
              Action: ["batch:SubmitJob"],
              Resource: [
                // Every revision of exactly these job definitions (submitted by name, authorized per revision).
                ...chain.order.flatMap((j) => [definitions[j].arnPrefix, pulumi.interpolate`${definitions[j].arnPrefix}:*`]),
                ...chainQueues.map((q) => (q === "spot" && spotQueue ? spotQueue.arn : queue.arn)),
              ],
            },
            {
              // .sync polls the job and stops it when the execution is stopped; DescribeJobs has no resource-level permissions.
              Sid: "FollowJobs",
              Effect: "Allow",
              Action: ["batch:DescribeJobs"],
              Resource: "*",
            },
            {
              Sid: "StopJobs",
              Effect: "Allow",
              Action: ["batch:TerminateJob"],
              Resource: pulumi.interpolate`arn:${partition}:batch:${region}:${accountId}:job/*`,
            },
            {
              // The managed rule through which Step Functions learns that a Batch job finished.
              Sid: "SyncEvents",
              Effect: "Allow",
              Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
              Resource: pulumi.interpolate`arn:${partition}:events:${region}:${accountId}:rule/StepFunctionsGetEventsForBatchJobsRule`,
            },
          ],
        }),
      },
      parent,
    );
    const stateMachine = new aws.sfn.StateMachine(
      `${name}-${chain.head}`,
      {
        name: chain.stateMachineName,
        type: "STANDARD",
        roleArn: sfnRole.arn,
        definition: pulumi.jsonStringify(chainDefinition(chain, refs, pulumi.interpolate`arn:${partition}:states:::batch:submitJob.sync`)),
      },
      { ...parent, dependsOn: [sfnPolicy] },
    );
    const schedulerRole = new aws.iam.Role(
      `${name}-${chain.head}-sched`,
      { name: chain.schedulerRoleName, description: `Starts the Batch chain ${chain.head} in ${region}`, assumeRolePolicy: serviceTrustPolicy("scheduler.amazonaws.com", { accountId }) },
      parent,
    );
    const schedulerPolicy = new aws.iam.RolePolicy(
      `${name}-${chain.head}-sched`,
      {
        role: schedulerRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "StartChain", Effect: "Allow", Action: ["states:StartExecution"], Resource: [stateMachine.arn] }],
        }),
      },
      parent,
    );
    const schedule = new aws.scheduler.Schedule(
      `${name}-${chain.head}`,
      {
        name: chain.scheduleName,
        description: `Batch chain ${chain.head} in ${region}: ${chain.order.join(", ")}`,
        scheduleExpression: chain.schedule,
        flexibleTimeWindow: { mode: "OFF" },
        target: { arn: stateMachine.arn, roleArn: schedulerRole.arn, input: "{}" },
      },
      { ...parent, dependsOn: [schedulerPolicy] },
    );
    chainOutputs[chain.head] = pulumi.all([stateMachine.arn, schedule.arn]).apply(([stateMachineArn, scheduleArn]) => ({ stateMachineArn, scheduleArn }));
  }
  return chainOutputs;
}

/**
 * AWS Batch in one region (see the module comment). The constructor only sequences the named build
 * steps: network, compute environments, queues, log group, job definitions, chains.
 */
export class BatchEnvironment extends pulumi.ComponentResource {
  /** The on-demand queue (Fargate). */
  public readonly jobQueueArn: pulumi.Output<string>;
  /** The Spot-first queue (Fargate Spot, then Fargate); only when a job in the region has `spot`. */
  public readonly spotJobQueueArn?: pulumi.Output<string>;
  /** Per job: job definition ARN and job role ARN. */
  public readonly jobs: pulumi.Output<Record<string, BatchJobOutputs>>;
  /** Per scheduled chain (by head job): state machine and schedule ARNs. */
  public readonly chains: pulumi.Output<Record<string, BatchChainOutputs>>;
  /** The jobs' security group (no ingress). */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The jobs' log group name. */
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: BatchEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:batch:BatchEnvironment", name, {}, opts);
    const { plan, region } = args;
    if (plan.region !== region) throw new Error(`BatchEnvironment ${name}: plan is for ${plan.region}, not ${region}`);
    const parent = { parent: this as pulumi.Resource };
    const ctx: BatchContext = {
      name,
      args,
      plan,
      region,
      parent,
      accountId: pulumi.output(args.accountId ?? aws.getCallerIdentityOutput({}, parent).accountId),
      partition: pulumi.output(args.partition ?? aws.getPartitionOutput({}, parent).partition),
    };

    const network = buildNetwork(ctx);
    const compute = buildComputeEnvironments(ctx, network);
    const queues = buildQueues(ctx, compute);
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: plan.logGroupName, retentionInDays: args.logRetentionDays ?? 30 }, parent);
    const { definitions, roles } = buildJobDefinitions(ctx, logGroup);
    const chainOutputs = buildChains(ctx, definitions, queues);

    const jobOutputs: Record<string, pulumi.Output<BatchJobOutputs>> = {};
    for (const job of Object.keys(definitions)) {
      jobOutputs[job] = pulumi.all([definitions[job].arn, roles[job].arn]).apply(([jobDefinitionArn, jobRoleArn]) => ({ jobDefinitionArn, jobRoleArn }));
    }

    this.jobQueueArn = queues.queue.arn;
    this.spotJobQueueArn = queues.spotQueue?.arn;
    this.jobs = pulumi.output(jobOutputs) as pulumi.Output<Record<string, BatchJobOutputs>>;
    this.chains = pulumi.output(chainOutputs) as pulumi.Output<Record<string, BatchChainOutputs>>;
    this.securityGroupId = network.sg.id;
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      jobQueueArn: this.jobQueueArn,
      spotJobQueueArn: this.spotJobQueueArn,
      jobs: this.jobs,
      chains: this.chains,
      securityGroupId: this.securityGroupId,
      logGroupName: this.logGroupName,
    });
  }
}
