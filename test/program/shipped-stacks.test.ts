/**
 * The shipped stacks come up healthy: Pulumi.dev.yaml and Pulumi.prod.yaml run under the mocks and
 * every path a request takes is checked end to end — the target group's health check against what
 * the container answers, the Route 53 health check and every output URL through the region's
 * listener rules (an ALB model: priority order, first match) to the right target group.
 */
import { expect } from "chai";
import { RecordedResource } from "../../offline/mocks";
import { runShippedStack } from "../helpers";
import { route, rulesFromInputs } from "../alb-sim";

/**
 * What each example image serves, from the images' Dockerfiles (docker-library/httpd 2.4:
 * EXPOSE 80, CMD httpd-foreground, DocumentRoot /usr/local/apache2/htdocs with index.html;
 * nginxinc/docker-nginx: EXPOSE 80, ENTRYPOINT /docker-entrypoint.sh, CMD nginx -g 'daemon off;',
 * root /usr/share/nginx/html with index.html). busybox serves nothing; its CMD is an interactive sh.
 */
const IMAGES: Record<string, { port?: number; docroot?: string; start?: RegExp }> = {
  "public.ecr.aws/nginx/nginx:1.27": { port: 80, docroot: "/usr/share/nginx/html", start: /exec \/docker-entrypoint\.sh nginx -g 'daemon off;'$/ },
  "public.ecr.aws/docker/library/httpd:2.4": { port: 80, docroot: "/usr/local/apache2/htdocs", start: /exec httpd-foreground$/ },
  "public.ecr.aws/docker/library/busybox:1.36": {},
};

interface Container {
  name: string;
  image: string;
  command?: string[];
  portMappings: { containerPort: number }[];
  dockerLabels?: Record<string, string>;
}

/** The container of a service in a region (from its recorded task definition). */
function container(resources: RecordedResource[], region: string, service: string): { td: RecordedResource; c: Container } {
  const td = resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === `${region}-${service}-task`)!;
  return { td, c: JSON.parse(td.inputs.containerDefinitions as string)[0] };
}

/** Whether the container answers 200 at `path`: the image's index at `/`, or a file its command writes. */
function answers(c: Container, path: string): boolean {
  const facts = IMAGES[c.image];
  if (!facts?.docroot) return false;
  const script = c.command?.[0] === "sh" && c.command[1] === "-c" ? c.command[2] : undefined;
  if (c.command && !(script && facts.start!.test(script))) return false; // a command that does not start the server
  if (path === "/") return true;
  return !!script && new RegExp(`> ${facts.docroot}${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( |$)`).test(script);
}

function shipped(stack: "dev" | "prod") {
  let resources: RecordedResource[] = [];
  let outputs: any;
  before(async () => {
    const run = await runShippedStack(stack, new Date("2026-12-01T00:00:00Z"));
    resources = run.resources;
    outputs = run.outputs;
  });
  const ofType = (t: string) => resources.filter((r) => r.type === t);
  const byUrn = (urn: string | null) => resources.find((r) => r.urn === urn)!;
  /** The service a listener rule or target group belongs to (its FargateService component is `<region>-<service>`). */
  const owner = (r: RecordedResource) => byUrn(r.parent).name.slice((r.region ?? "").length + 1);
  const rulesIn = (region: string) => {
    const list = ofType("aws:lb/listenerRule:ListenerRule").filter((r) => r.region === region);
    return rulesFromInputs(list, (i) => owner(list[i]));
  };

  return {
    resources: () => resources,
    outputs: () => outputs,
    it: {
      portsAndHealth: () =>
        it(`${stack}: every target group's health path is answered 200 by its container, on the port the image listens on`, () => {
          const groups = ofType("aws:lb/targetGroup:TargetGroup");
          expect(groups.length).to.be.greaterThan(0);
          for (const tg of groups) {
            const svc = owner(tg);
            const { c } = container(resources, tg.region!, svc);
            expect(IMAGES[c.image], `${svc}: an image the test knows`).to.not.equal(undefined);
            expect(c.portMappings[0].containerPort, `${svc} port`).to.equal(IMAGES[c.image].port);
            expect(tg.inputs.port).to.equal(IMAGES[c.image].port);
            const path = (tg.inputs.healthCheck as { path: string }).path;
            expect(answers(c, path), `${tg.region} ${svc}: ${c.image} ${JSON.stringify(c.command ?? "(image CMD)")} answers ${path}`).to.equal(true);
          }
        }),
      urls: () =>
        it(`${stack}: every URL the stack outputs reaches its service's target group, in every region`, () => {
          let checked = 0;
          for (const [region, r] of Object.entries(outputs.regions as Record<string, any>)) {
            for (const [svc, o] of Object.entries(r.services as Record<string, any>)) {
              if (!o.url) continue;
              const u = new URL(o.url);
              expect(route(rulesIn(region), u.hostname, u.pathname), o.url).to.equal(svc);
              checked++;
              const g = outputs.services?.[svc]?.globalUrl;
              if (g) {
                const gu = new URL(g);
                expect(route(rulesIn(region), gu.hostname, gu.pathname), `${g} in ${region}`).to.equal(svc);
              }
            }
          }
          expect(checked).to.be.greaterThan(0);
        }),
      workers: () =>
        it(`${stack}: the worker keeps running (busybox's default sh exits without a terminal) and is a Service Connect client started after the servers`, () => {
          for (const region of new Set(ofType("aws:ecs/service:Service").map((s) => s.region!))) {
            const w = resources.find((r) => r.type === "aws:ecs/service:Service" && r.name === `${region}-worker-service`);
            if (!w) continue;
            const { c, td } = container(resources, region, "worker");
            expect(c.command?.join(" ")).to.match(/^sh -c while true; do .*sleep \d+; done$/);
            expect(td.inputs.runtimePlatform).to.deep.include({ cpuArchitecture: "X86_64" });
            const servers = ofType("aws:ecs/service:Service").filter((s) => s.region === region && s !== w && (s.inputs.serviceConnectConfiguration as any)?.services);
            expect(servers.length).to.be.greaterThan(0);
            for (const s of servers) expect(w.options.dependsOn, `${region} worker after ${s.name}`).to.include(s.urn);
            expect(c.dockerLabels?.["ecs-fleet.service-connect-endpoints"]).to.match(/^[0-9a-f]{16}$/);
          }
        }),
      steadyState: () =>
        it(`${stack}: every regional ECS service waits for steady state, site services do not (their hosts register later), all with a timeout`, () => {
          const services = ofType("aws:ecs/service:Service");
          expect(services.length).to.be.greaterThan(0);
          for (const s of services) {
            expect(s.inputs.waitForSteadyState, s.name).to.equal(s.inputs.launchType !== "EXTERNAL");
            expect(s.options.customTimeouts, s.name).to.deep.include({ create: "30m", update: "30m" });
          }
        }),
    },
    rulesIn,
    owner,
  };
}

