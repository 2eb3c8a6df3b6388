import { expect } from "chai";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { recorder } from "../setup";
import { sharedRun, valueOf } from "../helpers";
import { runProgram } from "../../offline/run-plan";
import { readStackFile } from "../../offline/stack-file";
import { planDocument, renderPlan } from "../../offline/report";
import { RecordedResource, SECRET_PLACEHOLDER } from "../../offline/mocks";
import { FleetOutputs } from "../../program";
import { rawConfig, validConfig } from "../config-fixtures";
import { evaluate } from "../../policy/evaluate";
import { fromRecorded } from "../../policy/recorded";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = new Date("2026-11-24T00:00:00Z");

type OkRun = Extract<Awaited<ReturnType<typeof runProgram>>, { ok: true }>;

async function run(stack: string, raw: Record<string, string>, now = NOW): Promise<OkRun> {
  const r = await sharedRun({ stack, raw, now });
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return r;
}

async function runStack(stack: string, now = NOW): Promise<OkRun> {
  return run(stack, readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).raw, now);
}

/** The site a resource belongs to (through its OnPremSite ancestor), or undefined. */
function siteOf(r: RecordedResource, all: RecordedResource[]): string | undefined {
  let current: RecordedResource | undefined = r;
  while (current) {
    if (current.type === "ecs-fleet:onprem:OnPremSite") return current.name.replace(/^site-/, "");
    current = all.find((x) => x.urn === current!.parent);
  }
  return undefined;
}

const WEB = { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512, desiredCount: 2, containerPort: 80 };

