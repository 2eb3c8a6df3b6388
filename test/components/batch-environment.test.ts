import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BatchChainOutputs, BatchEnvironment, BatchJobOutputs, chainDefinition } from "../../components/batch-environment";
import { BatchRegionPlan, planBatch } from "../../stacks/batch-plan";
import { BatchJob } from "../../stacks/sections/batch";
import { RecordedResource } from "../../offline/mocks";
import { recorder, registered, valueOf } from "../helpers";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const SUBNETS = ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"];

const T = {
  component: "ecs-fleet:batch:BatchEnvironment",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  ce: "aws:batch/computeEnvironment:ComputeEnvironment",
  queue: "aws:batch/jobQueue:JobQueue",
  jobDefinition: "aws:batch/jobDefinition:JobDefinition",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  schedule: "aws:scheduler/schedule:Schedule",
};

function job(overrides: Partial<BatchJob> = {}): BatchJob {
  return { image: "public.ecr.aws/docker/library/python:3.12-slim", cpu: 256, memory: 512, retries: 1, spot: false, ...overrides };
}

/** The example of the README's Batch section: a parallel Spot job, and a scheduled chain with a fan-out. */
const JOBS: Record<string, BatchJob> = {
  "render-invoices": job({ cpu: 1024, memory: 2048, arraySize: 100, retries: 3, timeoutSeconds: 3600, spot: true, command: ["python", "-m", "render"] }),
  extract: job({
    schedule: "cron(0 2 * * ? *)",
    environment: { STAGE: "prod", BUCKET: "invoices" },
    secrets: {
      DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db:password::",
      API_TOKEN: "/prod/api/token",
    },
  }),
  transform: job({ after: ["extract"], arraySize: 10, spot: true }),
  report: job({ after: ["extract"] }),
  publish: job({ after: ["transform", "report"], cpu: 512, memory: 1024 }),
};

let counter = 0;

async function build(jobs: Record<string, BatchJob>, extra: { logRetentionDays?: number } = {}) {
  const plan: BatchRegionPlan = planBatch(jobs, [REGION], { project: "ecs-fleet", stack: "dev" })[REGION];
  const provider = new aws.Provider(`aws-${REGION}-${++counter}`, { region: REGION });
  const env = new BatchEnvironment(`batch-${counter}`, { region: REGION, vpcId: "vpc-0abc", subnetIds: SUBNETS, plan, ...extra }, { provider });
  const outputs = (await valueOf(
    pulumi.all({ jobQueueArn: env.jobQueueArn, spotJobQueueArn: env.spotJobQueueArn ?? pulumi.output(undefined), jobs: env.jobs, chains: env.chains }),
  )) as { jobQueueArn: string; spotJobQueueArn?: string; jobs: Record<string, BatchJobOutputs>; chains: Record<string, BatchChainOutputs> };
  await registered();
  return { env, plan, outputs, provider };
}

function parse(r: RecordedResource, key: string): any {
  return JSON.parse(r.inputs[key] as string);
}

/** Walks a state machine definition in execution order: one entry per state, with the jobs it submits. */
function walk(definition: any): { state: string; type: string; jobs: any[] }[] {
  const out: { state: string; type: string; jobs: any[] }[] = [];
  let name: string | undefined = definition.StartAt;
  const seen = new Set<string>();
  while (name !== undefined) {
    if (seen.has(name)) throw new Error(`loop at ${name}`);
    seen.add(name);
    const state = definition.States[name];
    expect(state, `state ${name}`).to.not.equal(undefined);
    const tasks =
      state.Type === "Parallel"
        ? state.Branches.map((b: any) => {
            expect(Object.keys(b.States)).to.deep.equal([b.StartAt]);
            expect(b.States[b.StartAt].End).to.equal(true);
            return b.States[b.StartAt];
          })
        : [state];
    out.push({ state: name, type: state.Type, jobs: tasks });
    name = state.End ? undefined : state.Next;
  }
  return out;
}

