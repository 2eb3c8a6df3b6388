import { expect } from "chai";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { planFleet, siteDeployment } from "../../stacks/plan";
import { parseDate } from "../../stacks/sections/sites";
import { checkSiteOverride } from "../../stacks/sections/services";
import { CTX, rawConfig, validConfig } from "../config-fixtures";

const WEB = { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512, desiredCount: 2 };
const SITE = { region: "eu-west-1", hosts: 3, activation: { expires: "2026-12-20" } };

/** A valid config with sites and a web service that lists them. */
function withSites(sites: Record<string, unknown>, web: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return validConfig({ sites, services: { web: { ...WEB, sites: Object.keys(sites), ...web } }, ...extra });
}

function problems(config: Record<string, unknown>, now: Date = CTX.now): string[] {
  const r = validateConfig(rawConfig(config), { ...CTX, now });
  return r.ok ? [] : r.issues.map(formatIssue);
}

function plan(config: Record<string, unknown>, now: Date = CTX.now) {
  const r = validateConfig(rawConfig(config), { ...CTX, now });
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join("\n"));
  return planFleet(r.config, { project: "ecs-fleet", stack: "dev", now });
}

describe("ecs-fleet:sites validation", () => {
  it("accepts a site and applies defaults (bridge networking, registration limit = hosts)", () => {
    const r = validateConfig(rawConfig(withSites({ "amsterdam-dc": SITE })), CTX);
    expect(r.ok, r.ok ? "" : r.issues.map(formatIssue).join("\n")).to.equal(true);
    if (!r.ok) return;
    expect(r.config.sites["amsterdam-dc"]).to.deep.equal({ region: "eu-west-1", hosts: 3, activation: { expires: "2026-12-20" }, networkMode: "bridge" });
    const p = planFleet(r.config, { project: "ecs-fleet", stack: "dev", now: CTX.now });
    expect(p.sites[0].activation?.registrationLimit).to.equal(3);
  });

  it("accepts a site in a region that is not in ecs-fleet:regions, and a site without activation", () => {
    expect(problems(withSites({ "lab-dc": { region: "eu-central-1", hosts: 1 } }))).to.deep.equal([]);
  });

  it("rejects a service listing an unknown site, and a site listed twice", () => {
    const config = validConfig({ sites: { "amsterdam-dc": SITE }, services: { web: { ...WEB, sites: ["amsterdam-dc", "paris-dc", "amsterdam-dc"] } } });
    expect(problems(config)).to.deep.equal([
      'ecs-fleet:services.web.sites[1]: "paris-dc" is not a configured site (configured: amsterdam-dc)',
      "ecs-fleet:services.web.sites[2]: amsterdam-dc is listed twice",
    ]);
    expect(problems(validConfig({ services: { web: { ...WEB, sites: ["x-dc"] } } }))).to.deep.equal([
      'ecs-fleet:services.web.sites[0]: "x-dc" is not a configured site (configured: none)',
    ]);
  });

  it("rejects unknown regions and regions whose partition has no ECS Anywhere here", () => {
    expect(problems(withSites({ "a-dc": { ...SITE, region: "eu-west1" } }))).to.deep.equal([
      'ecs-fleet:sites.a-dc.region: unknown AWS region "eu-west1" (did you mean eu-west-1?)',
    ]);
    expect(problems(withSites({ "a-dc": { ...SITE, region: "cn-north-1" } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.region: ECS Anywhere sites are supported only in commercial AWS regions (partition aws); cn-north-1 is in partition aws-cn",
    ]);
    expect(problems(withSites({ "a-dc": { ...SITE, region: "us-gov-west-1" } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.region: ECS Anywhere sites are supported only in commercial AWS regions (partition aws); us-gov-west-1 is in partition aws-us-gov",
    ]);
  });

  it("rejects an expiry more than 30 days after the injected clock, and values that are not dates", () => {
    const now = new Date("2026-11-24T06:00:00Z");
    expect(problems(withSites({ "a-dc": { ...SITE, activation: { expires: "2026-12-24" } } }), now)).to.deep.equal([]);
    expect(problems(withSites({ "a-dc": { ...SITE, activation: { expires: "2026-12-25" } } }), now)).to.deep.equal([
      "ecs-fleet:sites.a-dc.activation.expires: an SSM activation expires at most 30 days after it is created; pick a date no later than 2026-12-24, got 2026-12-25",
    ]);
    // The same date is fine a week later: the check follows the clock it is given.
    expect(problems(withSites({ "a-dc": { ...SITE, activation: { expires: "2026-12-25" } } }), new Date("2026-12-01T00:00:00Z"))).to.deep.equal([]);
    for (const bad of ["next week", "2026-02-30", "20/12/2026", "2026-12-20T00:00:00Z"]) {
      expect(problems(withSites({ "a-dc": { ...SITE, activation: { expires: bad } } }), now)).to.deep.equal([
        `ecs-fleet:sites.a-dc.activation.expires: expected a date such as 2026-12-20 (YYYY-MM-DD, UTC), got "${bad}"`,
      ]);
    }
    expect(problems(withSites({ "a-dc": { ...SITE, activation: {} } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.activation.expires: required: a date such as 2026-12-20 (YYYY-MM-DD, UTC)",
    ]);
  });

  it("accepts an expired date (a warning, not an error) and warns naming the site and date", () => {
    const config = withSites({ "a-dc": { ...SITE, activation: { expires: "2026-11-01" } } });
    expect(problems(config)).to.deep.equal([]);
    const p = plan(config);
    expect(p.sites[0].activation).to.include({ expired: true, expires: "2026-11-01", expirationDate: "2026-11-01T00:00:00Z" });
    expect(p.warnings).to.have.length(1);
    expect(p.warnings[0]).to.match(/^sites\.a-dc: the SSM activation expired on 2026-11-01; no new host can register/);
    expect(p.warnings[0]).to.include("hosts already registered keep working");
    expect(plan(withSites({ "a-dc": SITE })).warnings).to.deep.equal([]);
  });

  it("rejects registrationLimit below hosts or above 1000, and hosts below 1", () => {
    expect(problems(withSites({ "a-dc": { ...SITE, activation: { expires: "2026-12-20", registrationLimit: 2 } } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.activation.registrationLimit: must be at least hosts (3) and at most 1000 (the SSM limit per activation), got 2",
    ]);
    expect(problems(withSites({ "a-dc": { ...SITE, activation: { expires: "2026-12-20", registrationLimit: 1001 } } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.activation.registrationLimit: must be at least hosts (3) and at most 1000 (the SSM limit per activation), got 1001",
    ]);
    // The default limit is hosts: more than 1000 hosts need an explicit decision.
    expect(problems(withSites({ "a-dc": { ...SITE, hosts: 1200 } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.hosts: 1200 hosts cannot onboard through one SSM activation (at most 1000 registrations each, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateActivation.html); split the site, or onboard in batches with activation.registrationLimit of at most 1000",
    ]);
    expect(problems(withSites({ "a-dc": { ...SITE, hosts: 0 } }))).to.deep.equal(["ecs-fleet:sites.a-dc.hosts: must be 1 or more, got 0"]);
    expect(problems(withSites({ "a-dc": { region: "eu-west-1" } }))).to.deep.equal(["ecs-fleet:sites.a-dc.hosts: required: a whole number 1 or more"]);
  });

  it("rejects awsvpc networking with the reason, and other modes", () => {
    expect(problems(withSites({ "a-dc": { ...SITE, networkMode: "awsvpc" } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.networkMode: awsvpc is not supported on external instances (ECS Anywhere tasks cannot get their own network interface); use bridge or host",
    ]);
    expect(problems(withSites({ "a-dc": { ...SITE, networkMode: "nat" } }))).to.deep.equal(['ecs-fleet:sites.a-dc.networkMode: must be one of bridge, host, got "nat"']);
  });

  it("rejects load balancer, capacity and request-scaling overrides at a site, naming the key and why", () => {
    const overrides = { "a-dc": { desiredCount: 1, image: "public.ecr.aws/nginx/nginx:1.28", public: true, capacity: "spot", requestsPerTarget: 100 } };
    const r = problems(withSites({ "a-dc": SITE }, { overrides }));
    expect(r).to.include.members([
      "ecs-fleet:services.web.overrides.a-dc.public: public cannot be overridden at site a-dc: ECS Anywhere has no load balancer, so a site service cannot be public; allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment",
      "ecs-fleet:services.web.overrides.a-dc.capacity: capacity cannot be overridden at site a-dc: external instances have no capacity providers (no Fargate, no Spot); allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment",
      "ecs-fleet:services.web.overrides.a-dc.requestsPerTarget: requestsPerTarget cannot be overridden at site a-dc: scaling on requests per target needs a load balancer, which ECS Anywhere does not have; allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment",
    ]);
    expect(r.filter((p) => /overrides\.a-dc\.(desiredCount|image)/.test(p))).to.deep.equal([]);
    // The same keys in a region override are not this check's business.
    expect(problems(withSites({ "a-dc": SITE }, { overrides: { "eu-west-1": { public: true } } })).some((p) => p.includes("cannot be overridden at site"))).to.equal(false);
  });

  it("explains why a site override key is not allowed (generic allow-list check)", () => {
    const seen: string[] = [];
    checkSiteOverride(["services", "web"], "a-dc", { desiredCount: 2, cpu: 512, memory: 1024, image: "x", public: true, capacity: "spot", requestsPerTarget: 50, autoscaling: {}, unset: undefined }, (path, message) => seen.push(`${path.join(".")}: ${message}`));
    expect(seen).to.deep.equal([
      "services.web.overrides.a-dc.public: public cannot be overridden at site a-dc: ECS Anywhere has no load balancer, so a site service cannot be public; allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment",
      "services.web.overrides.a-dc.capacity: capacity cannot be overridden at site a-dc: external instances have no capacity providers (no Fargate, no Spot); allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment",
      "services.web.overrides.a-dc.requestsPerTarget: requestsPerTarget cannot be overridden at site a-dc: scaling on requests per target needs a load balancer, which ECS Anywhere does not have; allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment",
      "services.web.overrides.a-dc.autoscaling: autoscaling cannot be overridden at site a-dc: ecs-fleet scales site services by their desiredCount only (a site has a fixed set of hosts); allowed at a site: desiredCount, cpu, memory, image, environment, secrets, deployment",
    ]);
  });

  it("accepts overrides keyed by a site the service lists, and rejects those for sites it does not list", () => {
    expect(problems(withSites({ "a-dc": SITE }, { overrides: { "a-dc": { desiredCount: 3, cpu: 512, memory: 4096 } } }))).to.deep.equal([]);
    const config = validConfig({ sites: { "a-dc": SITE }, services: { web: { ...WEB, overrides: { "a-dc": { desiredCount: 1 } } } } });
    expect(problems(config)).to.deep.equal([
      "ecs-fleet:services.web.overrides.a-dc: the service does not run at site a-dc (it runs in eu-west-1, us-east-1); add a-dc to services.web.sites or remove this override",
    ]);
  });

  it("rejects a desired count above hosts where tasks hold a host port (host networking, or a published port)", () => {
    const host = { "a-dc": { ...SITE, networkMode: "host" } };
    expect(problems(withSites(host, { overrides: { "a-dc": { desiredCount: 4 } } }))).to.deep.equal([
      "ecs-fleet:services.web.overrides.a-dc.desiredCount: 4 tasks at a-dc but the site has 3 host(s); with host networking every task binds its ports on the host itself, " +
        "so at most 3 fit without port collisions: set overrides.a-dc.desiredCount to at most 3 or raise sites.a-dc.hosts",
    ]);
    // The service's own count applies when there is no override: reported at the site entry.
    expect(problems(withSites(host, { desiredCount: 5 }))).to.deep.equal([
      "ecs-fleet:services.web.sites[0]: 5 tasks at a-dc but the site has 3 host(s); with host networking every task binds its ports on the host itself, " +
        "so at most 3 fit without port collisions: set overrides.a-dc.desiredCount to at most 3 or raise sites.a-dc.hosts",
    ]);
    expect(problems(withSites({ "a-dc": SITE }, { containerPort: 8080, overrides: { "a-dc": { desiredCount: 4 } } }))).to.deep.equal([
      "ecs-fleet:services.web.overrides.a-dc.desiredCount: 4 tasks at a-dc but the site has 3 host(s); each task publishes container port 8080 on the same host port, " +
        "so at most 3 fit without port collisions: set overrides.a-dc.desiredCount to at most 3 or raise sites.a-dc.hosts",
    ]);
    // Bridge without a published port: several tasks per host are fine.
    expect(problems(withSites({ "a-dc": SITE }, { overrides: { "a-dc": { desiredCount: 9 } } }))).to.deep.equal([]);
    expect(problems(withSites(host, { overrides: { "a-dc": { desiredCount: 3 } } }))).to.deep.equal([]);
  });

  it("rejects site names that are not DNS-safe, too long, or AWS region names", () => {
    const r = problems(validConfig({ sites: { Amsterdam_DC: SITE, [`a${"b".repeat(32)}`]: SITE, "eu-west-2": SITE } }));
    expect(r).to.deep.equal([
      'ecs-fleet:sites.Amsterdam_DC: site names must be DNS-safe (lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen), got "Amsterdam_DC"',
      `ecs-fleet:sites.a${"b".repeat(32)}: site names are used in cluster, IAM role and log group names and may be at most 32 characters, got 33`,
      'ecs-fleet:sites.eu-west-2: "eu-west-2" is an AWS region name; service overrides are keyed by region and site names alike, so name the site differently (e.g. eu-west-2-dc)',
    ]);
  });

  it("rejects unknown keys in a site and its activation", () => {
    expect(problems(withSites({ "a-dc": { ...SITE, host: 3 } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.host: unknown key (did you mean hosts?); allowed: region, hosts, activation, networkMode",
    ]);
    expect(problems(withSites({ "a-dc": { ...SITE, activation: { expires: "2026-12-20", limit: 3 } } }))).to.deep.equal([
      "ecs-fleet:sites.a-dc.activation.limit: unknown key; allowed: expires, registrationLimit",
    ]);
  });

  it("lets a service run only on-prem (regions: [] with sites)", () => {
    expect(problems(withSites({ "a-dc": SITE }, { regions: [] }))).to.deep.equal([]);
    expect(problems(validConfig({ services: { web: { ...WEB, regions: [] } } }))).to.deep.equal([
      "ecs-fleet:services.web.regions: name at least one region, or leave regions out to run in every region",
    ]);
    const p = plan(withSites({ "a-dc": SITE }, { regions: [] }));
    expect(p.regions.every((r) => r.services.length === 0)).to.equal(true);
    expect(p.sites[0].services.map((s) => s.name)).to.deep.equal(["web"]);
  });

  it("reports site problems together with every other problem of the config", () => {
    const r = problems(validConfig({
      regions: { "eu-west-1": { cidr: "10.10.0.0/33" } },
      sites: { "a-dc": { region: "mars-1", hosts: 0 } },
      services: { web: { ...WEB, sites: ["nope"] } },
    }));
    expect(r).to.include("ecs-fleet:sites.a-dc.hosts: must be 1 or more, got 0");
    expect(r).to.include('ecs-fleet:services.web.sites[0]: "nope" is not a configured site (configured: a-dc)');
    expect(r.some((p) => p.startsWith("ecs-fleet:regions.eu-west-1.cidr"))).to.equal(true);
  });
});

describe("site planning", () => {
  it("resolves each site's services with the site's overrides, names from the naming helper", () => {
    const p = plan(withSites(
      { "amsterdam-dc": { ...SITE, activation: { expires: "2026-12-20", registrationLimit: 5 } }, "lab-dc": { region: "eu-central-1", hosts: 2, networkMode: "host" } },
      { containerPort: 8080, overrides: { "amsterdam-dc": { desiredCount: 3, image: "public.ecr.aws/nginx/nginx:1.28", memory: 768 } } },
    ));
    expect(p.sites.map((s) => s.site)).to.deep.equal(["amsterdam-dc", "lab-dc"]);
    const [ams, lab] = p.sites;
    expect(ams).to.deep.include({
      region: "eu-west-1",
      partition: "aws",
      providerName: "aws-eu-west-1",
      hosts: 3,
      networkMode: "bridge",
      clusterName: "ecs-fleet-dev-amsterdam-dc",
      instanceRoleName: "ecs-fleet-dev-amsterdam-dc-instance",
      executionRoleName: "ecs-fleet-dev-amsterdam-dc-exec",
      logGroupName: "/ecs-fleet/dev/sites/amsterdam-dc",
    });
    expect(ams.activation).to.deep.equal({
      expires: "2026-12-20",
      expirationDate: "2026-12-20T00:00:00Z",
      registrationLimit: 5,
      expired: false,
      instanceName: "ecs-fleet-dev-amsterdam-dc",
    });
    expect(ams.services).to.deep.equal([
      {
        name: "web",
        serviceName: "web",
        family: "ecs-fleet-dev-amsterdam-dc-web",
        image: "public.ecr.aws/nginx/nginx:1.28",
        cpu: 256,
        memory: 768,
        desiredCount: 3,
        containerPort: 8080,
        oneTaskPerHost: true,
        deployment: { minimumHealthyPercent: 66, maximumPercent: 100 },
        environment: {},
        secrets: {},
        readonlyRootFilesystem: false,
        deploymentWait: { waitForSteadyState: false, timeoutMinutes: 30 },
      },
    ]);
    expect(lab.providerName).to.equal("aws-eu-central-1");
    expect(lab.activation).to.equal(undefined);
    expect(lab.services[0]).to.include({ desiredCount: 2, image: WEB.image, memory: 512 });
    // Regions keep their own counts: site overrides never leak into regions.
    expect(p.regions.map((r) => r.services[0].desiredCount)).to.deep.equal([2, 2]);
  });

  it("gives site services the service's environment and secrets, merged key by key with the site override", () => {
    const p = plan(withSites(
      { "a-dc": SITE, "b-dc": { region: "us-east-1", hosts: 2 } },
      {
        readonlyRootFilesystem: true,
        environment: { LOG_LEVEL: "info", MODE: "cloud" },
        secrets: { DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db", API_TOKEN: "/prod/api/token" },
        overrides: {
          "a-dc": { environment: { MODE: "site", SITE_ID: "ams" }, secrets: { API_TOKEN: "/sites/a-dc/api/token" } },
          "eu-west-1": { environment: { MODE: "eu" } },
        },
      },
    ));
    const [a, b] = p.sites.map((s) => s.services[0]);
    expect(a.environment).to.deep.equal({ LOG_LEVEL: "info", MODE: "site", SITE_ID: "ams" });
    expect(Object.keys(a.environment)).to.deep.equal(["LOG_LEVEL", "MODE", "SITE_ID"]);
    expect(a.secrets).to.deep.equal({
      API_TOKEN: { valueFrom: "/sites/a-dc/api/token", ref: { kind: "ssm-name", name: "/sites/a-dc/api/token" } },
      DB_PASSWORD: {
        valueFrom: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db",
        ref: { kind: "secretsmanager", arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db" },
      },
    });
    expect(a.readonlyRootFilesystem).to.equal(true);
    // Without a site override the site runs the service's own maps; region overrides never reach a site.
    expect(b.environment).to.deep.equal({ LOG_LEVEL: "info", MODE: "cloud" });
    expect(b.secrets.API_TOKEN.valueFrom).to.equal("/prod/api/token");
    expect(b.readonlyRootFilesystem).to.equal(true);
    // Site overrides never leak into regions.
    expect(p.regions.map((r) => r.services[0].environment.MODE)).to.deep.equal(["eu", "cloud"]);
  });

  it("checks environment and secrets of a site override like those of a region override", () => {
    expect(problems(withSites({ "a-dc": SITE }, {
      environment: { LOG_LEVEL: "info" },
      secrets: { DB_PASSWORD: "/prod/db/password" },
      overrides: { "a-dc": { environment: { "1BAD": "x", DB_PASSWORD: "plain" }, secrets: { TOKEN: "arn:aws:s3:::bucket", LOG_LEVEL: "/sites/level" } } },
    }))).to.deep.equal([
      "ecs-fleet:services.web.overrides.a-dc.environment.1BAD: environment variable names use letters, digits and underscores, not starting with a digit",
      'ecs-fleet:services.web.overrides.a-dc.secrets.TOKEN: expected a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name, got "arn:aws:s3:::bucket"',
      "ecs-fleet:services.web.overrides.a-dc.environment.DB_PASSWORD: DB_PASSWORD is a secret of the service; a variable is either plain or secret, remove one",
      "ecs-fleet:services.web.overrides.a-dc.secrets.LOG_LEVEL: LOG_LEVEL is also set in environment; a variable is either plain or secret, remove one",
    ]);
  });

  it("never derives the activation expiry from the clock: the same config plans the same input at any time", () => {
    const config = withSites({ "a-dc": SITE });
    const a = plan(config, new Date("2026-11-24T00:00:00Z")).sites[0].activation!;
    const b = plan(config, new Date("2026-12-10T13:37:00Z")).sites[0].activation!;
    expect(a.expirationDate).to.equal("2026-12-20T00:00:00Z");
    expect(b.expirationDate).to.equal(a.expirationDate);
    expect(b.registrationLimit).to.equal(a.registrationLimit);
  });

  it("keeps IAM role names within 64 characters for the longest site name, stable across runs", () => {
    const name = `s${"x".repeat(31)}`;
    const config = validConfig({ sites: { [name]: SITE } });
    const site = plan(config).sites[0];
    expect(site.instanceRoleName).to.equal(`ecs-fleet-dev-${name}-instance`);
    expect(site.instanceRoleName.length).to.be.at.most(64);
    expect(site.executionRoleName.length).to.be.at.most(64);
    expect(plan(config).sites[0]).to.deep.equal(site);
  });

  it("deploys one-task-per-host services by stopping one task before starting its replacement", () => {
    expect(siteDeployment(1, true)).to.deep.equal({ minimumHealthyPercent: 0, maximumPercent: 100 });
    expect(siteDeployment(2, true)).to.deep.equal({ minimumHealthyPercent: 50, maximumPercent: 100 });
    expect(siteDeployment(3, true)).to.deep.equal({ minimumHealthyPercent: 66, maximumPercent: 100 });
    expect(siteDeployment(3, false)).to.deep.equal({ minimumHealthyPercent: 100, maximumPercent: 200 });
    // ECS rounds the healthy minimum up: exactly one task may stop, for every count.
    for (let n = 1; n <= 50; n++) {
      const { minimumHealthyPercent } = siteDeployment(n, true);
      expect(Math.ceil((n * minimumHealthyPercent) / 100), `n=${n}`).to.equal(n - 1);
    }
  });

  it("parses only real calendar dates", () => {
    expect(parseDate("2028-02-29")?.toISOString()).to.equal("2028-02-29T00:00:00.000Z");
    expect(parseDate("2027-02-29")).to.equal(undefined);
    expect(parseDate("2026-13-01")).to.equal(undefined);
  });
});
