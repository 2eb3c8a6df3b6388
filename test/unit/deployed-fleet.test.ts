/**
 * Issue 10 (routing, options, schedules, Service Connect): each block mutates a working config or
 * plan and shows the planner or the validation catching it.
 */
import { expect } from "chai";
import fc from "fast-check";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { FleetPlan, planFleet } from "../../stacks/plan";
import { MAX_RULE_CONDITION_VALUES, MAX_RULE_WILDCARDS, routeBand, splitRuleConditions, wildcards, homeSlot } from "../../stacks/routing";
import { CTX, rawConfig } from "../config-fixtures";
import { SimRule, route } from "../alb-sim";

const REGIONS = { "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.20.0.0/16" } };
const PUB = { image: "x", cpu: 256, memory: 512, containerPort: 80, public: true };

function check(services: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return validateConfig(rawConfig({ regions: REGIONS, services, ...extra }), CTX);
}
function problems(services: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] {
  const r = check(services, extra);
  return r.ok ? [] : r.issues.map(formatIssue);
}
function plan(services: Record<string, unknown>, extra: Record<string, unknown> = {}): FleetPlan {
  const r = check(services, extra);
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join("\n"));
  return planFleet(r.config, { project: "ecs-fleet", stack: "dev" });
}
const DNS = { dns: { zone: "example.com" } };

/** The region's listener rules as the ALB sees them (routing and health rules). */
function rulesOf(p: FleetPlan, region: string): SimRule[] {
  const r = p.regions.find((x) => x.region === region)!;
  return r.services.flatMap((s) => [
    ...(s.routing?.rules ?? []).map((x) => ({ priority: x.priority, target: s.name, hostHeaders: x.hostHeaders, pathPatterns: x.pathPatterns })),
    ...(s.routing?.healthRulePriority !== undefined
      ? [{ priority: s.routing.healthRulePriority, target: s.name, pathPatterns: [s.healthCheck.path.split("?")[0]], queryStrings: [s.routing.healthQuery!] }]
      : []),
  ]);
}

/** Every URL the stack outputs for each public service, per region: global and regional names, with the path base. */
function urlsOf(p: FleetPlan, region: string): { service: string; host: string; path: string }[] {
  const r = p.regions.find((x) => x.region === region)!;
  const out: { service: string; host: string; path: string }[] = [];
  for (const s of r.services) {
    if (!s.routing) continue;
    out.push({ service: s.name, host: s.routing.url.host!, path: s.routing.url.path });
    const record = p.dns!.records.find((d) => d.service === s.name)!;
    out.push({ service: s.name, host: record.fqdn, path: record.urlPath });
  }
  return out;
}