describe("BatchEnvironment", () => {
  it("puts every child under the component, in the provider's region, without per-resource tags", async () => {
    const { env } = await build(JOBS);
    const component = recorder.one(T.component);
    const children = recorder.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(children.length).to.be.greaterThan(20);
    const urn = await valueOf(env.urn);
    for (const r of children) {
      expect(r.parent, r.name).to.equal(urn);
      expect(r.region, r.name).to.equal(REGION);
      expect(r.inputs.tags, r.name).to.equal(undefined);
    }
    expect(component.region).to.equal(REGION);
    const invokes = recorder.invokes.filter((i) => /getCallerIdentity|getPartition/.test(i.token));
    expect(invokes.map((i) => i.region)).to.deep.equal(invokes.map(() => REGION));
    expect(invokes.length).to.be.at.least(2);
  });

  it("builds a security group with no ingress and a described egress rule", async () => {
    await build(JOBS);
    const sg = recorder.one(T.sg);
    expect(sg.inputs).to.include({ vpcId: "vpc-0abc", namePrefix: "ecs-fleet-dev-batch-" });
    expect(sg.inputs.description).to.match(/no inbound/);
    expect(sg.inputs.ingress ?? []).to.deep.equal([]);
    expect(recorder.ofType(T.ingress)).to.deep.equal([]);
    const egress = recorder.one(T.egress);
    expect(egress.inputs).to.include({ ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
    expect(egress.inputs.description).to.be.a("string").and.not.equal("");
  });

  it("creates auto-named Fargate and Fargate Spot compute environments in the private subnets", async () => {
    await build(JOBS);
    const sgId = recorder.one(T.sg).urn;
    const ces = recorder.ofType(T.ce);
    expect(ces.map((c) => (c.inputs.computeResources as any).type).sort()).to.deep.equal(["FARGATE", "FARGATE_SPOT"]);
    for (const ce of ces) {
      const cr = ce.inputs.computeResources as Record<string, unknown>;
      expect(ce.inputs.type).to.equal("MANAGED");
      expect(cr.subnets).to.deep.equal(SUBNETS);
      expect((cr.securityGroupIds as string[]).length).to.equal(1);
      expect(cr.maxVcpus).to.equal(256);
      for (const key of ["instanceTypes", "minVcpus", "desiredVcpus", "allocationStrategy", "instanceRole"]) {
        expect(cr, `${ce.name}.${key}`).to.not.have.property(key);
      }
      // No fixed name (a replacement can exist beside the old one) and no service role (service-linked role).
      expect(ce.inputs.name).to.equal(undefined);
      expect(ce.inputs.namePrefix).to.match(/^ecs-fleet-dev-fargate-(spot-)?$/);
      expect(ce.inputs.serviceRole).to.equal(undefined);
      expect(ce.options.ignoreChanges).to.deep.equal(["computeResources.desiredVcpus"]);
      expect(ce.options.deleteBeforeReplace).to.equal(false);
      expect(ce.options.dependsOn).to.include(recorder.one(T.egress).urn);
    }
    expect(sgId).to.be.a("string");
  });

  it("orders the queues' compute environments and makes each queue depend on them (replacement order)", async () => {
    const { outputs } = await build(JOBS);
    const fargate = recorder.ofType(T.ce).find((c) => (c.inputs.computeResources as any).type === "FARGATE")!;
    const spot = recorder.ofType(T.ce).find((c) => (c.inputs.computeResources as any).type === "FARGATE_SPOT")!;
    const arnOf = (ce: RecordedResource) => `arn:aws:batch:${REGION}:${ACCOUNT}:compute-environment/${ce.inputs.namePrefix}`;

    const onDemand = recorder.one(T.queue, /\d-queue$/);
    expect(onDemand.inputs).to.include({ name: "ecs-fleet-dev-jobs", state: "ENABLED" });
    const onDemandOrder = onDemand.inputs.computeEnvironmentOrders as { order: number; computeEnvironment: string }[];
    expect(onDemandOrder.map((o) => o.order)).to.deep.equal([1]);
    expect(onDemandOrder[0].computeEnvironment.startsWith(arnOf(fargate))).to.equal(true);

    const spotQueue = recorder.one(T.queue, /-spot-queue$/);
    expect(spotQueue.inputs.name).to.equal("ecs-fleet-dev-jobs-spot");
    const spotOrder = [...(spotQueue.inputs.computeEnvironmentOrders as { order: number; computeEnvironment: string }[])].sort((a, b) => a.order - b.order);
    expect(spotOrder.map((o) => o.order)).to.deep.equal([1, 2]);
    expect(spotOrder[0].computeEnvironment.startsWith(arnOf(spot))).to.equal(true);
    expect(spotOrder[1].computeEnvironment.startsWith(arnOf(fargate))).to.equal(true);

    // The queue depends on the environments it references: Pulumi creates a replacement environment
    // first, updates the queue to it, then deletes the old environment.
    expect(onDemand.options.dependsOn).to.include(fargate.urn);
    expect(spotQueue.options.dependsOn).to.include.members([fargate.urn, spot.urn]);
    expect(recorder.resources.indexOf(fargate)).to.be.lessThan(recorder.resources.indexOf(onDemand));
    expect(recorder.resources.indexOf(spot)).to.be.lessThan(recorder.resources.indexOf(spotQueue));
    expect(onDemand.options.deleteBeforeReplace).to.equal(false);

    expect(outputs.jobQueueArn).to.equal(`arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/ecs-fleet-dev-jobs`);
    expect(outputs.spotJobQueueArn).to.equal(`arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/ecs-fleet-dev-jobs-spot`);
  });

  it("has only the on-demand queue and environment when no job wants Spot", async () => {
    const { env, outputs } = await build({ adhoc: job() });
    expect(recorder.ofType(T.queue).map((q) => q.inputs.name)).to.deep.equal(["ecs-fleet-dev-jobs"]);
    expect(recorder.ofType(T.ce).map((c) => (c.inputs.computeResources as any).type)).to.deep.equal(["FARGATE"]);
    expect(env.spotJobQueueArn).to.equal(undefined);
    expect(outputs.spotJobQueueArn).to.equal(undefined);
    expect(outputs.chains).to.deep.equal({});
    expect(recorder.ofType(T.stateMachine)).to.deep.equal([]);
    expect(recorder.ofType(T.schedule)).to.deep.equal([]);
  });

  it("registers a Fargate job definition per job with resources, command, env, secrets, logs, retries, timeout", async () => {
    const { outputs } = await build(JOBS);
    const defs = recorder.ofType(T.jobDefinition);
    expect(defs.map((d) => d.inputs.name).sort()).to.deep.equal(
      ["extract", "publish", "render-invoices", "report", "transform"].map((j) => `ecs-fleet-dev-${j}`),
    );
    const render = recorder.one(T.jobDefinition, /-render-invoices$/);
    expect(render.inputs).to.deep.include({ type: "container", platformCapabilities: ["FARGATE"], retryStrategy: { attempts: 3 }, timeout: { attemptDurationSeconds: 3600 } });
    const props = parse(render, "containerProperties");
    expect(props.image).to.equal("public.ecr.aws/docker/library/python:3.12-slim");
    expect(props.command).to.deep.equal(["python", "-m", "render"]);
    expect(props.resourceRequirements).to.deep.equal([
      { type: "VCPU", value: "1" },
      { type: "MEMORY", value: "2048" },
    ]);
    expect(props.fargatePlatformConfiguration).to.deep.equal({ platformVersion: "LATEST" });
    expect(props.networkConfiguration).to.deep.equal({ assignPublicIp: "DISABLED" });
    expect(props.logConfiguration).to.deep.equal({
      logDriver: "awslogs",
      options: { "awslogs-group": "/ecs-fleet/dev/batch", "awslogs-region": REGION, "awslogs-stream-prefix": "render-invoices" },
    });
    expect(props.jobRoleArn).to.match(/:role\/ecs-fleet-dev-euw1-render-invoices-job$/);
    expect(props.executionRoleArn).to.match(/:role\/ecs-fleet-dev-euw1-render-invoices-jobexec$/);

    const extract = parse(recorder.one(T.jobDefinition, /-extract$/), "containerProperties");
    expect(extract).to.not.have.property("command");
    expect(extract.environment).to.deep.equal([
      { name: "BUCKET", value: "invoices" },
      { name: "STAGE", value: "prod" },
    ]);
    expect(extract.secrets).to.deep.equal([
      { name: "API_TOKEN", valueFrom: "/prod/api/token" },
      { name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db:password::" },
    ]);
    const publish = recorder.one(T.jobDefinition, /-publish$/);
    expect(publish.inputs).to.not.have.property("timeout");
    expect(parse(publish, "containerProperties").resourceRequirements).to.deep.equal([
      { type: "VCPU", value: "0.5" },
      { type: "MEMORY", value: "1024" },
    ]);

    expect(outputs.jobs["render-invoices"].jobDefinitionArn).to.equal(`arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/ecs-fleet-dev-render-invoices:1`);
    expect(Object.keys(outputs.jobs).sort()).to.deep.equal(["extract", "publish", "render-invoices", "report", "transform"]);
  });

  it("keeps job and execution roles apart, and scopes the execution role's secrets to exactly the job's ARNs", async () => {
    await build(JOBS);
    const roles = recorder.ofType(T.role);
    const jobRole = roles.find((r) => r.inputs.name === "ecs-fleet-dev-euw1-extract-job")!;
    const execRole = roles.find((r) => r.inputs.name === "ecs-fleet-dev-euw1-extract-jobexec")!;
    for (const role of [jobRole, execRole]) {
      const trust = parse(role, "assumeRolePolicy");
      expect(trust.Statement).to.deep.equal([
        { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } },
      ]);
    }
    // The job role carries no permissions from ecs-fleet.
    expect(recorder.ofType(T.rolePolicy).filter((p) => p.inputs.role === jobRole.inputs.name || String(p.inputs.role).includes("extract-job"))).to.deep.equal([]);
    expect(recorder.ofType(T.attachment).filter((a) => String(a.inputs.role).endsWith("extract-job"))).to.deep.equal([]);

    // A scoped inline policy, not AmazonECSTaskExecutionRolePolicy: a public image needs no ECR grant.
    expect(recorder.ofType(T.attachment)).to.deep.equal([]);
    const attachment = recorder.one(T.rolePolicy, /-extract-exec$/);
    expect(parse(attachment, "policy").Statement).to.deep.equal([
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ecs-fleet/dev/batch:*`] },
    ]);

    const secrets = recorder.one(T.rolePolicy, /-extract-secrets$/);
    expect(parse(secrets, "policy").Statement).to.deep.equal([
      { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????"] },
      { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api/token"] },
    ]);
    // Jobs without secrets get no secrets policy; the definition waits for the execution role's permissions.
    expect(recorder.ofType(T.rolePolicy).filter((p) => /-secrets$/.test(p.name)).map((p) => p.name)).to.deep.equal([secrets.name]);
    const def = recorder.one(T.jobDefinition, /-extract$/);
    expect(def.options.dependsOn).to.include.members([attachment.urn, secrets.urn]);
  });

  it("creates each queue after its compute environments, and pulls private ECR images from exactly their repository", async () => {
    await build({ ...JOBS, private: job({ image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/jobs/private@sha256:" + "a".repeat(64) }) });
    const ces = recorder.ofType(T.ce);
    for (const q of recorder.ofType(T.queue)) {
      const order = (q.inputs.computeEnvironmentOrders as { computeEnvironment: string }[]).map((o) => o.computeEnvironment);
      const named = ces.filter((ce) => order.some((arn) => arn.includes(String(ce.inputs.namePrefix))));
      expect(named.length, q.name).to.equal(order.length);
      expect(q.options.dependsOn, q.name).to.include.members(named.map((ce) => ce.urn));
    }
    const pull = parse(recorder.one(T.rolePolicy, /-private-exec$/), "policy").Statement;
    expect(pull.slice(0, 2)).to.deep.equal([
      { Sid: "AuthenticateToEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      { Sid: "PullImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: [`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/jobs/private`] },
    ]);
  });

  it("gives the log group a retention (30 days by default)", async () => {
    await build({ adhoc: job() });
    expect(recorder.one(T.logGroup).inputs).to.deep.equal({ name: "/ecs-fleet/dev/batch", retentionInDays: 30 });
    recorder.reset();
    await build({ adhoc: job() }, { logRetentionDays: 7 });
    expect(recorder.one(T.logGroup).inputs.retentionInDays).to.equal(7);
  });

  it("submits a scheduled chain's jobs with .sync in dependency order, in parallel where the graph allows", async () => {
    const { outputs } = await build(JOBS);
    const sm = recorder.one(T.stateMachine);
    expect(sm.inputs).to.include({ name: "ecs-fleet-dev-extract", type: "STANDARD" });
    const steps = walk(parse(sm, "definition"));
    expect(steps.map((s) => s.type)).to.deep.equal(["Task", "Parallel", "Task"]);
    expect(steps.map((s) => s.jobs.map((j) => j.Parameters.JobName))).to.deep.equal([["extract"], ["report", "transform"], ["publish"]]);

    // Submitted without a revision (the latest active one), allowed for every revision of exactly these definitions.
    const defArn = (j: string) => `arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/ecs-fleet-dev-${j}`;
    const queue = `arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/ecs-fleet-dev-jobs`;
    const tasks: Record<string, any> = Object.fromEntries(steps.flatMap((s) => s.jobs).map((t) => [t.Parameters.JobName, t]));
    for (const [name, t] of Object.entries(tasks)) {
      expect(t.Type).to.equal("Task");
      expect(t.Resource).to.equal("arn:aws:states:::batch:submitJob.sync");
      expect(t.Parameters.JobDefinition).to.equal(defArn(name));
      expect(t.ResultPath).to.equal(null);
    }
    expect(tasks.transform.Parameters.JobQueue).to.equal(`${queue}-spot`);
    expect(tasks.extract.Parameters.JobQueue).to.equal(queue);
    expect(tasks.transform.Parameters.ArrayProperties).to.deep.equal({ Size: 10 });
    expect(tasks.publish.Parameters).to.not.have.property("ArrayProperties");

    const sfnRole = recorder.ofType(T.role).find((r) => r.inputs.name === "ecs-fleet-dev-euw1-extract-sfn")!;
    expect(parse(sfnRole, "assumeRolePolicy").Statement[0].Principal).to.deep.equal({ Service: "states.amazonaws.com" });
    const policy = parse(recorder.one(T.rolePolicy, /-extract-sfn$/), "policy").Statement;
    const submit = policy.find((s: any) => s.Sid === "SubmitChainJobs");
    expect(submit.Action).to.deep.equal(["batch:SubmitJob"]);
    expect(submit.Resource).to.have.members([...["extract", "report", "transform", "publish"].flatMap((j) => [defArn(j), `${defArn(j)}:*`]), queue, `${queue}-spot`]);
    expect(submit.Resource.some((r: string) => r.includes("render-invoices"))).to.equal(false);
    expect(submit.Resource.some((r: string) => r.includes("*") && !/job-definition\/ecs-fleet-dev-[a-z-]+:\*$/.test(r))).to.equal(false);
    expect(policy.find((s: any) => s.Sid === "SyncEvents").Resource).to.equal(`arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForBatchJobsRule`);
    expect(policy.find((s: any) => s.Sid === "StopJobs").Resource).to.equal(`arn:aws:batch:${REGION}:${ACCOUNT}:job/*`);
    expect(sm.options.dependsOn).to.include(recorder.one(T.rolePolicy, /-extract-sfn$/).urn);

    expect(outputs.chains).to.deep.equal({
      extract: {
        stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:ecs-fleet-dev-extract`,
        scheduleArn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/ecs-fleet-dev-extract`,
      },
    });
  });

  it("starts a chain from EventBridge Scheduler with a role that may only start that state machine", async () => {
    await build({ ...JOBS, other: job({ schedule: "rate(6 hours)" }) });
    const schedule = recorder.one(T.schedule, /-extract$/);
    const machineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:ecs-fleet-dev-extract`;
    expect(schedule.inputs).to.deep.include({ name: "ecs-fleet-dev-extract", scheduleExpression: "cron(0 2 * * ? *)", flexibleTimeWindow: { mode: "OFF" } });
    const target = schedule.inputs.target as Record<string, string>;
    expect(target.arn).to.equal(machineArn);
    expect(target.roleArn).to.match(/:role\/ecs-fleet-dev-euw1-extract-sched$/);

    const role = recorder.ofType(T.role).find((r) => r.inputs.name === "ecs-fleet-dev-euw1-extract-sched")!;
    expect(parse(role, "assumeRolePolicy").Statement).to.deep.equal([
      { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } },
    ]);
    const policy = recorder.one(T.rolePolicy, /-extract-sched$/);
    expect(parse(policy, "policy").Statement).to.deep.equal([{ Sid: "StartChain", Effect: "Allow", Action: ["states:StartExecution"], Resource: [machineArn] }]);
    expect(schedule.options.dependsOn).to.include(policy.urn);

    // The other chain has its own machine, role and schedule.
    expect(recorder.ofType(T.stateMachine).map((s) => s.inputs.name).sort()).to.deep.equal(["ecs-fleet-dev-extract", "ecs-fleet-dev-other"]);
    expect(parse(recorder.one(T.rolePolicy, /-other-sched$/), "policy").Statement[0].Resource).to.deep.equal([
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:ecs-fleet-dev-other`,
    ]);
    expect(recorder.one(T.schedule, /-other$/).inputs.scheduleExpression).to.equal("rate(6 hours)");
  });

  it("refuses a plan for another region", () => {
    const plan = planBatch({ a: job() }, ["us-east-1"], { project: "ecs-fleet", stack: "dev" })["us-east-1"];
    expect(() => new BatchEnvironment("wrong", { region: REGION, vpcId: "vpc-1", subnetIds: SUBNETS, plan })).to.throw("plan is for us-east-1, not eu-west-1");
  });
});

describe("chainDefinition", () => {
  it("chains single-job stages with Next and ends at the last", () => {
    const plan = planBatch({ a: job({ schedule: "rate(1 day)" }), b: job({ after: ["a"], arraySize: 5 }) }, [REGION], { project: "p", stack: "s" })[REGION];
    const refs = { a: { jobDefinitionArn: "def-a", jobQueueArn: "q" }, b: { jobDefinitionArn: "def-b", jobQueueArn: "q", arraySize: 5 } };
    const def = chainDefinition(plan.chains.a, refs) as any;
    expect(def.StartAt).to.equal("a");
    expect(def.States.a).to.deep.equal({
      Type: "Task",
      Resource: "arn:aws:states:::batch:submitJob.sync",
      Parameters: { JobName: "a", JobQueue: "q", JobDefinition: "def-a" },
      ResultPath: null,
      Next: "b",
    });
    expect(def.States.b.End).to.equal(true);
    expect(def.States.b.Parameters.ArrayProperties).to.deep.equal({ Size: 5 });
  });
});
