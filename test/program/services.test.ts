import { expect } from "chai";
import { runProgram } from "../../offline/run-plan";
import { RecordedResource } from "../../offline/mocks";
import { recorder, sharedRun } from "../helpers";

const REGIONS = {
  "eu-west-1": { cidr: "10.10.0.0/16", azCount: 2 },
  "us-east-1": { cidr: "10.20.0.0/16", azCount: 2 },
  "ap-southeast-2": { cidr: "10.30.0.0/16", azCount: 2 },
};
const WEB = {
  image: "nginx:1.27",
  cpu: 256,
  memory: 512,
  containerPort: 8080,
  public: true,
  healthCheck: { path: "/healthz" },
  autoscaling: { min: 2, max: 10, cpuTarget: 60 },
};
const SERVICES = {
  web: WEB,
  api: { ...WEB, path: "/api/*", regions: ["eu-west-1", "us-east-1"], autoscaling: undefined, desiredCount: 2 },
  search: { image: "x", cpu: 256, memory: 512, containerPort: 9200, regions: ["eu-west-1"] },
  worker: { image: "x", cpu: 256, memory: 512, regions: ["eu-west-1"], capacity: { fargateBase: 1, fargateWeight: 1, spotWeight: 2 } },
};

function raw(services: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, string> {
  const out: Record<string, string> = {
    "aws:region": "eu-west-1",
    "ecs-fleet:regions": JSON.stringify(REGIONS),
    "ecs-fleet:services": JSON.stringify(services),
  };
  for (const [k, v] of Object.entries(extra)) out[`ecs-fleet:${k}`] = JSON.stringify(v);
  return out;
}

async function run(stack: string, services: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const r = await sharedRun({ stack, raw: raw(services, extra), now: new Date("2026-01-01T00:00:00Z") });
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return r;
}

/** The top-level component (region footprint or global DNS) a resource belongs to. */
function root(r: RecordedResource, all: RecordedResource[]): RecordedResource {
  let cur = r;
  for (;;) {
    const parent = all.find((x) => x.urn === cur.parent);
    if (!parent || parent.type === "pulumi:pulumi:Stack") return cur;
    cur = parent;
  }
}

describe("program: regional services", () => {
  it("outputs: ALB DNS names, per-region services with serviceName, url and alarms, global URLs", async () => {
    const r = await run("prod", SERVICES, { dns: { zone: "example.com" } });
    const out = r.outputs as any;
    expect(Object.keys(out.regions)).to.deep.equal(["eu-west-1", "us-east-1", "ap-southeast-2"]);
    expect(out.regions["eu-west-1"].albDnsName).to.match(/^ecs-fleet-prod-[0-9a-f]+\.eu-west-1\.elb\.amazonaws\.com$/);
    expect(Object.keys(out.regions["eu-west-1"].services).sort()).to.deep.equal(["api", "search", "web", "worker"]);
    expect(out.regions["eu-west-1"].services.web).to.deep.equal({
      serviceName: "web",
      url: "https://web-eu-west-1.example.com/",
      alarms: ["ecs-fleet-prod-web-target-5xx", "ecs-fleet-prod-web-unhealthy-targets", "ecs-fleet-prod-web-running-tasks"],
    });
    expect(out.regions["us-east-1"].services.api.url).to.equal("https://api-us-east-1.example.com/api/");
    expect(out.regions["eu-west-1"].services.worker).to.deep.equal({ serviceName: "worker", alarms: ["ecs-fleet-prod-worker-running-tasks"] });
    expect(out.regions["ap-southeast-2"].services).to.have.keys(["web"]);
    expect(out.services).to.deep.equal({ api: { globalUrl: "https://api.example.com/api/" }, web: { globalUrl: "https://web.example.com/" } });
  });

  it("without DNS: HTTP URLs on the ALB's DNS name, no global URLs, no Route 53 or ACM resources", async () => {
    const r = await run("dev", SERVICES);
    const out = r.outputs as any;
    const alb = out.regions["us-east-1"].albDnsName;
    expect(out.regions["us-east-1"].services.web.url).to.equal(`http://${alb}/`);
    expect(out.services).to.deep.equal({});
    expect(r.resources.filter((x) => /^aws:(route53|acm)\//.test(x.type))).to.deep.equal([]);
    expect(r.invokes.filter((i) => i.token === "aws:route53/getZone:getZone")).to.deep.equal([]);
  });

  it("a region without public services has no ALB and no albDnsName", async () => {
    const r = await run("dev", { worker: SERVICES.worker, search: SERVICES.search });
    expect(r.resources.filter((x) => x.type === "aws:lb/loadBalancer:LoadBalancer")).to.have.length(0);
    expect((r.outputs as any).regions["eu-west-1"]).to.not.have.property("albDnsName");
  });

  it("every resource is on its region's provider; global DNS on the home region's provider", async () => {
    const r = await run("prod", SERVICES, { dns: { zone: "example.com" } });
    const custom = r.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"));
    expect(custom.length).to.be.greaterThan(100);
    for (const res of custom) {
      const top = root(res, r.resources);
      // Global DNS and the one shared certificate validation record live with the home region.
      const expected = top.type === "ecs-fleet:dns:GlobalDns" || top.type === "ecs-fleet:dns:CertificateValidationRecord" ? "eu-west-1" : top.name;
      expect(res.region, `${res.type} ${res.name}`).to.equal(expected);
    }
    const dns = r.resources.filter((x) => /^aws:route53\/(healthCheck|record):/.test(x.type) && root(x, r.resources).type === "ecs-fleet:dns:GlobalDns");
    expect(dns.filter((x) => x.type === "aws:route53/healthCheck:HealthCheck")).to.have.length(5); // web ×3, api ×2
    const zone = r.invokes.filter((i) => i.token === "aws:route53/getZone:getZone");
    expect(zone.map((i) => [i.region, i.inputs.name])).to.deep.equal([["eu-west-1", "example.com"]]);
    // Latency records point at each region's own ALB.
    const out = r.outputs as any;
    for (const rec of r.resources.filter((x) => x.type === "aws:route53/record:Record" && x.inputs.name === "web.example.com")) {
      expect((rec.inputs.aliases as any[])[0].name).to.equal(out.regions[rec.inputs.setIdentifier as string].albDnsName);
    }
  });

  it("security group chain: ALB admits 80/443 from the internet; each service admits its port only from the ALB and peers", async () => {
    const r = await run("prod", SERVICES, { dns: { zone: "example.com" } });
    const inEu = (x: RecordedResource) => x.region === "eu-west-1";
    const sgs = r.resources.filter((x) => x.type === "aws:ec2/securityGroup:SecurityGroup" && inEu(x));
    const rules = r.resources.filter((x) => /^aws:vpc\/securityGroup(Ingress|Egress)Rule:/.test(x.type) && inEu(x));
    for (const x of [...sgs, ...rules]) expect(x.inputs.description, x.name).to.be.a("string").and.not.equal("");
    const ingress = rules.filter((x) => x.type.includes("Ingress"));
    const fromInternet = ingress.filter((x) => x.inputs.cidrIpv4 !== undefined);
    expect(fromInternet.map((x) => [x.name, x.inputs.fromPort, x.inputs.cidrIpv4])).to.deep.equal([
      ["eu-west-1-alb-in-80", 80, "0.0.0.0/0"],
      ["eu-west-1-alb-in-443", 443, "0.0.0.0/0"],
    ]);
    // Every other ingress rule references a security group, on the service's container port only.
    const others = ingress.filter((x) => x.inputs.cidrIpv4 === undefined);
    for (const x of others) {
      expect(x.inputs.referencedSecurityGroupId, x.name).to.be.a("string");
      expect(x.inputs.fromPort).to.equal(x.inputs.toPort);
    }
    expect(others.map((x) => `${x.name}:${x.inputs.fromPort}`).sort()).to.deep.equal([
      "eu-west-1-api-in-alb:8080",
      "eu-west-1-api-in-peers:8080",
      "eu-west-1-search-in-peers:9200",
      "eu-west-1-web-in-alb:8080",
      "eu-west-1-web-in-peers:8080",
    ]);
  });

  it("listener rule priorities stay put when a service is added", async () => {
    const priorities = (rs: RecordedResource[]) =>
      Object.fromEntries(rs.filter((x) => x.type === "aws:lb/listenerRule:ListenerRule").map((x) => [x.name, x.inputs.priority as number]));
    const before = priorities((await run("prod", SERVICES, { dns: { zone: "example.com" } })).resources);
    const after = priorities((await run("prod", { ...SERVICES, shop: { ...WEB, path: "/shop/*" } }, { dns: { zone: "example.com" } })).resources);
    expect(Object.keys(before).length).to.equal(10);
    for (const [name, p] of Object.entries(before)) expect(after[name], name).to.equal(p);
    expect(Object.keys(after).filter((n) => !(n in before)).sort()).to.deep.equal([
      "ap-southeast-2-shop-health-rule",
      "ap-southeast-2-shop-rule",
      "eu-west-1-shop-health-rule",
      "eu-west-1-shop-rule",
      "us-east-1-shop-health-rule",
      "us-east-1-shop-rule",
    ]);
  });

  it("names fit AWS limits for a 40-character stack name and long region names", async () => {
    const stack = "production-with-a-rather-long-stack-name";
    expect(stack).to.have.length(40);
    const r = await run(stack, { ...SERVICES, "a-service-name-of-thirty-two-chr": { ...WEB, path: "/long/*" } });
    const albs = r.resources.filter((x) => x.type === "aws:lb/loadBalancer:LoadBalancer");
    expect(albs).to.have.length(3);
    for (const a of albs) {
      const name = a.inputs.name as string;
      expect(name.length).to.be.at.most(32);
      expect(name).to.match(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/);
      expect(name.startsWith("internal-")).to.equal(false);
    }
    for (const tg of r.resources.filter((x) => x.type === "aws:lb/targetGroup:TargetGroup")) {
      expect(tg.inputs).to.not.have.property("name");
      expect((tg.inputs.namePrefix as string).length).to.be.at.most(6);
    }
    const allRoles = r.resources.filter((x) => x.type === "aws:iam/role:Role").map((x) => x.inputs.name as string | undefined);
    for (const n of allRoles) if (n !== undefined) expect(n.length, n).to.be.at.most(64);
    const serviceUrns = new Set(r.resources.filter((x) => x.type === "ecs-fleet:ecs:FargateService").map((x) => x.urn));
    const roles = r.resources.filter((x) => x.type === "aws:iam/role:Role" && serviceUrns.has(x.parent ?? "")).map((x) => x.inputs.name as string);
    expect(roles.length).to.equal(20); // 10 service-regions × (task + execution)
    for (const n of roles) expect(n.length, n).to.be.at.most(64);
    expect(new Set(roles).size).to.equal(roles.length);
    expect(r.plan.regions[0].alb?.deletionProtection).to.equal(true);
  });

  it("invalid config registers nothing", async () => {
    const r = await runProgram(recorder, { stack: "dev", raw: raw({ web: { ...WEB, containerPort: undefined } }) });
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).to.deep.equal(["ecs-fleet:services.web.public"]);
    expect(recorder.resources).to.have.length(0);
  });
});