describe("routing by host (ecs-fleet:dns)", () => {
  it("every public service's rules carry its own names (and its host); without DNS they match any host", () => {
    const p = plan({ web: PUB, api: { ...PUB, path: "/api/*", host: "API.partner.example.org" } }, DNS);
    const eu = p.regions[0].services;
    expect(eu.find((s) => s.name === "web")!.routing!.hostHeaders).to.deep.equal(["web.example.com", "web-eu-west-1.example.com"]);
    expect(eu.find((s) => s.name === "api")!.routing!.hostHeaders).to.deep.equal(["api.partner.example.org", "api.example.com", "api-eu-west-1.example.com"]);
    expect(p.regions[1].services.find((s) => s.name === "web")!.routing!.hostHeaders).to.deep.equal(["web.example.com", "web-us-east-1.example.com"]);
    const bare = plan({ web: PUB, api: { ...PUB, path: "/api/*" } });
    for (const s of bare.regions[0].services) expect(s.routing!.rules).to.deep.equal([{ priority: s.routing!.priority, pathPatterns: [s.routing!.path], hostHeaders: [] }]);
  });

  it("https://api.<zone>/ reaches api, not web's /* rule; every output URL reaches its service in every region", () => {
    // A landing page at exactly "/" sorts before web's catch-all: without host headers web's own URL would land on it.
    const p = plan({ web: PUB, landing: { ...PUB, path: "/" }, api: { ...PUB, path: "/api/*" } }, DNS);
    for (const region of ["eu-west-1", "us-east-1"]) {
      const rules = rulesOf(p, region);
      expect(route(rules, "api.example.com", "/")).to.not.equal("web");
      for (const u of urlsOf(p, region)) expect(route(rules, u.host, u.path), `${region} ${u.host}${u.path}`).to.equal(u.service);
    }
  });

  it("every output URL reaches its service, for any set of paths and hosts (property)", () => {
    const name = fc.constantFrom("web", "api", "shop", "admin", "landing", "docs");
    const path = fc.constantFrom("/*", "/", "/api/*", "/api/v1/*", "/static/*", "/a?c", "/exact");
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, path, fc.boolean()), { minLength: 1, maxLength: 6, selector: (t) => t[0] }), (list) => {
        const services = Object.fromEntries(list.map(([n, pth, withHost]) => [n, { ...PUB, path: pth, ...(withHost ? { host: `${n}.shop.example.net` } : {}) }]));
        const p = plan(services, DNS);
        for (const region of Object.keys(REGIONS)) {
          const rules = rulesOf(p, region);
          for (const u of urlsOf(p, region)) {
            const concrete = u.path; // the path base always matches its own pattern's literal start
            const target = route(rules, u.host, concrete.includes("?") ? concrete : concrete);
            // An exact or `?` pattern's URL path is the literal start; the rule matches when the pattern is literal.
            if (/[*]$/.test(services[u.service].path) || !/[*?]/.test(services[u.service].path)) expect(target, `${region} ${u.host}${concrete}`).to.equal(u.service);
          }
          // The explicit host of a service reaches it too.
          for (const [n, s] of Object.entries(services)) {
            if (!s.host) continue;
            const sample = s.path.replace(/\*/g, "x").replace(/\?/g, "b");
            expect(route(rules, s.host, sample), `${region} ${s.host}${sample}`).to.equal(n);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a host equal to (or matching) another service's generated name is an error naming both", () => {
    expect(problems({ web: PUB, api: { ...PUB, path: "/api/*", host: "web.example.com" } }, DNS)).to.deep.equal([
      "ecs-fleet:services.api.host: web.example.com is web.example.com, the name ecs-fleet gives service web; requests for web would reach api: choose another host for api",
    ]);
    expect(problems({ web: PUB, api: { ...PUB, host: "WEB-us-east-1.example.com" } }, DNS)[0]).to.include("the name ecs-fleet gives service web");
    expect(problems({ web: PUB, api: { ...PUB, path: "/api/*", host: "web-*.example.com" } }, DNS)[0]).to.match(/services\.api\.host: web-\*\.example\.com is a pattern matching web-eu-west-1\.example\.com, the name ecs-fleet gives service web/);
    // Without DNS there are no generated names; a host of its own is fine.
    expect(problems({ web: PUB, api: { ...PUB, path: "/api/*", host: "web.example.com" } })).to.deep.equal([]);
    expect(problems({ web: PUB, api: { ...PUB, path: "/api/*", host: "api.example.com" } }, DNS)).to.deep.equal([]);
  });

  it("with DNS two services may share a path (their hosts differ); without DNS they still may not", () => {
    expect(problems({ web: PUB, blog: PUB }, DNS)).to.deep.equal([]);
    expect(problems({ web: PUB, blog: PUB })[0]).to.include("both route host (any) and path /*");
  });

  it("rule conditions stay within 5 values and 5 wildcards, split over several rules, no host lost (property)", () => {
    const host = fc.stringMatching(/^[a-z*?]{1,3}\.example\.com$/).filter((h) => wildcards(h) <= 3);
    fc.assert(
      fc.property(fc.constantFrom("/*", "/exact", "/a?b*"), fc.uniqueArray(host, { maxLength: 14 }), (path, hosts) => {
        const rules = splitRuleConditions(path, hosts);
        for (const r of rules) {
          expect(r.pathPatterns).to.deep.equal([path]);
          expect(r.pathPatterns.length + r.hostHeaders.length).to.be.at.most(MAX_RULE_CONDITION_VALUES);
          expect([...r.pathPatterns, ...r.hostHeaders].reduce((n, v) => n + wildcards(v), 0)).to.be.at.most(MAX_RULE_WILDCARDS);
        }
        expect(rules.flatMap((r) => r.hostHeaders).sort()).to.deep.equal([...new Set(hosts)].sort());
      }),
    );
    expect(splitRuleConditions("/*", ["a.x", "b.x", "c.x", "d.x", "e.x"]).map((r) => r.hostHeaders)).to.deep.equal([["a.x", "b.x", "c.x", "d.x"], ["e.x"]]);
  });

  it("a host and path with more than 5 wildcards together is rejected", () => {
    expect(problems({ web: { ...PUB, path: "/*/*", host: "*-*-*-*.example.org" } })[0]).to.equal(
      "ecs-fleet:services.web.host: host *-*-*-*.example.org and path /*/* hold 6 wildcards; an ALB rule allows at most 5",
    );
  });

  it("priorities stay put when a service is added, with DNS (property)", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/);
    const path = fc.constantFrom("/*", "/api/*", "/static/*", "/exact");
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, path), { minLength: 1, maxLength: 6, selector: (t) => t[0] }), fc.tuple(name, path), (existing, [added, addedPath]) => {
        fc.pre(!existing.some(([n]) => n === added));
        const services = Object.fromEntries(existing.map(([n, p]) => [n, { ...PUB, path: p }]));
        const prio = (s: Record<string, unknown>) => Object.fromEntries(plan(s, DNS).regions[0].services.map((x) => [x.name, x.routing!.priority]));
        const before = prio(services);
        fc.pre(!Object.values(before).includes(homeSlot(added, routeBand(addedPath, true))));
        const after = prio({ ...services, [added]: { ...PUB, path: addedPath } });
        for (const [n, p] of Object.entries(before)) expect(after[n]).to.equal(p);
      }),
      { numRuns: 100 },
    );
  });
});

