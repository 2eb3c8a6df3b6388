/**
 * `up` checks afterwards that every ECS service it changed runs, as its PRIMARY deployment, the task
 * definition it registered, rollout COMPLETED (issue 10: a circuit-breaker rollback reaches steady
 * state, so waiting alone reports it as a success, pulumi/pulumi-aws#4487). AWS is aws-sdk-client-mock.
 */
import { DescribeServicesCommand, type DescribeServicesCommandOutput, type DeploymentRolloutState, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { AwsDeploymentChecker } from "../../automation/deployment-check";
import { DeploymentRolledBackError } from "../../automation/errors";
import type { PulumiFleetStack } from "../../automation/fleet-stack";
import { EXIT, main } from "../../tools/fleet";
import { FIXTURE_PROJECT, FakeClock } from "./doubles";
import { EU_CLUSTER, FakeAutoStack, WEB_TASK_DEF, open, serviceStep } from "./fake-auto-stack";

const OLD_TASK_DEF = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7";

type Dep = { status: string; taskDefinition: string; rolloutState?: DeploymentRolloutState; rolloutStateReason?: string };
const service = (deployments: Dep[]): Partial<DescribeServicesCommandOutput> => ({ services: [{ serviceName: "web-eu-west-1", status: "ACTIVE", deployments }] });

describe("automation: up verifies the deployments it made (DescribeServices)", () => {
  const ecs = mockClient(ECSClient);
  beforeEach(() => ecs.reset());
  after(() => ecs.restore());

  async function upWith(responses: Array<ReturnType<typeof service>>, options: { verifyDeployments?: boolean } = {}) {
    const fake = new FakeAutoStack({});
    let call = ecs.on(DescribeServicesCommand);
    for (const r of responses) call = call.resolvesOnce(r);
    const clock = new FakeClock();
    const { stack } = await open(fake, { clock, deploymentChecker: new AwsDeploymentChecker({ timeoutMs: 60_000, pollMs: 15_000 }) });
    let err: unknown;
    let result: Awaited<ReturnType<PulumiFleetStack["up"]>> | undefined;
    try {
      result = await stack.up(options);
    } catch (e) {
      err = e;
    }
    return { err, result, clock };
  }

  it("passes when the PRIMARY deployment runs the registered task definition, COMPLETED", async () => {
    const { err, result } = await upWith([service([{ status: "PRIMARY", taskDefinition: WEB_TASK_DEF, rolloutState: "COMPLETED" }])]);
    expect(err).to.equal(undefined);
    expect(result!.deployments).to.deep.equal([
      { urn: serviceStep().urn, region: "eu-west-1", serviceName: "web-eu-west-1", cluster: EU_CLUSTER, taskDefinition: WEB_TASK_DEF },
    ]);
    const input = ecs.commandCalls(DescribeServicesCommand)[0].args[0].input;
    expect(input).to.deep.equal({ cluster: EU_CLUSTER, services: ["web-eu-west-1"] });
  });

  it("a circuit-breaker rollback (old task definition PRIMARY, COMPLETED) is DeploymentRolledBackError naming service and region", async () => {
    const { err } = await upWith([
      service([
        { status: "PRIMARY", taskDefinition: OLD_TASK_DEF, rolloutState: "COMPLETED" },
        { status: "ACTIVE", taskDefinition: WEB_TASK_DEF, rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." },
      ]),
    ]);
    expect(err).to.be.instanceOf(DeploymentRolledBackError);
    const e = err as DeploymentRolledBackError;
    expect(e.failed).to.have.length(1);
    expect(e.failed[0]).to.include({ region: "eu-west-1", service: "web", serviceName: "web-eu-west-1", expectedTaskDefinition: WEB_TASK_DEF, actualTaskDefinition: OLD_TASK_DEF });
    expect(e.message).to.contain("web in eu-west-1: rolled back: the PRIMARY deployment runs arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7");
    expect((e.result as { outputs?: unknown }).outputs).to.not.equal(undefined);
  });

  it("a FAILED primary deployment (no rollback) fails too", async () => {
    const { err } = await upWith([service([{ status: "PRIMARY", taskDefinition: WEB_TASK_DEF, rolloutState: "FAILED", rolloutStateReason: "tasks failed to start" }])]);
    expect((err as DeploymentRolledBackError).failed[0].reason).to.equal("the PRIMARY deployment FAILED (tasks failed to start)");
  });

  it("waits while the deployment is IN_PROGRESS, then passes once it COMPLETED", async () => {
    const { err, clock } = await upWith([
      service([{ status: "PRIMARY", taskDefinition: WEB_TASK_DEF, rolloutState: "IN_PROGRESS" }]),
      service([{ status: "PRIMARY", taskDefinition: WEB_TASK_DEF, rolloutState: "COMPLETED" }]),
    ]);
    expect(err).to.equal(undefined);
    expect(clock.sleeps).to.deep.equal([15_000]);
  });

  it("fails a deployment still IN_PROGRESS at the timeout", async () => {
    const inProgress = service([{ status: "PRIMARY", taskDefinition: WEB_TASK_DEF, rolloutState: "IN_PROGRESS" }]);
    const { err, clock } = await upWith(Array.from({ length: 10 }, () => inProgress));
    expect((err as DeploymentRolledBackError).failed[0].reason).to.match(/still IN_PROGRESS after 1 min/);
    expect(clock.sleeps).to.deep.equal([15_000, 15_000, 15_000, 15_000]);
  });

  it("a service DescribeServices cannot find fails (nothing unverified passes)", async () => {
    const { err } = await upWith([{ services: [], failures: [{ arn: "arn:aws:ecs:eu-west-1:123456789012:service/c/web-eu-west-1", reason: "MISSING" }] } as never]);
    expect((err as DeploymentRolledBackError).failed[0].reason).to.equal("DescribeServices: MISSING");
  });

  it("is skipped with verifyDeployments: false, and for services up did not change", async () => {
    const { err } = await upWith([], { verifyDeployments: false });
    expect(err).to.equal(undefined);
    const fake = new FakeAutoStack({});
    fake.events = [{ resOutputsEvent: { metadata: serviceStep("same") } as never }];
    const { stack } = await open(fake, { deploymentChecker: new AwsDeploymentChecker() });
    await stack.up();
    expect(ecs.commandCalls(DescribeServicesCommand)).to.have.length(0);
  });

  it("the CLI exits 10 with the failed deployments in --json", async () => {
    ecs.on(DescribeServicesCommand).resolves(service([{ status: "PRIMARY", taskDefinition: OLD_TASK_DEF, rolloutState: "COMPLETED" }]));
    const fake = new FakeAutoStack({});
    const { stack } = await open(fake, { deploymentChecker: new AwsDeploymentChecker() });
    const stdout = { text: "", write(s: string) { this.text += s; return true; } };
    const stderr = { text: "", write(s: string) { this.text += s; return true; } };
    const code = await main(["up", "--stack", "staging", "--json"], { stdout, stderr }, { workDir: FIXTURE_PROJECT, openStack: async () => stack });
    expect(code).to.equal(EXIT.deploymentRolledBack);
    const e = JSON.parse(stdout.text).error;
    expect(e.type).to.equal("DeploymentRolledBackError");
    expect(e.failed[0]).to.include({ region: "eu-west-1", service: "web" });
    expect(stderr.text).to.contain("web in eu-west-1: rolled back");
  });
});
