import { expect } from "chai";
import * as path from "path";
import { spawnSync } from "child_process";
import * as aws from "@pulumi/aws";
import { FargateService, FargateServiceArgs } from "../../components/fargate-service";
import { validateConfig } from "../../stacks/validate";
import { RegionalServiceSpec, planFleet } from "../../stacks/plan";
import { MOCK_ACCOUNT_ID, RecordedResource } from "../../offline/mocks";
import { recorder, registered, valueOf } from "../helpers";

function spec(service: Record<string, unknown>, opts: { dns?: boolean; region?: string; stack?: string } = {}): RegionalServiceSpec {
  const raw: Record<string, string> = {
    "aws:region": "eu-west-1",
    "ecs-fleet:regions": JSON.stringify({ "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.20.0.0/16" } }),
    "ecs-fleet:services": JSON.stringify({ web: service }),
  };
  if (opts.dns) raw["ecs-fleet:dns"] = JSON.stringify({ zone: "example.com" });
  const stack = opts.stack ?? "dev";
  const r = validateConfig(raw, { stack, project: "ecs-fleet", now: new Date(0) });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const plan = planFleet(r.config, { project: "ecs-fleet", stack });
  return plan.regions.find((x) => x.region === (opts.region ?? "eu-west-1"))!.services[0];
}

