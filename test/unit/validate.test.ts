import { expect } from "chai";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { CTX, rawConfig, validConfig } from "../config-fixtures";

function problems(config: Record<string, unknown>, homeRegion: string | null = "eu-west-1"): string[] {
  const r = validateConfig(rawConfig(config, homeRegion), CTX);
  return r.ok ? [] : r.issues.map(formatIssue);
}

function withService(service: Record<string, unknown>, name = "web"): Record<string, unknown> {
  return validConfig({ services: { [name]: service } });
}

const WEB = { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512 };

describe("validateConfig", () => {
  it("accepts a valid config and applies defaults", () => {
    const r = validateConfig(rawConfig(validConfig()), CTX);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.config.homeRegion).to.equal("eu-west-1");
    expect(r.config.regions["us-east-1"]).to.deep.equal({ cidr: "10.20.0.0/16", azCount: 3, natGateways: "single" });
    expect(r.config.services.web.desiredCount).to.equal(2);
  });

  it("accepts an empty services map and a missing services key", () => {
    expect(problems(validConfig({ services: {} }))).to.deep.equal([]);
    const { services: _omit, ...noServices } = validConfig();
    expect(problems(noServices)).to.deep.equal([]);
  });

  it("accepts numeric strings where a number is meant (pulumi config set stores them)", () => {
    const r = validateConfig(rawConfig(withService({ ...WEB, cpu: "256", memory: "1024", desiredCount: "3" })), CTX);
    expect(r.ok).to.equal(true);
    if (r.ok) expect(r.config.services.web).to.include({ cpu: 256, memory: 1024, desiredCount: 3 });
  });

  it("rejects non-numeric strings where a number is meant", () => {
    expect(problems(withService({ ...WEB, cpu: "quarter" }))).to.include('ecs-fleet:services.web.cpu: expected a whole number 1 or more, got "quarter"');
    expect(problems(withService({ ...WEB, desiredCount: true }))).to.include("ecs-fleet:services.web.desiredCount: expected a whole number from 0 to 5000, got true");
    expect(problems(withService({ ...WEB, desiredCount: 1.5 }))).to.include("ecs-fleet:services.web.desiredCount: expected a whole number from 0 to 5000, got 1.5");
  });

  it("requires aws:region and knows its region names", () => {
    expect(problems(validConfig(), null)).to.include("aws:region: required: the home region, where global resources (DNS) are managed, e.g. eu-west-1");
    expect(problems(validConfig(), "eu-west1")).to.include('aws:region: unknown AWS region "eu-west1" (did you mean eu-west-1?)');
  });

  it("requires at least one region", () => {
    expect(problems({ services: {} })).to.include("ecs-fleet:regions: required: a mapping of region names (e.g. eu-west-1) to { cidr, azCount, natGateways }");
    expect(problems({ regions: {}, services: {} })).to.include("ecs-fleet:regions: at least one region is required, e.g. { eu-west-1: { cidr: 10.10.0.0/16 } }");
  });

  it("rejects unknown region names, with a hint", () => {
    const p = problems(validConfig({ regions: { "us-east-3": { cidr: "10.1.0.0/16" }, "eu-west1": { cidr: "10.2.0.0/16" } }, services: {} }));
    expect(p).to.include('ecs-fleet:regions.us-east-3: unknown AWS region "us-east-3" (did you mean us-east-1?)');
    expect(p).to.include('ecs-fleet:regions.eu-west1: unknown AWS region "eu-west1" (did you mean eu-west-1?)');
  });

  it("rejects overlapping CIDRs, naming both regions", () => {
    const p = problems(validConfig({ regions: { "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.10.128.0/20" } } }));
    expect(p).to.deep.equal(["ecs-fleet:regions.us-east-1.cidr: 10.10.128.0/20 overlaps 10.10.0.0/16 of region eu-west-1; every region needs its own address range"]);
  });

  it("rejects CIDR prefixes out of range, host bits, and non-CIDR text", () => {
    const regions = (cidr: string) => validConfig({ regions: { "eu-west-1": { cidr } } });
    expect(problems(regions("10.0.0.0/8"))).to.deep.equal(["ecs-fleet:regions.eu-west-1.cidr: prefix must be from /16 to /24, got /8"]);
    expect(problems(regions("10.0.0.0/25"))).to.deep.equal(["ecs-fleet:regions.eu-west-1.cidr: prefix must be from /16 to /24, got /25"]);
    expect(problems(regions("10.0.0.1/16"))).to.deep.equal(["ecs-fleet:regions.eu-west-1.cidr: 10.0.0.1/16 is not a network address (host bits are set); did you mean 10.0.0.0/16?"]);
    expect(problems(regions("10.0.300.0/24"))).to.deep.equal(['ecs-fleet:regions.eu-west-1.cidr: expected an IPv4 CIDR block such as 10.10.0.0/16, got "10.0.300.0/24"']);
    expect(problems(validConfig({ regions: { "eu-west-1": {} } }))).to.deep.equal(["ecs-fleet:regions.eu-west-1.cidr: required: an IPv4 CIDR block from /16 to /24, e.g. 10.10.0.0/16"]);
  });

  it("rejects azCount out of range and unknown NAT strategies", () => {
    const p = problems(validConfig({ regions: { "eu-west-1": { cidr: "10.10.0.0/16", azCount: 7, natGateways: "two" } } }));
    expect(p).to.include("ecs-fleet:regions.eu-west-1.azCount: must be from 2 to 6, got 7");
    expect(p).to.include('ecs-fleet:regions.eu-west-1.natGateways: must be one of perAz, single, none, got "two"');
    expect(problems(validConfig({ regions: { "eu-west-1": { cidr: "10.10.0.0/16", azCount: 1 } } }))).to.deep.equal(["ecs-fleet:regions.eu-west-1.azCount: must be from 2 to 6, got 1"]);
  });

  it("rejects unknown keys (typos) at every level, with the allowed keys", () => {
    const p = problems({ ...validConfig(), servics: {}, services: { web: { ...WEB, desiredCont: 2 } } });
    expect(p).to.include("ecs-fleet:servics: unknown key (did you mean services?); allowed: regions, services, rollout, dns, alb, batch, sites, cost, account");
    expect(p).to.include("ecs-fleet:services.web.desiredCont: unknown key (did you mean desiredCount?); allowed: image, cpu, memory, desiredCount, regions, sites, containerPort, public, path, host, command, entryPoint, architecture, healthCheck, deployment, autoscaling, capacity, environment, secrets, logRetentionDays, readonlyRootFilesystem, overrides");
    expect(problems(validConfig({ regions: { "eu-west-1": { cidr: "10.10.0.0/16", natGateway: "single" } } }))).to.deep.equal([
      "ecs-fleet:regions.eu-west-1.natGateway: unknown key (did you mean natGateways?); allowed: cidr, azCount, natGateways",
    ]);
  });

  it("reports a typo and a missing required key of the same mapping together", () => {
    const p = problems(withService({ image: "nginx", cpu: 256, memroy: 512 }));
    expect(p).to.include("ecs-fleet:services.web.memroy: unknown key (did you mean memory?); allowed: image, cpu, memory, desiredCount, regions, sites, containerPort, public, path, host, command, entryPoint, architecture, healthCheck, deployment, autoscaling, capacity, environment, secrets, logRetentionDays, readonlyRootFilesystem, overrides");
    expect(p).to.include("ecs-fleet:services.web.memory: required: a whole number 1 or more");
  });

  it("rejects missing required service fields and wrong shapes", () => {
    expect(problems(withService({ cpu: 256, memory: 512 }))).to.deep.equal(["ecs-fleet:services.web.image: required: a container image reference such as public.ecr.aws/nginx/nginx:1.27"]);
    expect(problems(validConfig({ services: { web: "nginx" } }))).to.deep.equal([
      'ecs-fleet:services.web: expected a mapping of image, cpu, memory, desiredCount, regions, sites, containerPort, public, path, host, command, entryPoint, architecture, healthCheck, deployment, autoscaling, capacity, environment, secrets, logRetentionDays, readonlyRootFilesystem, overrides, got "nginx"',
    ]);
    expect(problems(withService({ ...WEB, regions: "eu-west-1" }))).to.deep.equal(['ecs-fleet:services.web.regions: expected a list of region names, got "eu-west-1"']);
  });

  it("rejects cpu/memory pairs outside the Fargate table, saying what is allowed", () => {
    expect(problems(withService({ ...WEB, memory: 4096 }))).to.deep.equal(["ecs-fleet:services.web.memory: 256 CPU units allow 512, 1024 or 2048 MiB, got 4096"]);
    expect(problems(withService({ ...WEB, cpu: 300 }))).to.deep.equal(["ecs-fleet:services.web.cpu: Fargate allows 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units, got 300"]);
    expect(problems(withService({ ...WEB, cpu: 1024, memory: 1024 }))).to.deep.equal(["ecs-fleet:services.web.memory: 1024 CPU units allow 2048 to 8192 in steps of 1024 MiB, got 1024"]);
  });

  it("checks the size a region override produces", () => {
    const p = problems(withService({ ...WEB, overrides: { "us-east-1": { memory: 8192 } } }));
    expect(p).to.deep.equal(["ecs-fleet:services.web.overrides.us-east-1.memory: 256 CPU units allow 512, 1024 or 2048 MiB, got 8192"]);
    expect(problems(withService({ ...WEB, overrides: { "us-east-1": { cpu: 1024, memory: 4096 } } }))).to.deep.equal([]);
  });

  it("rejects a service naming a region that is not configured, and duplicates", () => {
    expect(problems(withService({ ...WEB, regions: ["eu-west-1", "ap-south-1", "eu-west-1"] }))).to.deep.equal([
      'ecs-fleet:services.web.regions[1]: "ap-south-1" is not a configured region (configured: eu-west-1, us-east-1)',
      "ecs-fleet:services.web.regions[2]: eu-west-1 is listed twice",
    ]);
  });

  it("rejects overrides for a region the service does not run in", () => {
    expect(problems(withService({ ...WEB, regions: ["eu-west-1"], overrides: { "us-east-1": { desiredCount: 4 } } }))).to.deep.equal([
      "ecs-fleet:services.web.overrides.us-east-1: the service does not run in us-east-1 (it runs in eu-west-1); add us-east-1 to services.web.regions or remove this override",
    ]);
  });

  it("rejects a negative desiredCount, in a service and in an override", () => {
    expect(problems(withService({ ...WEB, desiredCount: -1 }))).to.deep.equal(["ecs-fleet:services.web.desiredCount: must be from 0 to 5000, got -1"]);
    expect(problems(withService({ ...WEB, overrides: { "us-east-1": { desiredCount: -2 } } }))).to.deep.equal([
      "ecs-fleet:services.web.overrides.us-east-1.desiredCount: must be from 0 to 5000, got -2",
    ]);
  });

  it("rejects service names that are not DNS-safe or too long", () => {
    const p = problems(validConfig({ services: { Web_App: WEB, ["a".repeat(33)]: WEB } }));
    expect(p).to.include('ecs-fleet:services.Web_App: service names must be DNS-safe (lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen), got "Web_App"');
    expect(p).to.include(`ecs-fleet:services.${"a".repeat(33)}: service names are used verbatim in ECS, Service Connect and DNS names and may be at most 32 characters, got 33`);
  });

  it("collects every problem of the whole config at once", () => {
    const p = problems({
      regions: { "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-3": { cidr: "10.10.0.0/24" } },
      services: { web: { ...WEB, memory: 4096 }, api: { image: "x", cpu: "abc", memory: 512 } },
    });
    expect(p).to.have.length(4);
  });

  it("validates rollout waves against the configured regions", () => {
    expect(problems(validConfig({ rollout: { waves: [["eu-west-1"], ["us-east-1"]], bakeMinutes: "5" } }))).to.deep.equal([]);
    expect(problems(validConfig({ rollout: { waves: [["eu-west-1", "eu-west-1"], ["ap-south-1"]] } }))).to.deep.equal([
      "ecs-fleet:rollout.waves[0][1]: eu-west-1 is already in wave 0; each region belongs to one wave",
      'ecs-fleet:rollout.waves[1][0]: "ap-south-1" is not a configured region (configured: eu-west-1, us-east-1)',
      "ecs-fleet:rollout.waves: waves must name every configured region; missing: us-east-1",
    ]);
  });
});