describe("shipped stack: prod", () => {
  const prod = shipped("prod");
  prod.it.portsAndHealth();
  prod.it.urls();
  prod.it.workers();
  prod.it.steadyState();

  it("prod: each Route 53 health check reaches its service's target group through the listener rules, and the container answers it", () => {
    const r = prod.resources();
    const checks = r.filter((x) => x.type === "aws:route53/healthCheck:HealthCheck");
    expect(checks.length).to.equal(5);
    for (const hc of checks) {
      const m = /^global-dns-(.+)-([a-z]{2}-[a-z]+-\d)$/.exec(hc.name)!;
      const [svc, region] = [m[1], m[2]];
      const path = hc.inputs.resourcePath as string;
      expect(route(prod.rulesIn(region), hc.inputs.fqdn as string, path), `${hc.name} ${path}`).to.equal(svc);
      expect(answers(container(r, region, svc).c, path.split("?")[0]), `${svc} answers ${path}`).to.equal(true);
    }
  });

  it("prod: host rules — api.example.com/ never reaches web; each rule carries its service's names", () => {
    for (const region of ["eu-west-1", "us-east-1"]) {
      expect(prod.rulesIn(region).filter((x) => x.target === "web" && x.pathPatterns!.includes("/*"))[0].hostHeaders).to.deep.equal(["web.example.com", `web-${region}.example.com`]);
      expect(route(prod.rulesIn(region), "api.example.com", "/")).to.equal(undefined);
      expect(route(prod.rulesIn(region), "api.example.com", "/api/orders")).to.equal("api");
    }
  });

  it("prod: us-east-1's schedule follows its own range (6..60), the scalable targets ignore the min/max the schedules set", () => {
    const actions = prod.resources().filter((x) => x.type === "aws:appautoscaling/scheduledAction:ScheduledAction");
    const us = actions.filter((a) => a.region === "us-east-1").map((a) => a.inputs.scalableTargetAction);
    expect(us).to.deep.equal([{ minCapacity: 6, maxCapacity: 60 }, { minCapacity: 6, maxCapacity: 60 }]);
    const eu = actions.filter((a) => a.region === "eu-west-1").map((a) => a.inputs.scalableTargetAction);
    expect(eu).to.deep.equal([{ minCapacity: 6, maxCapacity: 30 }, { minCapacity: 3, maxCapacity: 30 }]);
    for (const t of prod.resources().filter((x) => x.type === "aws:appautoscaling/target:Target" && x.name.endsWith("web-scaling"))) {
      expect(t.options.ignoreChanges).to.have.members(["minCapacity", "maxCapacity"]);
    }
  });

  it("prod: search runs on arm64 (no Spot), everything on Spot runs x86_64", () => {
    const r = prod.resources();
    for (const td of r.filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.inputs.requiresCompatibilities && (x.inputs.requiresCompatibilities as string[])[0] === "FARGATE")) {
      const svc = r.find((s) => s.type === "aws:ecs/service:Service" && s.parent === td.parent)!;
      const spot = (svc.inputs.capacityProviderStrategies as { capacityProvider: string }[]).some((c) => c.capacityProvider === "FARGATE_SPOT");
      const arch = (td.inputs.runtimePlatform as { cpuArchitecture: string }).cpuArchitecture;
      if (spot) expect(arch, td.name).to.equal("X86_64");
      if (td.name.endsWith("-search-task")) expect(arch).to.equal("ARM64");
    }
  });
});

describe("shipped stack: dev", () => {
  const dev = shipped("dev");
  dev.it.portsAndHealth();
  dev.it.urls();
  dev.it.workers();
  dev.it.steadyState();
});
