import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type Service } from "@aws-sdk/client-ecs";
import { AwsHealthChecker, type HealthOutputs, type HealthTarget, alarmName, describeChecks } from "../../automation/health";

const IMAGE = "registry.example.com/web:2.0";
const TARGET: HealthTarget = { kind: "region", key: "eu-west-1", region: "eu-west-1", service: "web", image: IMAGE };
const TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7";

const OUTPUTS: HealthOutputs = {
  regions: {
    "eu-west-1": {
      clusterName: "fleet-eu-west-1",
      services: { web: { serviceName: "web-svc", alarms: ["web-5xx", "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-latency"] } },
    },
  },
  sites: { "dc-paris": { clusterName: "fleet-dc-paris", services: { web: { serviceName: "web-ext" } } } },
};

function service(over: Partial<Service> = {}): Service {
  return {
    serviceName: "web-svc",
    status: "ACTIVE",
    runningCount: 3,
    desiredCount: 3,
    deployments: [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED", taskDefinition: TD }],
    ...over,
  };
}

describe("automation/health: AwsHealthChecker", () => {
  const ecs = mockClient(ECSClient);
  const cw = mockClient(CloudWatchClient);
  const regionsAsked: string[] = [];
  let checker: AwsHealthChecker;

  beforeEach(() => {
    ecs.reset();
    cw.reset();
    regionsAsked.length = 0;
    checker = new AwsHealthChecker({
      ecs: (region) => {
        regionsAsked.push(`ecs:${region}`);
        return new ECSClient({ region });
      },
      cloudwatch: (region) => {
        regionsAsked.push(`cloudwatch:${region}`);
        return new CloudWatchClient({ region });
      },
    });
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "app", image: IMAGE }, { name: "log", image: "fluent-bit:2" }] } });
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: "web-5xx", StateValue: "OK" },
        { AlarmName: "web-latency", StateValue: "INSUFFICIENT_DATA" },
      ],
    });
  });

  after(() => {
    ecs.restore();
    cw.restore();
  });

  it("is healthy when the deployment completed, counts match, the image is new and no alarm fires", async () => {
    const r = await checker.check(TARGET, OUTPUTS);
    expect(r.healthy).to.equal(true);
    expect(r.checks.map((c) => [c.name, c.ok])).to.deep.equal([
      ["service", true],
      ["deployment", true],
      ["image", true],
      ["running-count", true],
      ["alarms", true],
    ]);
    // What was asked, and where.
    expect(ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).to.deep.equal({ cluster: "fleet-eu-west-1", services: ["web-svc"] });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input).to.deep.equal({ taskDefinition: TD });
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).to.deep.equal({
      AlarmNames: ["web-5xx", "web-latency"],
      AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
    });
    expect(regionsAsked).to.deep.equal(["ecs:eu-west-1", "cloudwatch:eu-west-1"]);
  });

  it("fails on an alarm in ALARM, naming it", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "web-5xx", StateValue: "ALARM" }], CompositeAlarms: [{ AlarmName: "web-latency", StateValue: "OK" }] });
    const r = await checker.check(TARGET, OUTPUTS);
    expect(r.healthy).to.equal(false);
    expect(r.checks.find((c) => c.name === "alarms")).to.deep.equal({ name: "alarms", ok: false, detail: "in ALARM: web-5xx" });
  });

  it("fails when an alarm the outputs name does not exist", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "web-5xx", StateValue: "OK" }] });
    const r = await checker.check(TARGET, OUTPUTS);
    expect(r.checks.find((c) => c.name === "alarms")?.detail).to.equal("not found in CloudWatch: web-latency");
  });

  it("reports a deployment in progress and a short running count as settling", async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [service({ runningCount: 1, deployments: [{ status: "PRIMARY", rolloutState: "IN_PROGRESS", taskDefinition: TD }, { status: "ACTIVE" }] })],
    });
    const r = await checker.check(TARGET, OUTPUTS);
    expect(r.healthy).to.equal(false);
    expect(r.checks.filter((c) => !c.ok)).to.deep.equal([
      { name: "deployment", ok: false, settling: true, detail: "primary deployment is IN_PROGRESS" },
      { name: "running-count", ok: false, settling: true, detail: "1 running of 3 desired" },
    ]);
  });

  it("reports a failed deployment (circuit breaker) as not settling", async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [service({ deployments: [{ id: "d2", status: "PRIMARY", rolloutState: "FAILED", rolloutStateReason: "tasks failed to start", taskDefinition: TD }] })],
    });
    const c = (await checker.check(TARGET, OUTPUTS)).checks.find((x) => x.name === "deployment");
    expect(c).to.deep.equal({ name: "deployment", ok: false, settling: false, detail: "primary deployment d2 is FAILED (tasks failed to start)" });
  });

  it("without a rollout state, waits until only the primary deployment is left", async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ deployments: [{ status: "PRIMARY", taskDefinition: TD }, { status: "ACTIVE" }] })] });
    const c = (await checker.check(TARGET, OUTPUTS)).checks.find((x) => x.name === "deployment");
    expect(c).to.deep.equal({ name: "deployment", ok: false, settling: true, detail: "1 older deployment(s) still draining" });
  });

  it("fails when the primary deployment runs another image", async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ image: "registry.example.com/web:1.0" }] } });
    const c = (await checker.check(TARGET, OUTPUTS)).checks.find((x) => x.name === "image");
    expect(c).to.deep.equal({ name: "image", ok: false, detail: `primary deployment runs registry.example.com/web:1.0, expected ${IMAGE}` });
  });

  it("fails on a missing or inactive service, and on AWS errors, without throwing", async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: "x", reason: "MISSING" }] });
    let r = await checker.check(TARGET, OUTPUTS);
    expect(r.checks).to.deep.equal([{ name: "service", ok: false, detail: "web-svc in fleet-eu-west-1: MISSING" }]);

    ecs.on(DescribeServicesCommand).resolves({ services: [service({ status: "DRAINING" })] });
    r = await checker.check(TARGET, OUTPUTS);
    expect(r.checks[0]).to.deep.equal({ name: "service", ok: false, detail: "web-svc in fleet-eu-west-1 is DRAINING" });

    const denied = Object.assign(new Error("not authorized to perform ecs:DescribeServices"), { name: "AccessDeniedException" });
    ecs.on(DescribeServicesCommand).rejects(denied);
    r = await checker.check(TARGET, OUTPUTS);
    expect(r.checks).to.deep.equal([{ name: "service", ok: false, detail: "DescribeServices failed: AccessDeniedException: not authorized to perform ecs:DescribeServices" }]);
  });

  it("fails when the outputs do not know the service", async () => {
    const r = await checker.check({ ...TARGET, key: "us-east-1", region: "us-east-1" }, OUTPUTS);
    expect(r.checks).to.deep.equal([{ name: "service", ok: false, detail: "stack outputs have no region us-east-1" }]);
    const r2 = await checker.check({ ...TARGET, service: "api" }, OUTPUTS);
    expect(r2.checks[0].detail).to.equal("stack outputs have no service api in region eu-west-1");
    expect(ecs.calls()).to.have.length(0);
  });

  it("checks a site through its region's ECS API, without alarms", async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ serviceName: "web-ext" })] });
    const r = await checker.check({ kind: "site", key: "dc-paris", region: "eu-west-1", service: "web", image: IMAGE }, OUTPUTS);
    expect(r.healthy).to.equal(true);
    expect(r.checks.map((c) => c.name)).to.deep.equal(["service", "deployment", "image", "running-count"]);
    expect(ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).to.deep.equal({ cluster: "fleet-dc-paris", services: ["web-ext"] });
    expect(cw.calls()).to.have.length(0);
  });

  it("reads alarm names out of ARNs, and describes its checks", () => {
    expect(alarmName("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-5xx")).to.equal("web-5xx");
    expect(alarmName("web-5xx")).to.equal("web-5xx");
    expect(describeChecks(TARGET)).to.have.length(4);
    expect(describeChecks({ ...TARGET, kind: "site", key: "dc-paris" })[0]).to.equal("ECS service web in site dc-paris (via eu-west-1) is ACTIVE");
  });
});
