import { expect } from "chai";
import { validateConfig, ConfigIssue } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";

const NOW = new Date("2026-01-01T00:00:00Z");

function raw(services: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, string> {
  const out: Record<string, string> = {
    "aws:region": "eu-west-1",
    "ecs-fleet:regions": JSON.stringify({ "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.20.0.0/16" } }),
    "ecs-fleet:services": JSON.stringify(services),
  };
  for (const [k, v] of Object.entries(extra)) out[`ecs-fleet:${k}`] = JSON.stringify(v);
  return out;
}

function issues(services: Record<string, unknown>, extra: Record<string, unknown> = {}): ConfigIssue[] {
  const r = validateConfig(raw(services, extra), { stack: "dev", project: "ecs-fleet", now: NOW });
  return r.ok ? [] : r.issues;
}

function messages(services: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] {
  return issues(services, extra).map((i) => `${i.path}: ${i.message}`);
}

function plan(services: Record<string, unknown>, extra: Record<string, unknown> = {}, stack = "dev") {
  const r = validateConfig(raw(services, extra), { stack, project: "ecs-fleet", now: NOW });
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return planFleet(r.config, { project: "ecs-fleet", stack });
}

const web = { image: "nginx:1.27", cpu: 256, memory: 512, containerPort: 8080, public: true };

