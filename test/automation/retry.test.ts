import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { AwsHealthChecker, AwsIdentityChecker, type HealthTarget } from "../../automation/health";
import { isTransientAwsError, jitteredBackoff, retryTransient } from "../../automation/retry";
import { FakeClock } from "./doubles";

const awsError = (name: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(`${name} happened`), { name, ...extra });

describe("automation/retry", () => {
  it("classifies throttling, 429/5xx, timeouts and network errors as transient, the rest not", () => {
    for (const e of [
      awsError("ThrottlingException"),
      awsError("Throttling"),
      awsError("TooManyRequestsException"),
      awsError("RequestLimitExceeded"),
      awsError("Whatever", { $metadata: { httpStatusCode: 429 } }),
      awsError("InternalFailure", { $metadata: { httpStatusCode: 500 } }),
      awsError("ServiceUnavailable", { $metadata: { httpStatusCode: 503 } }),
      awsError("TimeoutError"),
      awsError("Error", { code: "ECONNRESET" }),
      awsError("Error", { $retryable: {} }),
      awsError("Wrapped", { cause: awsError("ThrottlingException") }),
    ]) {
      expect(isTransientAwsError(e), e.name).to.equal(true);
    }
    for (const e of [
      awsError("AccessDeniedException", { $metadata: { httpStatusCode: 400 } }),
      awsError("CredentialsProviderError"),
      awsError("ClusterNotFoundException"),
      awsError("AbortError", { $retryable: {} }),
      "a string",
    ]) {
      expect(isTransientAwsError(e)).to.equal(false);
    }
  });

  it("backs off exponentially with equal jitter, capped", () => {
    expect([1, 2, 3, 4].map((r) => jitteredBackoff(r, { random: () => 0 }))).to.deep.equal([500, 1000, 2000, 4000]);
    expect([1, 2, 3].map((r) => jitteredBackoff(r, { random: () => 0.999999 }))).to.deep.equal([1000, 2000, 4000]);
    expect(jitteredBackoff(20, { random: () => 0 })).to.equal(15000);
  });

  it("retries transient errors until the deadline, never past it, and not others at all", async () => {
    const clock = new FakeClock();
    let n = 0;
    const value = await retryTransient(async () => (++n < 4 ? Promise.reject(awsError("ThrottlingException")) : "ok"), { clock, deadline: clock.now().getTime() + 60_000, random: () => 0.5 });
    expect(value).to.equal("ok");
    expect(clock.sleeps).to.deep.equal([750, 1500, 3000]);

    const c2 = new FakeClock();
    const start = c2.now().getTime();
    const err = await retryTransient(() => Promise.reject(awsError("ThrottlingException")), { clock: c2, deadline: start + 10_000, random: () => 0.5 }).catch((e: Error) => e);
    expect((err as Error).name).to.equal("ThrottlingException");
    expect(c2.now().getTime() - start).to.equal(10_000);

    const c3 = new FakeClock();
    let calls = 0;
    await retryTransient(() => {
      calls++;
      return Promise.reject(awsError("AccessDeniedException"));
    }, { clock: c3, deadline: Infinity }).catch(() => undefined);
    expect(calls).to.equal(1);
  });
});

describe("automation/health: transient AWS errors and caller identity", () => {
  const ecs = mockClient(ECSClient);
  const cw = mockClient(CloudWatchClient);
  const sts = mockClient(STSClient);
  const TARGET: HealthTarget = { kind: "region", key: "eu-west-1", region: "eu-west-1", service: "web", image: "r.example.com/web@sha256:" + "a".repeat(64) };
  const OUTPUTS = { regions: { "eu-west-1": { clusterName: "c", services: { web: { serviceName: "web-svc", alarms: ["web-5xx"] } } } } };

  beforeEach(() => {
    ecs.reset();
    cw.reset();
    sts.reset();
  });
  after(() => {
    ecs.restore();
    cw.restore();
    sts.restore();
  });

  it("marks a check that a throttled call could not make as transient, and a refused one not", async () => {
    const checker = new AwsHealthChecker({ ecs: (region) => new ECSClient({ region }), cloudwatch: (region) => new CloudWatchClient({ region }) });
    ecs.on(DescribeServicesCommand).rejects(awsError("ThrottlingException", { $metadata: { httpStatusCode: 400 } }));
    let r = await checker.check(TARGET, OUTPUTS);
    expect(r.checks).to.deep.equal([{ name: "service", ok: false, detail: "DescribeServices failed: ThrottlingException: ThrottlingException happened", transient: true }]);
    ecs.on(DescribeServicesCommand).rejects(awsError("AccessDeniedException"));
    r = await checker.check(TARGET, OUTPUTS);
    expect(r.checks[0]).to.not.have.property("transient");
    cw.on(DescribeAlarmsCommand).rejects(awsError("InternalFailure", { $metadata: { httpStatusCode: 500 } }));
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: "web-svc", status: "ACTIVE", runningCount: 1, desiredCount: 1, deployments: [{ status: "PRIMARY", rolloutState: "COMPLETED" }] }] });
    r = await checker.check(TARGET, OUTPUTS);
    expect(r.checks.find((c) => c.name === "alarms")).to.include({ ok: false, transient: true });
  });

  it("asks STS who the credentials are, per region", async () => {
    const regions: string[] = [];
    sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/ops" });
    const id = new AwsIdentityChecker((region) => {
      regions.push(region);
      return new STSClient({ region });
    });
    expect(await id.callerIdentity("eu-west-1")).to.deep.equal({ account: "123456789012", arn: "arn:aws:iam::123456789012:user/ops" });
    await id.callerIdentity("eu-west-1");
    await id.callerIdentity("us-east-1");
    expect(regions).to.deep.equal(["eu-west-1", "us-east-1"]);
    sts.on(GetCallerIdentityCommand).rejects(awsError("ExpiredToken"));
    const err = await id.callerIdentity("eu-west-1").catch((e: Error) => e);
    expect((err as Error).name).to.equal("ExpiredToken");
  });
});