const LB = { securityGroupId: "sg-alb", listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/x/1/2", arnSuffix: "app/x/1", dnsName: "x-1.eu-west-1.elb.amazonaws.com" };

function baseArgs(s: RegionalServiceSpec, region = "eu-west-1", lb = s.routing ? LB : undefined): FargateServiceArgs {
  return {
    spec: s,
    region,
    clusterName: "ecs-fleet-dev",
    clusterArn: `arn:aws:ecs:${region}:123456789012:cluster/ecs-fleet-dev`,
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
    peerSecurityGroupId: "sg-peer",
    serviceConnectNamespaceArn: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1",
    loadBalancer: lb,
  };
}

function build(s: RegionalServiceSpec, region = "eu-west-1", lb = s.routing ? LB : undefined): FargateService {
  const provider = new aws.Provider(`aws-${region}`, { region: region as aws.Region });
  return new FargateService(`${region}-${s.name}`, baseArgs(s, region, lb), { provider });
}

const one = (type: string): RecordedResource => recorder.one(type);

const KEY_EU = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_US = "arn:aws:kms:us-east-1:111122223333:key/9876abcd-12ab-34cd-56ef-1234567890ab";

const publicWeb = {
  image: "nginx:1.27",
  cpu: 256,
  memory: 512,
  containerPort: 8080,
  public: true,
  healthCheck: { path: "/healthz", gracePeriodSeconds: 45 },
  autoscaling: { min: 2, max: 20, cpuTarget: 60, memoryTarget: 70, requestsPerTarget: 1000, schedule: [{ cron: "cron(0 7 * * ? *)", min: 4, max: 20, timezone: "Europe/Dublin" }] },
  capacity: { fargateBase: 1, fargateWeight: 1, spotWeight: 3 },
  environment: { LOG_LEVEL: "info" },
  secrets: {
    // In another account: encrypted with customer managed keys, which the refs name.
    DB_PASSWORD: { valueFrom: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db:password::", kmsKey: KEY_EU },
    API_KEY: "/prod/api/key",
    TOKEN: { valueFrom: "arn:aws:ssm:us-east-1:111122223333:parameter/shared/token", kmsKey: KEY_US },
  },
};

describe("FargateService component", () => {
  it("runs in private subnets without public IP, with circuit breaker, deployment alarms, grace period and the capacity strategy", async () => {
    const c = build(spec(publicWeb));
    await registered();
    const svc = one("aws:ecs/service:Service");
    expect(svc.inputs.name).to.equal("web");
    const sgId = await valueOf(c.securityGroup.id);
    expect(svc.inputs.networkConfiguration).to.deep.equal({ subnets: ["subnet-priv-a", "subnet-priv-b"], securityGroups: [sgId, "sg-peer"], assignPublicIp: false });
    expect(svc.inputs.deploymentCircuitBreaker).to.deep.equal({ enable: true, rollback: true });
    expect(svc.inputs.alarms).to.deep.equal({ alarmNames: ["ecs-fleet-dev-web-target-5xx", "ecs-fleet-dev-web-unhealthy-targets", "ecs-fleet-dev-web-running-tasks"], enable: true, rollback: true });
    expect(svc.inputs.healthCheckGracePeriodSeconds).to.equal(45);
    expect(svc.inputs.capacityProviderStrategies).to.deep.equal([
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 },
    ]);
    expect(svc.inputs).to.not.have.property("launchType");
    expect(svc.inputs.desiredCount).to.equal(2);
    expect(svc.inputs.loadBalancers).to.deep.equal([{ targetGroupArn: await valueOf(c.targetGroup!.arn), containerName: "web", containerPort: 8080 }]);
    // The service waits for its listener rules (a target group must be attached to a load balancer first).
    for (const rule of recorder.ofType("aws:lb/listenerRule:ListenerRule")) expect(svc.options.dependsOn).to.include(rule.urn);
    expect(svc.options.deleteBeforeReplace).to.equal(true);
  });

  it("ignores desiredCount on update when auto scaling is on, and only then", async () => {
    build(spec(publicWeb));
    await registered();
    expect(one("aws:ecs/service:Service").options.ignoreChanges).to.deep.equal(["desiredCount"]);

    recorder.reset();
    build(spec({ image: "x", cpu: 256, memory: 512, desiredCount: 2 }));
    await registered();
    expect(one("aws:ecs/service:Service").options.ignoreChanges).to.deep.equal([]);
    expect(recorder.ofType("aws:appautoscaling/target:Target")).to.have.length(0);
  });

  it("scales: target with min/max, one target-tracking policy per metric, scheduled actions", async () => {
    build(spec(publicWeb));
    await registered();
    const target = one("aws:appautoscaling/target:Target");
    expect(target.inputs).to.deep.include({ serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/ecs-fleet-dev/web", minCapacity: 2, maxCapacity: 20 });
    const policies = recorder.ofType("aws:appautoscaling/policy:Policy").map((p) => (p.inputs.targetTrackingScalingPolicyConfiguration as any));
    expect(policies.map((p) => [p.predefinedMetricSpecification.predefinedMetricType, p.targetValue])).to.deep.equal([
      ["ECSServiceAverageCPUUtilization", 60],
      ["ECSServiceAverageMemoryUtilization", 70],
      ["ALBRequestCountPerTarget", 1000],
    ]);
    expect(policies[2].predefinedMetricSpecification.resourceLabel).to.match(/^app\/x\/1\/targetgroup\/web-/);
    const scheduled = one("aws:appautoscaling/scheduledAction:ScheduledAction");
    expect(scheduled.inputs).to.deep.include({ schedule: "cron(0 7 * * ? *)", timezone: "Europe/Dublin", resourceId: "service/ecs-fleet-dev/web" });
    expect(scheduled.inputs.scalableTargetAction).to.deep.equal({ minCapacity: 4, maxCapacity: 20 });
    // Identity from content, not list position.
    expect(scheduled.name).to.match(/^eu-west-1-web-schedule-[0-9a-f]{8}$/);
  });

  it("scopes the execution role's secret permission to exactly the referenced ARNs; separate task role", async () => {
    const c = build(spec(publicWeb));
    await registered();
    const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    const byId = Object.fromEntries(policy.Statement.map((st: any) => [st.Sid, st]));
    expect(byId.ReadSecrets).to.deep.equal({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-??????"] });
    expect(byId.ReadParameters).to.deep.equal({
      Sid: "ReadParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: [`arn:aws:ssm:eu-west-1:${MOCK_ACCOUNT_ID}:parameter/prod/api/key`, "arn:aws:ssm:us-east-1:111122223333:parameter/shared/token"],
    });
    expect(byId.WriteLogs.Resource).to.deep.equal([`arn:aws:logs:eu-west-1:${MOCK_ACCOUNT_ID}:log-group:/ecs/ecs-fleet/dev/web:*`]);
    // The cross-account secrets' customer managed keys, used only through Secrets Manager / SSM.
    expect(byId.DecryptSecrets).to.deep.equal({
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [KEY_EU, KEY_US],
      Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"] } },
    });
    // A Docker Hub image needs no ECR permission: no statement uses a wildcard resource.
    expect(policy.Statement.filter((st: any) => st.Resource === "*").map((st: any) => st.Sid)).to.deep.equal([]);
    const roles = recorder.ofType("aws:iam/role:Role");
    expect(roles.map((r) => r.inputs.name)).to.deep.equal(["ecs-fleet-dev-euw1-web-task", "ecs-fleet-dev-euw1-web-exec"]);
    const td = one("aws:ecs/taskDefinition:TaskDefinition");
    expect(td.inputs.taskRoleArn).to.equal(await valueOf(c.taskRole.arn));
    expect(td.inputs.executionRoleArn).to.equal(await valueOf(c.executionRole.arn));
    expect(td.inputs.taskRoleArn).to.not.equal(td.inputs.executionRoleArn);
    const trust = JSON.parse(roles[0].inputs.assumeRolePolicy as string);
    expect(trust.Statement[0].Principal).to.deep.equal({ Service: "ecs-tasks.amazonaws.com" });
    expect(trust.Statement[0].Condition.StringEquals).to.deep.equal({ "aws:SourceAccount": MOCK_ACCOUNT_ID });
    // Account and partition came from the region's provider.
    for (const token of ["aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition"]) {
      const calls = recorder.invokes.filter((i) => i.token === token);
      expect(calls.length).to.be.greaterThan(0);
      for (const call of calls) expect(call.region).to.equal("eu-west-1");
    }
  });

  it("readonlyRootFilesystem reaches the container definition", async () => {
    build(spec({ image: "x", cpu: 256, memory: 512, readonlyRootFilesystem: true }));
    await registered();
    const [container] = JSON.parse(one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions as string);
    expect(container.readonlyRootFilesystem).to.equal(true);
  });

  it("a service without secrets gets no secret permission at all", async () => {
    build(spec({ image: "x", cpu: 256, memory: 512 }));
    await registered();
    const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    expect(policy.Statement.map((s: any) => s.Sid)).to.deep.equal(["WriteLogs"]);
  });

  it("fails the deployment when a secret in another account names no KMS key (the caller's account is 123456789012)", () => {
    const run = (secret: string) =>
      spawnSync(process.execPath, ["-r", "tsx/cjs", path.join(__dirname, "run", "cross-account-secret.ts"), secret], { encoding: "utf8", cwd: path.resolve(__dirname, "..", "..") });
    const failed = run("arn:aws:secretsmanager:eu-west-1:111122223333:secret:db");
    expect(failed.status, failed.stderr).to.equal(3);
    expect(failed.stdout).to.contain(
      "service web in eu-west-1, secret DB: arn:aws:secretsmanager:eu-west-1:111122223333:secret:db is in account 111122223333, not the deploying account 123456789012",
    );
    expect(failed.stdout).to.contain("aws/secretsmanager cannot be used across accounts");
  });

  it("grants ECR pulls only for a private ECR image, on its repository (GetAuthorizationToken alone on *)", async () => {
    build(spec({ image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2", cpu: 256, memory: 512 }));
    await registered();
    const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    expect(policy.Statement.slice(0, 2)).to.deep.equal([
      { Sid: "AuthenticateToEcr", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      { Sid: "PullImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: ["arn:aws:ecr:eu-west-1:111122223333:repository/team/web"] },
    ]);
  });

  it("task definition waits for the execution role's policy; the service for the capacity providers", async () => {
    const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
    const cluster = new aws.ecs.ClusterCapacityProviders("cp", { clusterName: "ecs-fleet-dev", capacityProviders: ["FARGATE", "FARGATE_SPOT"] }, { provider });
    const s = spec({ image: "x", cpu: 256, memory: 512 });
    new FargateService("eu-west-1-web", { ...baseArgs(s), capacityProviders: cluster }, { provider });
    await registered();
    expect(one("aws:ecs/taskDefinition:TaskDefinition").options.dependsOn).to.include(one("aws:iam/rolePolicy:RolePolicy").urn);
    expect(one("aws:ecs/service:Service").options.dependsOn).to.include(one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").urn);
  });

  it("task definition: awsvpc Fargate, container with port mapping, awslogs, environment and secrets", async () => {
    build(spec(publicWeb));
    await registered();
    const td = one("aws:ecs/taskDefinition:TaskDefinition");
    expect(td.inputs).to.deep.include({ family: "ecs-fleet-dev-web", networkMode: "awsvpc", cpu: "256", memory: "512", requiresCompatibilities: ["FARGATE"] });
    const [container] = JSON.parse(td.inputs.containerDefinitions as string);
    expect(container.readonlyRootFilesystem).to.equal(false);
    expect(container.portMappings).to.deep.equal([{ name: "http", containerPort: 8080, protocol: "tcp", appProtocol: "http" }]);
    expect(container.environment).to.deep.equal([{ name: "LOG_LEVEL", value: "info" }]);
    expect(container.secrets).to.deep.equal([
      { name: "API_KEY", valueFrom: "/prod/api/key" },
      { name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db:password::" },
      { name: "TOKEN", valueFrom: "arn:aws:ssm:us-east-1:111122223333:parameter/shared/token" },
    ]);
    expect(container.logConfiguration).to.deep.equal({
      logDriver: "awslogs",
      options: { "awslogs-group": "/ecs/ecs-fleet/dev/web", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web" },
    });
    expect(one("aws:cloudwatch/logGroup:LogGroup").inputs).to.deep.include({ name: "/ecs/ecs-fleet/dev/web", retentionInDays: 30 });
  });

  it("security groups: the container port only, only from the ALB and Service Connect peers; every group and rule described", async () => {
    const c = build(spec(publicWeb));
    await registered();
    const sgId = await valueOf(c.securityGroup.id);
    const ingress = recorder.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.map((r) => ({ sg: r.inputs.securityGroupId, from: r.inputs.referencedSecurityGroupId, port: [r.inputs.fromPort, r.inputs.toPort], proto: r.inputs.ipProtocol, cidr: r.inputs.cidrIpv4 }))).to.deep.equal([
      { sg: sgId, from: "sg-peer", port: [8080, 8080], proto: "tcp", cidr: undefined },
      { sg: sgId, from: "sg-alb", port: [8080, 8080], proto: "tcp", cidr: undefined },
    ]);
    const albEgress = recorder.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.securityGroupId === "sg-alb");
    expect(albEgress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort])).to.deep.equal([[sgId, 8080, 8080]]);
    for (const r of [...recorder.ofType("aws:ec2/securityGroup:SecurityGroup"), ...ingress, ...recorder.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")]) {
      expect(r.inputs.description, r.name).to.be.a("string").and.not.equal("");
    }
  });

  it("a worker without a port admits nothing, and joins Service Connect as a client only", async () => {
    build(spec({ image: "x", cpu: 256, memory: 512 }));
    await registered();
    expect(recorder.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).to.have.length(0);
    const svc = one("aws:ecs/service:Service");
    expect(svc.inputs.serviceConnectConfiguration).to.deep.equal({ enabled: true, namespace: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1" });
    expect(svc.inputs).to.not.have.property("healthCheckGracePeriodSeconds");
    expect(svc.inputs.loadBalancers).to.deep.equal([]);
    expect(recorder.ofType("aws:lb/targetGroup:TargetGroup")).to.have.length(0);
  });

  it("Service Connect: a service with a port is reachable at http://<service>:<port>", async () => {
    const c = build(spec({ image: "x", cpu: 256, memory: 512, containerPort: 9200 }));
    await registered();
    expect(one("aws:ecs/service:Service").inputs.serviceConnectConfiguration).to.deep.equal({
      enabled: true,
      namespace: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1",
      services: [{ portName: "http", discoveryName: "web", clientAlias: [{ port: 9200, dnsName: "web" }] }],
    });
    expect(c.internalUrl).to.equal("http://web:9200");
  });

  it("target group: auto-named by a short prefix, type ip, the health path; listener rules at the planned priorities", async () => {
    const s = spec(publicWeb, { dns: true });
    build(s);
    await registered();
    const tg = one("aws:lb/targetGroup:TargetGroup");
    expect(tg.inputs).to.not.have.property("name");
    expect(tg.inputs.namePrefix).to.equal("web-");
    expect(tg.inputs).to.deep.include({ targetType: "ip", port: 8080, protocol: "HTTP", vpcId: "vpc-1" });
    expect((tg.inputs.healthCheck as any).path).to.equal("/healthz");
    const rules = recorder.ofType("aws:lb/listenerRule:ListenerRule");
    expect(rules.map((r) => r.inputs.priority)).to.deep.equal([s.routing!.priority, s.routing!.healthRulePriority]);
    // With DNS the rule carries the service's own names (routing by host).
    expect(rules[0].inputs.conditions).to.deep.equal([{ pathPattern: { values: ["/*"] } }, { hostHeader: { values: ["web.example.com", "web-eu-west-1.example.com"] } }]);
    expect(rules[1].inputs.conditions).to.deep.equal([{ pathPattern: { values: ["/healthz"] } }, { queryStrings: [{ key: "ecs-fleet-health", value: "web" }] }]);
    for (const r of rules) expect(r.inputs.listenerArn).to.equal(LB.listenerArn);
  });

  it("alarms: target 5xx rate and unhealthy targets on the ALB metrics, running tasks below the minimum", async () => {
    const c = build(spec(publicWeb));
    await registered();
    const alarms = recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    const byName = Object.fromEntries(alarms.map((a) => [a.inputs.name as string, a.inputs]));
    const tasks = byName["ecs-fleet-dev-web-running-tasks"];
    expect(tasks).to.deep.include({ namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", comparisonOperator: "LessThanThreshold", threshold: 2 });
    expect(tasks.dimensions).to.deep.equal({ ClusterName: "ecs-fleet-dev", ServiceName: "web" });
    const unhealthy = byName["ecs-fleet-dev-web-unhealthy-targets"];
    expect(unhealthy).to.deep.include({ namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
    expect((unhealthy.dimensions as any).LoadBalancer).to.equal("app/x/1");
    const rate = byName["ecs-fleet-dev-web-target-5xx"];
    expect((rate.metricQueries as any[]).map((q) => q.metric?.metricName ?? q.expression)).to.deep.equal(["IF(requests > 0, 100 * errors / requests, 0)", "HTTPCode_Target_5XX_Count", "RequestCount"]);
    expect(await valueOf(c.alarmNames)).to.deep.equal(["ecs-fleet-dev-web-target-5xx", "ecs-fleet-dev-web-unhealthy-targets", "ecs-fleet-dev-web-running-tasks"]);
  });

  it("every resource is on the region's provider; names fit AWS limits for a 40-character stack name", async () => {
    const stack = "prod-a-very-long-stack-name-for-limits-x";
    expect(stack).to.have.length(40);
    const s2 = spec({ ...publicWeb, regions: ["us-east-1"] }, { stack, region: "us-east-1" });
    build(s2, "us-east-1");
    await registered();
    for (const r of recorder.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
      expect(r.region, `${r.type} ${r.name}`).to.equal("us-east-1");
    }
    for (const r of recorder.ofType("aws:iam/role:Role")) expect((r.inputs.name as string).length).to.be.at.most(64);
    expect((one("aws:lb/targetGroup:TargetGroup").inputs.namePrefix as string).length).to.be.at.most(6);
  });

  it("keeps the logical names of the single-constructor version (no resource renamed by the split into steps)", async () => {
    build(spec(publicWeb, { dns: true }));
    await registered();
    const names = recorder.resources.filter((r) => r.custom).map((r) => `${r.type.split(":").pop()} ${r.name}`).sort();
    expect(names).to.deep.equal(
      [
        "LogGroup eu-west-1-web-logs",
        "Role eu-west-1-web-task",
        "Role eu-west-1-web-exec",
        "RolePolicy eu-west-1-web-exec",
        "TaskDefinition eu-west-1-web-task",
        "SecurityGroup eu-west-1-web-sg",
        "SecurityGroupEgressRule eu-west-1-web-out",
        "SecurityGroupIngressRule eu-west-1-web-in-peers",
        "SecurityGroupIngressRule eu-west-1-web-in-alb",
        "SecurityGroupEgressRule eu-west-1-web-alb-out",
        "TargetGroup eu-west-1-web-tg",
        "ListenerRule eu-west-1-web-rule",
        "ListenerRule eu-west-1-web-health-rule",
        "MetricAlarm eu-west-1-web-alarm-5xx",
        "MetricAlarm eu-west-1-web-alarm-unhealthy",
        "MetricAlarm eu-west-1-web-alarm-tasks",
        "Service eu-west-1-web-service",
        "Target eu-west-1-web-scaling",
        "Policy eu-west-1-web-cpu",
        "Policy eu-west-1-web-memory",
        "Policy eu-west-1-web-requests",
        `ScheduledAction eu-west-1-web-schedule-${spec(publicWeb).autoscaling!.schedule[0].key}`,
        "aws aws-eu-west-1",
      ].sort(),
    );
  });

  it("command, entryPoint, container health check and architecture reach the task definition", async () => {
    build(
      spec({
        image: "public.ecr.aws/docker/library/httpd:2.4",
        cpu: 256,
        memory: 512,
        containerPort: 80,
        architecture: "arm64",
        entryPoint: ["/bin/sh", "-c"],
        command: ["exec httpd-foreground", ""],
        healthCheck: { container: { command: ["CMD-SHELL", "kill -0 1"], interval: 10, retries: 2, startPeriod: 20 } },
      }),
    );
    await registered();
    const td = one("aws:ecs/taskDefinition:TaskDefinition").inputs;
    expect(td.runtimePlatform).to.deep.equal({ operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" });
    const [container] = JSON.parse(td.containerDefinitions as string);
    expect(container.entryPoint).to.deep.equal(["/bin/sh", "-c"]);
    expect(container.command).to.deep.equal(["exec httpd-foreground", ""]);
    expect(container.healthCheck).to.deep.equal({ command: ["CMD-SHELL", "kill -0 1"], interval: 10, timeout: 5, retries: 2, startPeriod: 20 });
  });

  it("defaults: x86_64, no command/entryPoint/health check (the image's own)", async () => {
    build(spec({ image: "x", cpu: 256, memory: 512, containerPort: 80 }));
    await registered();
    const td = one("aws:ecs/taskDefinition:TaskDefinition").inputs;
    expect(td.runtimePlatform).to.deep.equal({ operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" });
    const [container] = JSON.parse(td.containerDefinitions as string);
    expect(container).to.not.have.any.keys("command", "entryPoint", "healthCheck", "dockerLabels");
  });

  it("waits for steady state by default, with the timeout as customTimeouts create/update", async () => {
    build(spec({ image: "x", cpu: 256, memory: 512 }));
    await registered();
    const svc = one("aws:ecs/service:Service");
    expect(svc.inputs.waitForSteadyState).to.equal(true);
    expect(svc.options.customTimeouts).to.deep.include({ create: "30m", update: "30m" });
  });

  it("deployment.waitForSteadyState: false turns waiting off; timeoutMinutes and region overrides apply", async () => {
    build(
      spec({ image: "x", cpu: 256, memory: 512, deployment: { waitForSteadyState: false, timeoutMinutes: 45 }, overrides: { "us-east-1": { deployment: { waitForSteadyState: true } } } }),
    );
    await registered();
    const svc = one("aws:ecs/service:Service");
    expect(svc.inputs.waitForSteadyState).to.equal(false);
    expect(svc.options.customTimeouts).to.deep.include({ create: "45m", update: "45m" });
    const us = spec({ image: "x", cpu: 256, memory: 512, deployment: { waitForSteadyState: false, timeoutMinutes: 45 }, overrides: { "us-east-1": { deployment: { waitForSteadyState: true } } } }, { region: "us-east-1" });
    expect(us.deployment).to.deep.equal({ waitForSteadyState: true, timeoutMinutes: 45 });
  });

  it("schedules: the scalable target ignores min/max (the schedule sets them); without schedules it does not", async () => {
    build(spec(publicWeb));
    await registered();
    expect(one("aws:appautoscaling/target:Target").options.ignoreChanges).to.have.members(["minCapacity", "maxCapacity"]);
    recorder.reset();
    build(spec({ ...publicWeb, autoscaling: { min: 2, max: 20, cpuTarget: 60 } }));
    await registered();
    expect(one("aws:appautoscaling/target:Target").options.ignoreChanges).to.deep.equal([]);
  });

  it("a Service Connect client carries the endpoint hash label and is created after the resources it is given", async () => {
    const s = spec({ image: "x", cpu: 256, memory: 512 });
    expect(s.serviceConnect.server).to.equal(false);
    const provider = new aws.Provider("aws-x", { region: "eu-west-1" });
    const server = new aws.ecs.Service("server", { name: "server" }, { provider });
    new FargateService("eu-west-1-worker", {
      spec: s,
      region: "eu-west-1",
      clusterName: "c",
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/c",
      vpcId: "vpc-1",
      privateSubnetIds: ["subnet-a"],
      peerSecurityGroupId: "sg-peer",
      serviceConnectNamespaceArn: "arn:ns",
      after: [server],
    }, { provider });
    await registered();
    const svc = recorder.one("aws:ecs/service:Service", "eu-west-1-worker-service");
    const serverUrn = recorder.one("aws:ecs/service:Service", "server").urn;
    expect(svc.options.dependsOn).to.include(serverUrn);
    const [container] = JSON.parse(one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions as string);
    expect(container.dockerLabels).to.deep.equal({ "ecs-fleet.service-connect-endpoints": s.serviceConnect.endpointsHash });
  });
});