describe("service options: command, entryPoint, container health check, architecture, deployment", () => {
  const W = { image: "x", cpu: 256, memory: 512 };

  it("command and entryPoint are lists of strings, \"\" allowed; an empty list or a non-string is rejected", () => {
    const p = plan({ w: { ...W, command: ["nginx", "-g", ""], entryPoint: ["/docker-entrypoint.sh"] } });
    expect(p.regions[0].services[0]).to.deep.include({ command: ["nginx", "-g", ""], entryPoint: ["/docker-entrypoint.sh"] });
    expect(problems({ w: { ...W, command: [] } })[0]).to.match(/^ecs-fleet:services\.w\.command: give at least the program/);
    expect(problems({ w: { ...W, entryPoint: ["sh", 3] } })[0]).to.match(/^ecs-fleet:services\.w\.entryPoint\[1\]: expected a string argument/);
    expect(problems({ w: { ...W, command: "sleep 60" } })[0]).to.match(/^ecs-fleet:services\.w\.command: expected a list of strings/);
  });

  it("container health check: ECS ranges and defaults, CMD / CMD-SHELL form", () => {
    const p = plan({ w: { ...W, healthCheck: { container: { command: ["CMD-SHELL", "true"] } } } });
    expect(p.regions[0].services[0].healthCheck).to.deep.equal({ path: "/", gracePeriodSeconds: 60, container: { command: ["CMD-SHELL", "true"], interval: 30, timeout: 5, retries: 3 } });
    const bad = (container: Record<string, unknown>) => problems({ w: { ...W, healthCheck: { container } } });
    expect(bad({ command: ["curl", "-f", "http://localhost/"] })[0]).to.include("healthCheck.container.command: must start with CMD or CMD-SHELL");
    expect(bad({ command: ["CMD"] })[0]).to.include("CMD needs the command to run after it");
    expect(bad({ command: ["CMD-SHELL", "curl", "-f"] })[0]).to.include("CMD-SHELL takes one string");
    expect(bad({ command: ["CMD", "x"], interval: 4 })[0]).to.equal("ecs-fleet:services.w.healthCheck.container.interval: must be from 5 to 300, got 4");
    expect(bad({ command: ["CMD", "x"], timeout: 61 })[0]).to.equal("ecs-fleet:services.w.healthCheck.container.timeout: must be from 2 to 60, got 61");
    expect(bad({ command: ["CMD", "x"], retries: 11 })[0]).to.equal("ecs-fleet:services.w.healthCheck.container.retries: must be from 1 to 10, got 11");
    expect(bad({ command: ["CMD", "x"], startPeriod: 301 })[0]).to.equal("ecs-fleet:services.w.healthCheck.container.startPeriod: must be from 0 to 300, got 301");
    expect(bad({ command: ["CMD", "x"], interval: 5, timeout: 5 })[0]).to.include("timeout 5s must be shorter than interval 5s");
    // The load balancer keys keep working next to it.
    expect(problems({ w: { ...W, healthCheck: { path: "/healthz", gracePeriodSeconds: 10 } } })).to.deep.equal([]);
  });

  it("architecture: x86_64 by default; arm64 with Spot capacity is rejected at the key that brings Spot", () => {
    expect(plan({ w: W }).regions[0].services[0].architecture).to.equal("x86_64");
    expect(plan({ w: { ...W, architecture: "arm64" } }).regions[0].services[0].architecture).to.equal("arm64");
    expect(problems({ w: { ...W, architecture: "arm" } })[0]).to.equal('ecs-fleet:services.w.architecture: must be one of x86_64, arm64, got "arm" (did you mean arm64?)');
    expect(problems({ w: { ...W, architecture: "arm64", capacity: { fargateWeight: 1, spotWeight: 1 } } })).to.deep.equal([
      "ecs-fleet:services.w.architecture: arm64 tasks cannot run on FARGATE_SPOT (Fargate Spot supports only X86_64 Linux tasks): use architecture x86_64, or set capacity.spotWeight to 0",
    ]);
    expect(problems({ w: { ...W, architecture: "arm64", overrides: { "us-east-1": { capacity: { spotWeight: 1 } } } } })[0]).to.match(
      /^ecs-fleet:services\.w\.overrides\.us-east-1\.capacity: arm64 tasks cannot run on FARGATE_SPOT.*services\.w\.architecture is arm64/,
    );
    expect(problems({ w: { ...W, capacity: { spotWeight: 1 } } })).to.deep.equal([]);
  });

  it("deployment: waits by default (30 min); false and timeoutMinutes are validated and overridable per region and site", () => {
    expect(plan({ w: W }).regions[0].services[0].deployment).to.deep.equal({ waitForSteadyState: true, timeoutMinutes: 30 });
    const p = plan({ w: { ...W, deployment: { waitForSteadyState: false }, overrides: { "us-east-1": { deployment: { timeoutMinutes: 90 } } } } });
    expect(p.regions.map((r) => r.services[0].deployment)).to.deep.equal([
      { waitForSteadyState: false, timeoutMinutes: 30 },
      { waitForSteadyState: false, timeoutMinutes: 90 },
    ]);
    expect(problems({ w: { ...W, deployment: { timeoutMinutes: 0 } } })[0]).to.equal("ecs-fleet:services.w.deployment.timeoutMinutes: must be from 1 to 480, got 0");
    expect(problems({ w: { ...W, deployment: { waitForSteadyStat: true } } })[0]).to.include("services.w.deployment.waitForSteadyStat: unknown key (did you mean waitForSteadyState?)");
  });

  it("deployment at sites: no wait unless the site override asks (hosts register after the up that creates the activation)", () => {
    const sites = { "lab-dc": { region: "eu-west-1", hosts: 1 } };
    const waitOf = (w: Record<string, unknown>) => plan({ w }, { sites }).sites[0].services[0].deploymentWait;
    // The service's own setting (or the default) does not make a site wait: a new site has no host yet.
    expect(waitOf({ ...W, sites: ["lab-dc"] })).to.deep.equal({ waitForSteadyState: false, timeoutMinutes: 30 });
    expect(waitOf({ ...W, sites: ["lab-dc"], deployment: { waitForSteadyState: true } }).waitForSteadyState).to.equal(false);
    expect(waitOf({ ...W, sites: ["lab-dc"], overrides: { "lab-dc": { deployment: { waitForSteadyState: true, timeoutMinutes: 45 } } } })).to.deep.equal({
      waitForSteadyState: true,
      timeoutMinutes: 45,
    });
  });
});

