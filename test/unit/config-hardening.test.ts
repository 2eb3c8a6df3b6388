/**
 * Issue 12: every problem at once, AWS limits, valid input accepted, messages a person can act on.
 * (YAML problems: stack-file.test.ts; stack files for each class: regression-corpus.test.ts.)
 */
import { expect } from "chai";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";
import { CTX, rawConfig, validConfig } from "../config-fixtures";

const WEB = { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512 };
const REGIONS = { "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.20.0.0/16" } };

function problems(config: Record<string, unknown>, homeRegion: string | null = "eu-west-1"): string[] {
  const r = validateConfig(rawConfig(config, homeRegion), CTX);
  return r.ok ? [] : r.issues.map(formatIssue);
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = process.hrtime.bigint();
  const value = f();
  return { value, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

describe("config hardening (issue 12)", () => {
  describe("every problem at once: a schema error in an entry does not hide its other checks", () => {
    it("a typo key in a region does not hide its CIDR overlap", () => {
      expect(problems({ regions: { "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.10.0.0/16", natGateway: "none" } } })).to.include(
        "ecs-fleet:regions.us-east-1.cidr: 10.10.0.0/16 overlaps 10.10.0.0/16 of region eu-west-1; every region needs its own address range",
      );
    });
    it("a typo or a bad type in a service does not hide its CPU/memory pair", () => {
      const out = problems({ regions: REGIONS, services: { web: { ...WEB, memory: 4096, imgae: "x", desiredCount: "many" } } });
      expect(out).to.include("ecs-fleet:services.web.memory: 256 CPU units allow 512, 1024 or 2048 MiB, got 4096");
      expect(out).to.have.length(3);
    });
    it("a bad type in a job (even a required key) does not hide a dependency cycle", () => {
      const out = problems({ regions: REGIONS, batch: { a: { image: "python", cpu: "lots", memory: 512, after: ["b"] }, b: { image: "python", cpu: 256, memory: 512, after: ["a"], retries: "x" } } });
      expect(out.some((l) => l.startsWith("ecs-fleet:batch.a.after: jobs come after each other in a cycle: a -> b -> a"))).to.equal(true);
    });
    it("a bad key in rollout does not hide an unknown wave region", () => {
      expect(problems({ regions: REGIONS, rollout: { waves: [["eu-west-1"], ["us-east-2"]], bake: 5 } })).to.include(
        'ecs-fleet:rollout.waves[1][0]: "us-east-2" is not a configured region (did you mean us-east-1?) (configured: eu-west-1, us-east-1)',
      );
    });
    it("a bad override key does not hide the override's CPU/memory pair", () => {
      const out = problems({ regions: REGIONS, services: { web: { ...WEB, overrides: { "us-east-1": { memory: 8192, desiredcount: 2 } } } } });
      expect(out).to.include("ecs-fleet:services.web.overrides.us-east-1.memory: 256 CPU units allow 512, 1024 or 2048 MiB, got 8192");
    });
  });

  describe("valid input is accepted", () => {
    it("empty environment values and command arguments", () => {
      const r = validateConfig(rawConfig({ regions: REGIONS, services: { web: { ...WEB, environment: { EMPTY: "", SPACE: " " } } }, batch: { j: { image: "python:3.12", cpu: 256, memory: 512, command: ["sh", "-c", ""] } } }), CTX);
      expect(r.ok, r.ok ? "" : r.issues.map(formatIssue).join("\n")).to.equal(true);
      if (r.ok) expect(r.config.services.web.environment).to.deep.equal({ EMPTY: "", SPACE: " " });
    });
    it("names that shadow prototype properties are kept as data, through to the plan", () => {
      const env = JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t"}');
      const raw = rawConfig({ regions: REGIONS, services: { constructor: { ...WEB, environment: env, overrides: { "us-east-1": { environment: { hasOwnProperty: "h" } } } }, tostring: { ...WEB } } });
      const r = validateConfig(raw, CTX);
      expect(r.ok, r.ok ? "" : r.issues.map(formatIssue).join("\n")).to.equal(true);
      if (!r.ok) return;
      expect(Object.keys(r.config.services)).to.deep.equal(["constructor", "tostring"]);
      const ctor = Object.entries(r.config.services).find(([n]) => n === "constructor")![1];
      expect(Object.keys(ctor.environment ?? {})).to.deep.equal(["__proto__", "constructor", "toString"]);
      const plan = planFleet(r.config, { project: "ecs-fleet", stack: "dev", now: CTX.now });
      const svc = plan.regions.find((p) => p.region === "us-east-1")!.services.find((s) => s.name === "constructor")!;
      expect(Object.keys(svc.environment)).to.deep.equal(["__proto__", "constructor", "hasOwnProperty", "toString"]);
      // An environment variable called toString is not "a secret of the service" (the built-in is not data).
      expect(problems({ regions: REGIONS, services: { web: { ...WEB, overrides: { "us-east-1": { environment: { toString: "x" } } } } } })).to.deep.equal([]);
    });
    it("a region key __proto__ is reported, never lost", () => {
      const raw = rawConfig({ regions: REGIONS });
      raw["ecs-fleet:regions"] = '{"__proto__": {"cidr": "10.30.0.0/16"}, "eu-west-1": {"cidr": "10.10.0.0/16"}}';
      expect(problems({}).length).to.be.greaterThan(0);
      const r = validateConfig(raw, CTX);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.issues.map(formatIssue)).to.include('ecs-fleet:regions.__proto__: unknown AWS region "__proto__"');
    });
    it("surrounding whitespace in a CIDR is trimmed and the trimmed value goes on", () => {
      const r = validateConfig(rawConfig({ regions: { "eu-west-1": { cidr: " 10.10.0.0/16\t" } } }), CTX);
      expect(r.ok).to.equal(true);
      if (r.ok) expect(planFleet(r.config, { project: "ecs-fleet", stack: "dev" }).regions[0].network.cidr).to.equal("10.10.0.0/16");
    });
  });

  describe("AWS limits", () => {
    it("32-bit integers and 5,000 tasks per service", () => {
      const out = problems({ regions: REGIONS, alb: { accessLogRetentionDays: 3650 }, services: { web: { ...WEB, desiredCount: 5001, containerPort: 80, autoscaling: { min: 1, max: 6000 } } }, batch: { j: { image: "python", cpu: 256, memory: 512, timeoutSeconds: 2147483648 } } });
      expect(out).to.include("ecs-fleet:services.web.desiredCount: must be from 0 to 5000 (ECS runs at most 5,000 tasks per service), got 5001");
      expect(out).to.include("ecs-fleet:services.web.autoscaling.max: must be from 1 to 5000 (ECS runs at most 5,000 tasks per service), got 6000");
      expect(out).to.include("ecs-fleet:batch.j.timeoutSeconds: must be 60 or more (the AWS field is a 32-bit integer), got 2147483648");
    });
    it("image references: 255 characters and the reference grammar", () => {
      const out = problems({ regions: REGIONS, services: { a: { ...WEB, image: `r.io/${"a".repeat(260)}` }, b: { ...WEB, image: "nginx latest" }, c: { ...WEB, image: "Nginx" }, d: { ...WEB, image: `nginx@sha256:${"a".repeat(64)}` } } });
      expect(out).to.include("ecs-fleet:services.a.image: an image reference is at most 255 characters (before any @digest), got 265");
      expect(out.some((l) => l.startsWith("ecs-fleet:services.b.image: image references may contain letters, digits"))).to.equal(true);
      expect(out.some((l) => l.startsWith("ecs-fleet:services.c.image: expected an image reference"))).to.equal(true);
      expect(out.some((l) => l.startsWith("ecs-fleet:services.d."))).to.equal(false);
    });
    it("environment and secrets that make the task definition exceed 64 KiB, also through an override", () => {
      const big = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`V${i}`, "x".repeat(1000)]));
      expect(problems({ regions: REGIONS, services: { web: { ...WEB, environment: big } } })).to.deep.equal([]);
      const out = problems({ regions: REGIONS, services: { web: { ...WEB, environment: big, overrides: { "us-east-1": { environment: { ...big, MORE: "y".repeat(25000) } } } } } });
      expect(out).to.have.length(1);
      expect(out[0]).to.match(/^ecs-fleet:services\.web\.overrides\.us-east-1\.environment: environment and secrets take 66,\d{3} bytes of the task definition; a task definition is at most 64 KiB/);
    });
    it("service scaling schedules are checked as strictly as Batch schedules, with IANA time zones", () => {
      const schedule = [
        { cron: "cron(0 7 * * ? *)", min: 1, max: 2, timezone: "Europe/Dublin" },
        { cron: "cron(0 8 * * *)", min: 1, max: 2 },
        { cron: "cron(0 25 * * ? *)", min: 1, max: 2 },
        { cron: "rate(0 minutes)", min: 1, max: 2 },
        { cron: "at(2026-13-01T00:00:00)", min: 1, max: 2 },
        { cron: "rate(5 minutes)", min: 1, max: 2, timezone: "Europe/dublin" },
        { cron: "rate(6 minutes)", min: 1, max: 2, timezone: "Nowhere/City" },
        { cron: "rate(7 minutes)", min: 1, max: 2, timezone: "US/Eastern" },
      ];
      const out = problems({ regions: REGIONS, services: { web: { ...WEB, autoscaling: { min: 1, max: 3, schedule } } } }).map((l) => l.replace("ecs-fleet:services.web.autoscaling.", ""));
      expect(out.map((l) => l.split(":")[0])).to.deep.equal(["schedule[1].cron", "schedule[2].cron", "schedule[3].cron", "schedule[4].cron", "schedule[5].timezone", "schedule[6].timezone"]);
      expect(out[4]).to.include("expected Europe/Dublin");
    });
    it("health check paths: target group 1,024; with dns an ALB path pattern (128, characters) and a Route 53 path (255 with the query)", () => {
      const pub = { ...WEB, containerPort: 80, public: true };
      const services = { a: { ...pub, path: "/a/*", healthCheck: { path: `/${"t".repeat(1024)}` } }, b: { ...pub, path: "/b/*", healthCheck: { path: "/health check" } }, c: { ...pub, path: "/c/*", healthCheck: { path: `/ok?${"q".repeat(240)}` } } };
      const noDns = problems({ regions: REGIONS, services });
      expect(noDns).to.deep.equal(["ecs-fleet:services.a.healthCheck.path: a target group health check path is at most 1024 characters, got 1025"]);
      const withDns = problems({ regions: REGIONS, dns: { zone: "example.com" }, services });
      expect(withDns.filter((l) => l.startsWith("ecs-fleet:services.b.healthCheck.path: with dns the health path becomes an ALB path pattern"))).to.have.length(1);
      expect(withDns.filter((l) => l.startsWith("ecs-fleet:services.c.healthCheck.path: the Route 53 health check requests"))).to.have.length(1);
    });
    it("generated host headers (128), the certificate's first name (64), 5 wildcards per rule", () => {
      const zone = `${"z".repeat(50)}.example.com`;
      const name = `s${"x".repeat(31)}`;
      const out = problems({ regions: { "ap-southeast-2": { cidr: "10.10.0.0/16" } }, dns: { zone: `${"y".repeat(40)}.${"w".repeat(40)}.example.com` }, services: { [name]: { ...WEB, containerPort: 80, public: true, host: "*.a?.b?.example.com", path: "/*/*/*" } } }, "ap-southeast-2");
      expect(out.some((l) => l.startsWith("ecs-fleet:dns.zone: the certificate's first name *."))).to.equal(true);
      expect(out.some((l) => l.startsWith(`ecs-fleet:services.${name}: the generated host name ${name}-ap-southeast-2.`))).to.equal(true);
      expect(out).to.include(`ecs-fleet:services.${name}.host: the listener rule has 6 wildcards (* and ?) in its path and host conditions; ALB allows at most 5 per rule`);
      expect(problems({ regions: REGIONS, dns: { zone }, services: { web: { ...WEB, containerPort: 80, public: true } } }).filter((l) => l.includes("certificate"))).to.deep.equal([]);
    });
    it("more public services in a region than one ALB can route", () => {
      const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${String(i).padStart(3, "0")}`, { ...WEB, containerPort: 80, public: true, path: `/s${i}/*`, regions: ["eu-west-1"] }]));
      expect(problems({ regions: REGIONS, services: many(60) })).to.deep.equal([]);
      const sg = problems({ regions: REGIONS, services: many(61) });
      expect(sg).to.have.length(1);
      expect(sg[0]).to.match(/^ecs-fleet:services\.s060: 61 public services run in eu-west-1, more than its one load balancer can route: they need 61 outbound rules in the load balancer's security group \(at most 60\)/);
      expect(problems({ regions: REGIONS, dns: { zone: "example.com" }, services: many(50) })).to.deep.equal([]);
      expect(problems({ regions: REGIONS, dns: { zone: "example.com" }, services: many(51) })[0]).to.include("102 listener rules (a routing and a health rule each; at most 100)");
    });
    it("CIDRs: leading zeros and reserved ranges", () => {
      const out = problems({ regions: { "eu-west-1": { cidr: "010.10.0.0/16" }, "us-east-1": { cidr: "0.10.0.0/16" }, "us-west-2": { cidr: "224.1.0.0/16" }, "eu-central-1": { cidr: "169.254.0.0/16" }, "eu-west-2": { cidr: "127.1.0.0/16" } } });
      expect(out).to.include('ecs-fleet:regions.eu-west-1.cidr: leading zeros are not allowed in a CIDR (AWS and many tools read 010 as octal 8), got "010.10.0.0/16"; write 10.10.0.0/16');
      for (const r of ["us-east-1", "us-west-2", "eu-central-1", "eu-west-2"]) expect(out.some((l) => l.startsWith(`ecs-fleet:regions.${r}.cidr: `) && l.includes("a VPC cannot use"))).to.equal(true, r);
    });
    it("regions of different partitions in one stack", () => {
      expect(problems({ regions: { "us-gov-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.20.0.0/16" } } }, "us-gov-west-1")).to.deep.equal([
        "ecs-fleet:regions.us-east-1: us-east-1 is in partition aws, but the home region aws:region us-gov-west-1 is in aws-us-gov; one stack deploys to one partition (separate accounts and credentials): put us-east-1 in a stack of its own",
      ]);
    });
    it("two services at one site publishing the same host port", () => {
      const site = { "lab-dc": { region: "eu-west-1", hosts: 2 } };
      const svc = (port: number) => ({ ...WEB, containerPort: port, sites: ["lab-dc"], regions: [] });
      expect(problems({ regions: REGIONS, sites: site, services: { a: svc(80), b: svc(80), c: svc(81) } })).to.deep.equal([
        "ecs-fleet:services.b.containerPort: host port 80 is already published by a at lab-dc; tasks of two services cannot bind one host port on the same hosts: give b another containerPort or run it at other sites",
      ]);
    });
    it("a key in a near-miss namespace is an error with the key it was meant to be", () => {
      const raw = rawConfig(validConfig());
      raw["ecs-flet:batch"] = "{}";
      raw["ecs_fleet:services"] = "{}";
      raw["aws:defaultTags"] = "{}";
      const r = validateConfig(raw, CTX);
      expect(r.ok).to.equal(false);
      if (!r.ok) {
        expect(r.issues.map(formatIssue)).to.deep.equal([
          'ecs-flet:batch: namespace "ecs-flet" is not read by this program (its namespace is ecs-fleet); did you mean ecs-fleet:batch?',
          'ecs_fleet:services: namespace "ecs_fleet" is not read by this program (its namespace is ecs-fleet); did you mean ecs-fleet:services?',
        ]);
      }
    });
  });

  describe("messages a person can act on", () => {
    it("case-only mistakes get a hint", () => {
      const out = problems({ regions: { "EU-WEST-1": { cidr: "10.10.0.0/16", natGateways: "PerAz" }, "us-east-1": { cidr: "10.20.0.0/16" } }, services: { web: { ...WEB, regions: ["US-EAST-1"] } } }, "EU-WEST-1");
      expect(out).to.include('aws:region: unknown AWS region "EU-WEST-1" (did you mean eu-west-1?)');
      expect(out).to.include('ecs-fleet:regions.EU-WEST-1: unknown AWS region "EU-WEST-1" (did you mean eu-west-1?)');
      expect(out).to.include('ecs-fleet:regions.EU-WEST-1.natGateways: must be one of perAz, single, none, got "PerAz" (did you mean perAz?)');
      expect(out.some((l) => l.startsWith('ecs-fleet:services.web.regions[0]: "US-EAST-1" is not a configured region (did you mean us-east-1?)'))).to.equal(true);
    });
    it("an override for a configured site says to add it to the service's sites; an unknown key says neither", () => {
      const sites = { "lab-dc": { region: "eu-west-1", hosts: 1 } };
      expect(problems({ regions: REGIONS, sites, services: { web: { ...WEB, overrides: { "lab-dc": { desiredCount: 1 } } } } })[0]).to.include("add lab-dc to services.web.sites");
      expect(problems({ regions: REGIONS, sites, services: { web: { ...WEB, overrides: { "lab-d": { desiredCount: 1 } } } } })[0]).to.include("lab-d is neither a configured region nor a configured site (did you mean lab-dc?)");
    });
    it("too many hosts points at hosts, not at the registrationLimit nobody set", () => {
      const out = problems({ regions: REGIONS, sites: { big: { region: "eu-west-1", hosts: 1001, activation: { expires: "2026-12-01" } } } });
      expect(out).to.have.length(1);
      expect(out[0]).to.match(/^ecs-fleet:sites\.big\.hosts: 1001 hosts cannot onboard through one SSM activation/);
    });
    it("no JavaScript internals in messages (an override key named like a built-in gets the generic reason)", () => {
      const sites = { "lab-dc": { region: "eu-west-1", hosts: 1 } };
      const out = problems({ regions: REGIONS, sites, services: { web: { ...WEB, cpu: -0, memory: Number.POSITIVE_INFINITY, desiredCount: { a: 1 }, sites: ["lab-dc"], overrides: { "lab-dc": { toString: 1 } } } } });
      expect(out).to.include("ecs-fleet:services.web.overrides.lab-dc.toString: toString cannot be overridden at site lab-dc: ecs-fleet does not apply toString to site services; allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment");
      for (const l of out) expect(l).to.not.match(/\[object |undefined|NaN|Infinity|Symbol\(|function |native code/);
    });
    it("output stays proportional: 2,000 services on /* give one line per service, fast", () => {
      const services = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`s${i}`, { ...WEB, containerPort: 80, public: true }]));
      const { value: out, ms } = timed(() => problems({ regions: REGIONS, services }));
      const collisions = out.filter((l) => l.includes("both route host (any) and path /*"));
      expect(collisions).to.have.length(1999);
      expect(out.every((l) => l.length < 600)).to.equal(true);
      expect(ms).to.be.below(10000);
      console.log(`      2,000 public services on /*: ${out.length} lines in ${Math.round(ms)} ms`);
    });
    it("3,000 batch jobs and 50,000 unknown keys validate in a few seconds", () => {
      const jobs = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`j${i}`, { image: "python:3.12", cpu: 256, memory: 512, ...(i > 0 ? { after: [`j${i - 1}`] } : {}) }]));
      const a = timed(() => problems({ regions: REGIONS, batch: jobs }));
      expect(a.value).to.deep.equal([]);
      const keys = Object.fromEntries(Array.from({ length: 50000 }, (_, i) => [`k${i}`, 1]));
      const b = timed(() => problems({ regions: REGIONS, services: { web: { ...WEB, ...keys } } }));
      expect(b.value).to.have.length(50000);
      expect(a.ms + b.ms).to.be.below(15000);
      console.log(`      3,000 chained batch jobs: ${Math.round(a.ms)} ms; 50,000 unknown keys: ${Math.round(b.ms)} ms`);
    });
  });
});