describe("validateConfig: recent results kept by input", () => {
  it("hands the same input the same result, frozen; any other stack, clock or key is validated afresh", () => {
    const raw = rawConfig(validConfig());
    const first = validateConfig(raw, CTX);
    // The same question in a copy of the map, keys in another order: the same answer object.
    const reordered = Object.fromEntries(Object.entries(raw).reverse());
    expect(validateConfig(reordered, { ...CTX })).to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    if (!first.ok) throw new Error("fixture invalid");
    expect(Object.isFrozen(first.config.services.web)).to.equal(true);
    expect(() => {
      (first.config.services.web as { desiredCount: number }).desiredCount = 9;
    }).to.throw(TypeError);
    expect(validateConfig(raw, { ...CTX, stack: "prod" })).to.not.equal(first);
    expect(validateConfig(raw, { ...CTX, now: new Date("2026-11-25T00:00:00Z") })).to.not.equal(first);
    expect(validateConfig({ ...raw, "ecs-fleet:account": '"123456789012"' }, CTX)).to.not.equal(first);
  });

  it("keeps the problems of an invalid input too, and never mixes two inputs' answers", () => {
    const bad = rawConfig(withService({ ...WEB, cpu: 3 }));
    const a = validateConfig(bad, CTX);
    expect(a.ok).to.equal(false);
    expect(validateConfig(bad, CTX)).to.equal(a);
    expect(validateConfig(rawConfig(validConfig()), CTX).ok).to.equal(true);
  });
});