describe("auto scaling schedules in regions that override min/max", () => {
  // Prod's web: 3..30, morning 6..30, evening 3..30; us-east-1 overrides to 6..60.
  const WEB = {
    ...PUB,
    autoscaling: {
      min: 3,
      max: 30,
      cpuTarget: 60,
      schedule: [
        { cron: "cron(0 7 * * ? *)", timezone: "Europe/Dublin", min: 6, max: 30 },
        { cron: "cron(0 20 * * ? *)", timezone: "Europe/Dublin", min: 3, max: 30 },
      ],
    },
    overrides: { "us-east-1": { autoscaling: { min: 6, max: 60 } } },
  };
  const sched = (p: FleetPlan, region: string) => p.regions.find((r) => r.region === region)!.services[0].autoscaling!.schedule.map((e) => [e.min, e.max]);

  it("an inherited schedule follows the region's bounds: us-east-1 no longer drops to max 30 every morning", () => {
    const p = plan({ web: WEB });
    expect(sched(p, "eu-west-1")).to.deep.equal([[6, 30], [3, 30]]);
    expect(sched(p, "us-east-1")).to.deep.equal([[6, 60], [6, 60]]);
  });

  it("other values are clamped into the region's range; a region's own schedule is taken as written", () => {
    const p = plan({ web: { ...WEB, overrides: { "us-east-1": { autoscaling: { min: 1, max: 8 } } } } });
    // 6..30 → min 6 (inside 1..8), max 30 = base max → 8; 3..30 → min 3 = base min → 1, max → 8.
    expect(sched(p, "us-east-1")).to.deep.equal([[6, 8], [1, 8]]);
    const own = plan({ web: { ...WEB, overrides: { "us-east-1": { autoscaling: { min: 6, max: 60, schedule: [{ cron: "cron(0 7 * * ? *)", min: 10, max: 40 }] } } } } });
    expect(sched(own, "us-east-1")).to.deep.equal([[10, 40]]);
  });

  it("every scheduled range lies within the region's range (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 40 }), (bmin, bmax, rmin, rmax, smin, smax) => {
        fc.pre(bmin <= bmax && rmin <= rmax && smin <= smax);
        const p = plan({ web: { ...PUB, autoscaling: { min: bmin, max: bmax, cpuTarget: 50, schedule: [{ cron: "cron(0 7 * * ? *)", min: smin, max: smax }] }, overrides: { "us-east-1": { autoscaling: { min: rmin, max: rmax } } } } });
        const [[min, max]] = sched(p, "us-east-1");
        expect(min).to.be.at.most(max);
        expect(max).to.be.within(Math.max(rmin, 1), rmax);
        expect(min).to.be.within(0, rmax);
        if (smax === bmax) expect(max).to.equal(rmax);
        if (smin === bmin) expect(min).to.equal(Math.min(rmin, max));
      }),
      { numRuns: 200 },
    );
  });

  it("the running-tasks alarm uses the lowest min in effect, schedules included", () => {
    const p = plan({ web: { ...WEB, autoscaling: { ...WEB.autoscaling, schedule: [{ cron: "cron(0 22 * * ? *)", min: 2, max: 30 }] }, overrides: undefined } });
    expect(p.regions[0].services[0].alarms.find((a) => a.kind === "runningTasks")!.threshold).to.equal(2);
    const zero = plan({ web: { ...WEB, autoscaling: { ...WEB.autoscaling, schedule: [{ cron: "cron(0 22 * * ? *)", min: 0, max: 30 }] }, overrides: undefined } });
    expect(zero.regions[0].services[0].alarms.map((a) => a.kind)).to.not.include("runningTasks");
  });
});