describe("program: on-prem sites", () => {
  for (const stack of ["dev", "prod"]) {
    it(`${stack}: every site's resources are on the explicit provider of the site's home region`, async () => {
      const r = await runStack(stack);
      expect(r.plan.sites.length).to.equal(stack === "prod" ? 2 : 1);
      const providers = r.resources.filter((x) => x.type === "pulumi:providers:aws");
      for (const site of r.plan.sites) {
        const provider = providers.filter((p) => p.name === `aws-${site.region}`);
        expect(provider, `provider for ${site.site}`).to.have.length(1);
        expect(provider[0].inputs.region).to.equal(site.region);
        const component = recorder.one("ecs-fleet:onprem:OnPremSite", `site-${site.site}`);
        expect(component.providers.aws).to.equal(provider[0].urn);
        const mine = r.resources.filter((x) => x.custom && siteOf(x, r.resources) === site.site);
        expect(mine.length).to.be.at.least(7);
        for (const x of mine) {
          expect(x.provider, `${x.type} ${x.name}`).to.equal(provider[0].urn);
          expect(x.region).to.equal(site.region);
        }
      }
    });
  }

  it("gives a site whose region has no regional footprint its own provider, and nothing a default provider", async () => {
    const r = await runStack("dev");
    const lab = r.plan.sites.find((s) => s.site === "lab-dc")!;
    expect(r.plan.regions.map((x) => x.region)).to.not.include(lab.region);
    const provider = recorder.one("pulumi:providers:aws", `aws-${lab.region}`);
    expect(JSON.parse(provider.inputs.defaultTags as string).tags).to.deep.equal({ Project: "ecs-fleet", Stack: "dev", Region: lab.region });
    for (const x of r.resources.filter((y) => y.custom && !y.type.startsWith("pulumi:providers:"))) {
      expect(x.provider, `${x.type} ${x.name}`).to.be.a("string");
      expect(x.provider!).to.not.match(/::default(_|$)/);
    }
  });

  it("shares the provider with the region when the site's home region is configured", async () => {
    const r = await runStack("prod");
    expect(r.resources.filter((x) => x.type === "pulumi:providers:aws" && x.name === "aws-eu-west-1")).to.have.length(1);
    const regional = recorder.one("ecs-fleet:region:RegionalFootprint", "eu-west-1");
    const site = recorder.one("ecs-fleet:onprem:OnPremSite", "site-amsterdam-dc");
    expect(site.providers.aws).to.equal(regional.providers.aws);
  });

  it("prod: each site runs the services that list it, with the site's counts and network mode", async () => {
    const r = await runStack("prod");
    const services = recorder.ofType("aws:ecs/service:Service").filter((s) => s.inputs.launchType === "EXTERNAL");
    const bySite = services.map((s) => [siteOf(s, r.resources), s.inputs.name, s.inputs.desiredCount]);
    expect(bySite).to.have.deep.members([
      ["amsterdam-dc", "web", 3],
      ["amsterdam-dc", "worker", 2],
      ["virginia-dc", "web", 2],
    ]);
    const virginiaWeb = recorder.one("aws:ecs/taskDefinition:TaskDefinition", "site-virginia-dc-web");
    expect(virginiaWeb.inputs.networkMode).to.equal("host");
    expect(recorder.ofType("aws:ssm/activation:Activation").map((a) => siteOf(a, r.resources))).to.deep.equal(["amsterdam-dc"]);
  });

  it("prod: site services carry the service's environment and readonlyRootFilesystem; no secret access without secrets", async () => {
    await runStack("prod");
    const container = (name: string) => JSON.parse(recorder.one("aws:ecs/taskDefinition:TaskDefinition", name).inputs.containerDefinitions as string)[0];
    for (const site of ["amsterdam-dc", "virginia-dc"]) {
      expect(container(`site-${site}-web`).environment, site).to.deep.equal([{ name: "LOG_LEVEL", value: "info" }]);
      expect(container(`site-${site}-web`).readonlyRootFilesystem, site).to.equal(false);
    }
    expect(container("site-amsterdam-dc-worker").readonlyRootFilesystem).to.equal(true);
    // No service at a prod site has secrets: the site execution roles get no secret statement, only
    // their scoped pull/log policy.
    const sitePolicies = recorder.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("site-"));
    expect(sitePolicies.map((p) => p.name).sort()).to.deep.equal(["site-amsterdam-dc-exec", "site-virginia-dc-exec"]);
    for (const p of sitePolicies) expect(p.inputs.policy as string).to.not.match(/secretsmanager|ssm:|kms:/);
  });

  it("a site service with secrets: container secrets, a scoped execution-role grant, the plan lists them, no mandatory violation", async () => {
    // In the deploying account (a secret of another account would need its KMS key, see secrets-kms.test.ts).
    const db = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
    const r = await run("dev", rawConfig(validConfig({
      sites: { "a-dc": { region: "eu-central-1", hosts: 2 } },
      services: {
        web: {
          ...WEB,
          readonlyRootFilesystem: true,
          environment: { LOG_LEVEL: "info" },
          secrets: { DB_PASSWORD: db },
          sites: ["a-dc"],
          overrides: { "a-dc": { environment: { SITE: "a" }, secrets: { API_TOKEN: "/sites/a-dc/api-token" } } },
        },
      },
    })));
    const [container] = JSON.parse(recorder.one("aws:ecs/taskDefinition:TaskDefinition", "site-a-dc-web").inputs.containerDefinitions as string);
    expect(container.environment).to.deep.equal([{ name: "LOG_LEVEL", value: "info" }, { name: "SITE", value: "a" }]);
    expect(container.secrets).to.deep.equal([{ name: "API_TOKEN", valueFrom: "/sites/a-dc/api-token" }, { name: "DB_PASSWORD", valueFrom: db }]);
    expect(container.readonlyRootFilesystem).to.equal(true);
    const statements = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy", "site-a-dc-exec-secrets").inputs.policy as string).Statement;
    expect(statements.map((st: { Resource: string[] }) => st.Resource)).to.deep.equal([[db], ["arn:aws:ssm:eu-central-1:123456789012:parameter/sites/a-dc/api-token"]]);
    // The regions get neither the site's override nor its grant.
    const regional = JSON.parse(recorder.one("aws:ecs/taskDefinition:TaskDefinition", "eu-west-1-web-task").inputs.containerDefinitions as string)[0];
    expect(regional.secrets).to.deep.equal([{ name: "DB_PASSWORD", valueFrom: db }]);
    expect(renderPlan(r, [])).to.include("     secrets: API_TOKEN, DB_PASSWORD (read by the site's execution role)");
    const violations = evaluate(fromRecorded(r.resources), { stack: r.stack, project: r.project, now: NOW });
    expect(violations.filter((v) => v.level === "mandatory")).to.deep.equal([]);
  });

  it("never attaches an EXTERNAL service to a load balancer or target group", async () => {
    const r = await runStack("prod");
    const external = recorder.ofType("aws:ecs/service:Service").filter((s) => s.inputs.launchType === "EXTERNAL");
    expect(external.length).to.equal(3);
    for (const s of external) {
      expect(s.inputs, s.name).to.not.have.property("loadBalancers");
      expect(s.inputs, s.name).to.not.have.property("serviceRegistries");
      expect(s.inputs, s.name).to.not.have.property("serviceConnectConfiguration");
      expect(s.inputs, s.name).to.not.have.property("capacityProviderStrategies");
    }
    // Nothing that belongs to a load balancer lives under a site.
    for (const x of r.resources.filter((y) => siteOf(y, r.resources) !== undefined)) {
      expect(x.type, x.name).to.not.match(/^aws:(lb|alb|elasticloadbalancingv2|servicediscovery)\//);
    }
  });

  it("exports per-site outputs with the activation code and registration command secret", async () => {
    const r = await runStack("prod");
    const outputs = (r.outputs as { sites: Record<string, Record<string, unknown>> }).sites;
    expect(outputs["amsterdam-dc"]).to.deep.equal({
      clusterName: "ecs-fleet-prod-amsterdam-dc",
      activationId: outputs["amsterdam-dc"].activationId,
      activationExpires: "2026-12-20T00:00:00Z",
      activationCode: SECRET_PLACEHOLDER,
      registrationCommand: SECRET_PLACEHOLDER,
      services: { web: { serviceName: "web" }, worker: { serviceName: "worker" } },
    });
    expect(outputs["amsterdam-dc"].activationId).to.be.a("string").and.not.equal(SECRET_PLACEHOLDER);
    expect(outputs["virginia-dc"]).to.deep.equal({ clusterName: "ecs-fleet-prod-virginia-dc", services: { web: { serviceName: "web" } } });

    const exported = r.exported as FleetOutputs;
    const ams = exported.sites["amsterdam-dc"];
    expect(await pulumi.isSecret(ams.activationCode!)).to.equal(true);
    expect(await pulumi.isSecret(ams.registrationCommand!)).to.equal(true);

    // The plan document (what `npm run plan -- --json` prints) never holds the code itself.
    const code = await valueOf(ams.activationCode!);
    const doc = JSON.stringify(planDocument(r, []));
    expect(doc).to.not.include(code);
    expect(doc).to.include(`"registrationCommand":"${SECRET_PLACEHOLDER}"`);
    expect(doc).to.include(`"activationCode":"${SECRET_PLACEHOLDER}"`);
  });

  it("exports a registration command for the site's region, cluster and activation", async () => {
    const r = await runStack("dev");
    const lab = (r.exported as FleetOutputs).sites["lab-dc"];
    const [command, id, code] = await Promise.all([valueOf(lab.registrationCommand!), valueOf(lab.activationId!), valueOf(lab.activationCode!)]);
    expect(command).to.include('curl --fail --silent --show-error --proto "=https" -o "/tmp/ecs-anywhere-install.sh" "https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh"');
    expect(command).to.include("gpg --status-fd 1 --verify");
    expect(command).to.match(
      new RegExp(`sudo bash "/tmp/ecs-anywhere-install.sh" --region 'eu-central-1' --cluster 'ecs-fleet-dev-lab-dc' --activation-id '${id}' --activation-code '${code}'$`),
    );
  });

  it("registers identical inputs when run twice with the same config (a second up replaces nothing)", async () => {
    const snapshot = (resources: RecordedResource[]) =>
      resources.map((x) => ({ urn: x.urn, provider: x.provider, inputs: x.inputs, options: x.options })).sort((a, b) => a.urn.localeCompare(b.urn));
    const first = snapshot((await runStack("prod")).resources);
    // A later day, same config: still the same activation inputs (expiry comes from config only).
    const second = snapshot((await runStack("prod", new Date("2026-12-05T12:00:00Z"))).resources);
    expect(second).to.deep.equal(first);
    const activation = first.find((x) => x.urn.endsWith("aws:ssm/activation:Activation::site-amsterdam-dc-activation"))!;
    expect(activation.inputs).to.include({ expirationDate: "2026-12-20T00:00:00Z", registrationLimit: 5 });
  });

  it("warns (never fails) when an activation has expired, through pulumi.log.warn and the plan", async () => {
    const warned: string[] = [];
    const original = pulumi.log.warn;
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = (msg: string) => {
      warned.push(msg);
      return Promise.resolve();
    };
    let r: OkRun;
    try {
      r = await runStack("dev", new Date("2026-12-21T00:00:00Z"));
    } finally {
      (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
    }
    const expected = r.plan.warnings.filter((w) => w.startsWith("sites.lab-dc:"));
    expect(expected).to.have.length(1);
    expect(expected[0]).to.include("expired on 2026-12-20; no new host can register");
    expect(warned).to.include(expected[0]);
    // Everything is still created, the activation included (hosts already registered keep working).
    expect(recorder.ofType("aws:ssm/activation:Activation")).to.have.length(1);
    expect(renderPlan(r, [])).to.include("(EXPIRED: no new host can register)");
  });

  it("creates nothing when a site is invalid", async () => {
    const raw = rawConfig(validConfig({ sites: { "a-dc": { region: "eu-west-1", hosts: 3, networkMode: "awsvpc" } }, services: { web: { ...WEB, sites: ["a-dc"] } } }));
    const r = await runProgram(recorder, { stack: "dev", raw, now: NOW });
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).to.deep.equal(["ecs-fleet:sites.a-dc.networkMode"]);
    expect(recorder.resources).to.have.length(0);
  });

  it("shows each site with its cluster, activation and services in the human plan", async () => {
    const text = renderPlan(await runStack("prod"), []);
    expect(text).to.include("== site amsterdam-dc (ECS Anywhere, home region eu-west-1, provider aws-eu-west-1)");
    expect(text).to.include("   cluster ecs-fleet-prod-amsterdam-dc");
    expect(text).to.include("   activation: up to 5 host(s), expires 2026-12-20; code and registration command are secret");
    expect(text).to.include("   service web: public.ecr.aws/nginx/nginx:1.27, 512 CPU / 1024 MiB reserved, 3 task(s), port 80 on the host, one task per host");
    expect(text).to.include("== site virginia-dc (ECS Anywhere, home region us-east-1, provider aws-us-east-1)");
    expect(text).to.include("   activation: none");
    expect(text).to.not.match(/mock-activation-code/);
  });
});