describe("services config: validation", () => {
  it("accepts a full service as in the issue", () => {
    expect(
      messages({
        web: {
          ...web,
          path: "/*",
          healthCheck: { path: "/healthz", gracePeriodSeconds: 60 },
          autoscaling: { min: 2, max: 20, cpuTarget: 60, requestsPerTarget: 1000, schedule: [{ cron: "cron(0 7 * * ? *)", min: 4, max: 20 }] },
          capacity: { fargateBase: 1, fargateWeight: 1, spotWeight: 3 },
          environment: { LOG_LEVEL: "info" },
          secrets: { DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" },
          overrides: { "us-east-1": { autoscaling: { min: 4, max: 40 } } },
        },
      }, { dns: { zone: "example.com" } }),
    ).to.deep.equal([]);
  });

  it("public without containerPort", () => {
    expect(messages({ web: { image: "nginx", cpu: 256, memory: 512, public: true } })).to.deep.equal([
      "ecs-fleet:services.web.public: a public service needs containerPort: the port the load balancer forwards to",
    ]);
  });

  it("requestsPerTarget on a non-public service", () => {
    expect(messages({ api: { image: "x", cpu: 256, memory: 512, containerPort: 80, autoscaling: { min: 1, max: 2, requestsPerTarget: 100 } } })).to.deep.equal([
      "ecs-fleet:services.api.autoscaling.requestsPerTarget: requestsPerTarget counts ALB requests and needs public: true; use cpuTarget or memoryTarget for a service without a load balancer",
    ]);
  });

  it("min above max, in the service and in an override", () => {
    expect(messages({ web: { ...web, autoscaling: { min: 5, max: 2, cpuTarget: 50 } } })).to.deep.equal([
      "ecs-fleet:services.web.autoscaling.min: min 5 is above max 2; min must be at most max",
    ]);
    expect(messages({ web: { ...web, autoscaling: { min: 1, max: 4, cpuTarget: 50 }, overrides: { "us-east-1": { autoscaling: { min: 8 } } } } })).to.deep.equal([
      "ecs-fleet:services.web.overrides.us-east-1.autoscaling.min: min 8 is above max 4; min must be at most max",
    ]);
  });

  it("desiredCount outside [min, max]", () => {
    expect(messages({ web: { ...web, desiredCount: 1, autoscaling: { min: 2, max: 20, cpuTarget: 60 } } })).to.deep.equal([
      "ecs-fleet:services.web.desiredCount: must be within autoscaling min and max (2 to 20), got 1",
    ]);
    expect(messages({ web: { ...web, desiredCount: 3, autoscaling: { min: 2, max: 20, cpuTarget: 60 }, overrides: { "us-east-1": { desiredCount: 30 } } } })).to.deep.equal([
      "ecs-fleet:services.web.overrides.us-east-1.desiredCount: desiredCount 30 must be within autoscaling min and max in us-east-1 (2 to 20)",
    ]);
  });

  it("targets outside (0, 100]", () => {
    expect(messages({ web: { ...web, autoscaling: { min: 1, max: 2, cpuTarget: 0, memoryTarget: 101 } } })).to.deep.equal([
      "ecs-fleet:services.web.autoscaling.cpuTarget: must be above 0 and at most 100, got 0",
      "ecs-fleet:services.web.autoscaling.memoryTarget: must be above 0 and at most 100, got 101",
    ]);
  });

  it("two services with the same host and path, naming both", () => {
    expect(messages({ web: { ...web }, shop: { ...web } })).to.deep.equal([
      "ecs-fleet:services.web.path: services shop and web both route host (any) and path /* in eu-west-1, us-east-1; give one of them another path or host",
    ]);
    expect(messages({ a: { ...web, host: "a.example.com", path: "/x/*" }, b: { ...web, host: "a.example.com", path: "/x/*", regions: ["us-east-1"] } })).to.deep.equal([
      "ecs-fleet:services.b.path: services a and b both route host a.example.com and path /x/* in us-east-1; give one of them another path or host",
    ]);
    // Different regions, or a different host: no conflict.
    expect(messages({ a: { ...web, regions: ["eu-west-1"] }, b: { ...web, regions: ["us-east-1"] } })).to.deep.equal([]);
    expect(messages({ a: { ...web }, b: { ...web, host: "b.example.com" } })).to.deep.equal([]);
  });

  it("capacity with all weights 0", () => {
    expect(messages({ web: { ...web, capacity: { fargateBase: 2 } } })).to.deep.equal([
      "ecs-fleet:services.web.capacity: at least one of fargateWeight and spotWeight must be above 0 (with all weights 0 ECS cannot place tasks beyond the base)",
    ]);
  });

  it("secrets that are not an ARN or parameter name, and names both plain and secret", () => {
    expect(messages({ web: { ...web, environment: { TOKEN: "x" }, secrets: { TOKEN: "/p/token", DB: "arn:aws:s3:::bucket/key" } } })).to.deep.equal([
      "ecs-fleet:services.web.secrets.TOKEN: TOKEN is also set in environment; a variable is either plain or secret, remove one",
      'ecs-fleet:services.web.secrets.DB: expected a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name, got "arn:aws:s3:::bucket/key"',
    ]);
    expect(messages({ web: { ...web, environment: { TOKEN: "x" }, overrides: { "us-east-1": { secrets: { TOKEN: "/p/token" } } } } })).to.deep.equal([
      "ecs-fleet:services.web.overrides.us-east-1.secrets.TOKEN: TOKEN is also set in environment; a variable is either plain or secret, remove one",
    ]);
  });

  it("a health path that does not start with /", () => {
    expect(messages({ web: { ...web, healthCheck: { path: "healthz" } } })).to.deep.equal([
      'ecs-fleet:services.web.healthCheck.path: must start with "/", e.g. /healthz, got "healthz"',
    ]);
  });

  it("an override's autoscaling without min and max on a service without autoscaling", () => {
    expect(messages({ web: { ...web, overrides: { "us-east-1": { autoscaling: { cpuTarget: 50 } } } } })).to.deep.equal([
      "ecs-fleet:services.web.overrides.us-east-1.autoscaling: the service has no autoscaling of its own: give both min and max here",
    ]);
  });

  it("unknown keys, log retention and dns zone", () => {
    expect(messages({ web: { ...web, autoscalling: {} } })[0]).to.match(/^ecs-fleet:services\.web\.autoscalling: unknown key \(did you mean autoscaling\?\)/);
    expect(messages({ web: { ...web, logRetentionDays: 10 } })).to.deep.equal([
      "ecs-fleet:services.web.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 10",
    ]);
    expect(messages({ web }, { dns: { zone: "Example.com" } })).to.deep.equal([
      'ecs-fleet:dns.zone: expected the name of an existing public Route 53 hosted zone, e.g. example.com (lowercase), got "Example.com"',
    ]);
  });
});

describe("services config: planning", () => {
  it("resolves overrides, capacity, environment and secrets per region", () => {
    const p = plan({
      web: {
        ...web,
        autoscaling: { min: 2, max: 20, cpuTarget: 60 },
        capacity: { fargateBase: 1, fargateWeight: 1, spotWeight: 3 },
        environment: { B: "2", A: "1" },
        secrets: { S: "/app/s" },
        overrides: { "us-east-1": { autoscaling: { min: 4, max: 40 }, environment: { A: "us" }, capacity: { spotWeight: 1 } } },
      },
    });
    const eu = p.regions[0].services[0];
    const us = p.regions[1].services[0];
    expect(eu.desiredCount).to.equal(2);
    expect(eu.autoscaling).to.deep.include({ min: 2, max: 20, cpuTarget: 60 });
    expect(us.autoscaling).to.deep.include({ min: 4, max: 40, cpuTarget: 60 });
    expect(us.desiredCount).to.equal(4);
    expect(eu.capacity).to.deep.equal([
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 },
    ]);
    expect(us.capacity).to.deep.equal([{ capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }]);
    expect(Object.keys(eu.environment)).to.deep.equal(["A", "B"]);
    expect(us.environment).to.deep.equal({ A: "us", B: "2" });
    expect(eu.secrets.S).to.deep.equal({ valueFrom: "/app/s", ref: { kind: "ssm-name", name: "/app/s" } });
    expect(p.warnings).to.include("services.web: all tasks in us-east-1 run on FARGATE_SPOT and may all be interrupted at once; give capacity.fargateBase or fargateWeight for a floor");
  });

  it("defaults: all FARGATE, desiredCount 1, health /, log retention 30, no ALB without public services", () => {
    const p = plan({ worker: { image: "x", cpu: 256, memory: 512 } });
    const s = p.regions[0].services[0];
    expect(s.capacity).to.deep.equal([{ capacityProvider: "FARGATE", base: 0, weight: 1 }]);
    expect(s.desiredCount).to.equal(1);
    expect(s.healthCheck).to.deep.equal({ path: "/", gracePeriodSeconds: 60 });
    expect(s.logRetentionDays).to.equal(30);
    expect(s.routing).to.equal(undefined);
    expect(p.regions[0].alb).to.equal(undefined);
    expect(s.alarms.map((a) => a.kind)).to.deep.equal(["runningTasks"]);
  });

  it("deletion protection: on for prod* stacks, off otherwise, configurable", () => {
    expect(plan({ web }, {}, "prod").regions[0].alb?.deletionProtection).to.equal(true);
    expect(plan({ web }, {}, "production-eu").regions[0].alb?.deletionProtection).to.equal(true);
    expect(plan({ web }, {}, "dev").regions[0].alb?.deletionProtection).to.equal(false);
    expect(plan({ web }, { alb: { deletionProtection: false } }, "prod").regions[0].alb?.deletionProtection).to.equal(false);
    expect(plan({ web }, { alb: { deletionProtection: true } }, "dev").regions[0].alb?.deletionProtection).to.equal(true);
  });

  it("with DNS: HTTPS, wildcard certificate, host headers, health query and DNS records", () => {
    const p = plan({ web: { ...web, host: "www.example.com", healthCheck: { path: "/healthz" } } }, { dns: { zone: "example.com" } });
    const r = p.regions[0];
    expect(r.alb?.https).to.deep.equal({ zone: "example.com", certificateDomain: "*.example.com", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
    const routing = r.services[0].routing!;
    expect(routing.hostHeaders).to.deep.equal(["www.example.com", "web.example.com", "web-eu-west-1.example.com"]);
    expect(routing.healthQuery).to.deep.equal({ key: "ecs-fleet-health", value: "web" });
    expect(routing.healthRulePriority).to.be.within(1, 1000);
    expect(routing.url).to.deep.equal({ scheme: "https", host: "web-eu-west-1.example.com", path: "/" });
    expect(p.dns).to.deep.equal({
      zone: "example.com",
      records: [
        {
          service: "web",
          fqdn: "web.example.com",
          healthCheckPath: "/healthz?ecs-fleet-health=web",
          urlPath: "/",
          regions: [
            { region: "eu-west-1", regionalFqdn: "web-eu-west-1.example.com" },
            { region: "us-east-1", regionalFqdn: "web-us-east-1.example.com" },
          ],
        },
      ],
    });
  });
});