describe("Service Connect deployment order", () => {
  const base = { api: { image: "x", cpu: 256, memory: 512, containerPort: 80 }, worker: { image: "y", cpu: 256, memory: 512 } };
  const worker = (p: FleetPlan, region = "eu-west-1") => p.regions.find((r) => r.region === region)!.services.find((s) => s.name === "worker")!.serviceConnect;

  it("servers expose the endpoint; clients carry the hash of the region's endpoint set", () => {
    const p = plan(base);
    expect(p.regions[0].services.find((s) => s.name === "api")!.serviceConnect).to.deep.equal({ server: true, endpoints: ["api:80"] });
    expect(worker(p)).to.include({ server: false });
    expect(worker(p).endpoints).to.deep.equal(["api:80"]);
    expect(worker(p).endpointsHash).to.match(/^[0-9a-f]{16}$/);
  });

  it("adding a server (or changing a port) changes the clients' hash in that region only; unrelated edits do not", () => {
    const before = worker(plan(base)).endpointsHash;
    const added = plan({ ...base, search: { image: "z", cpu: 256, memory: 512, containerPort: 9200, regions: ["eu-west-1"] } });
    expect(worker(added).endpointsHash).to.not.equal(before);
    expect(worker(added, "us-east-1").endpointsHash).to.equal(before);
    expect(worker(plan({ ...base, api: { ...base.api, containerPort: 8080 } })).endpointsHash).to.not.equal(before);
    const unrelated = plan({
      api: { ...base.api, image: "x:2", environment: { A: "1" }, desiredCount: 3 },
      worker: { ...base.worker, image: "y:2" },
      other: { image: "w", cpu: 256, memory: 512 },
    });
    expect(worker(unrelated).endpointsHash).to.equal(before);
  });
});
