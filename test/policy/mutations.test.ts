/**
 * Mutation tests over config: start from a shipped stack (Pulumi.dev.yaml / Pulumi.prod.yaml), change
 * one config value, run the real program under the mock runtime, evaluate every rule, and assert that
 * exactly the expected rule now fires (at the expected level) where it did not before — or, where
 * validation refuses the change, that the error names the key. Either way the weakening cannot land
 * unnoticed: `npm run plan` exits 2 (invalid config) or 3 (mandatory violation).
 *
 * Config-reachable rules (a config value decides whether they fire; tested here):
 * - ecs-task-no-plain-secrets: `services.<s>.environment` (and `overrides.<region>.environment`) go
 *   verbatim into the task definition, encrypted (`secure:`) values included. A name both plain and
 *   secret is a validation error.
 * - lb-deletion-protection: `alb.deletionProtection`, and the stack name (default on for `prod*`,
 *   and the rule's level: mandatory on `prod*`, advisory elsewhere).
 * - lb-http-redirects-to-https: `dns` — with a zone the ALBs get HTTPS and HTTP redirects; without one
 *   the HTTP listener forwards (advisory only: the load balancer has no HTTPS listener). No config
 *   makes an HTTP listener forward next to an HTTPS one (the mandatory case).
 * - ecs-task-readonly-root: `services.<s>.readonlyRootFilesystem`, at regions and at sites.
 * - log-group-retention: `services.<s>.logRetentionDays` — validation only accepts CloudWatch's
 *   retention periods (no 0 / "never expire"), so the rule can only be reached by a component change.
 * - lb-access-logs: `alb.accessLogs: false` (on by default, to a bucket per region).
 * - ssm-activation-limits: `sites.<s>.activation` — validation refuses an expiry more than 30 days
 *   ahead and a registration limit outside 1..1000 (the limit defaults to `hosts`, so it is always
 *   set); the rule still catches an activation whose expiry is too far from the clock it runs with.
 *
 * Fixture-only rules (test/policy/rules.test.ts), because no config value reaches the input they check:
 * - ecs-task-no-privileged, ecs-task-no-host-pid, batch-job-no-privileged: the schema has no
 *   privileged / pidMode key (an unknown key is a validation error, asserted below); the components
 *   never set them.
 * - ecs-task-fargate-awsvpc: Fargate task definitions are always awsvpc; a site's `networkMode` may
 *   only be bridge or host, and site task definitions are EXTERNAL, which the rule does not check.
 * - ecs-task-separate-roles, ecs-task-logging, ecs-cluster-container-insights,
 *   ecs-service-circuit-breaker, ecs-service-no-public-ip (`public: true` only routes from the ALB),
 *   lb-drop-invalid-headers, lb-listener-tls-policy (the SSL policy is fixed by the planner),
 *   lb-target-group-health-check (`healthCheck.path` only changes the path), sg-description,
 *   sg-no-public-ingress (only the ALB group is open, on 80/443; `containerPort` only opens the task
 *   group to the ALB group), iam-trust-specific-services, iam-no-wildcard-admin, iam-passrole-scoped
 *   (secret references are validated ARNs / parameter names, never `*`), vpc-flow-logs: fixed by the
 *   components whatever the config.
 * - subnet-private-no-public-ip: subnets are made by awsx's Vpc (a remote component; no `natGateways`
 *   value maps public IPs in private subnets).
 * - tags-required: the tags come from the project, stack and region names in every provider's
 *   defaultTags; config cannot remove them.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { sharedRun } from "../helpers";
import { parse } from "yaml";
import { configMap, readStackFile } from "../../offline/stack-file";
import { evaluate } from "../../policy/evaluate";
import { fromRecorded } from "../../policy/recorded";
import { rules } from "../../policy/rules";
import { Level, Violation } from "../../policy/types";

const ROOT = path.resolve(__dirname, "..", "..");
/** The program's clock: the shipped activations (2026-12-20) are 26 days ahead. */
const NOW = new Date("2026-11-24T00:00:00Z");

/** Rules a config edit can make fire (each has a describe block below). */
const CONFIG_REACHABLE = [
  "ecs-task-no-plain-secrets",
  "lb-deletion-protection",
  "lb-http-redirects-to-https",
  "ecs-task-readonly-root",
  "lb-access-logs",
  "log-group-retention",
  "ssm-activation-limits",
];
/** Rules only fixtures can make fire (reasons in the header). */
const FIXTURE_ONLY = [
  "ecs-task-no-privileged",
  "ecs-task-no-host-pid",
  "batch-job-no-privileged",
  "ecs-task-fargate-awsvpc",
  "ecs-task-separate-roles",
  "ecs-task-logging",
  "ecs-cluster-container-insights",
  "ecs-service-circuit-breaker",
  "ecs-service-no-public-ip",
  "lb-drop-invalid-headers",
  "lb-listener-tls-policy",
  "lb-target-group-health-check",
  "sg-description",
  "sg-no-public-ingress",
  "iam-trust-specific-services",
  "iam-no-wildcard-admin",
  "iam-passrole-scoped",
  "vpc-flow-logs",
  "subnet-private-no-public-ip",
  "tags-required",
];

type Raw = Record<string, string>;

/** What one config plans to: the validation errors, or the violations of every rule. */
type Outcome = { ok: false; issues: string[] } | { ok: true; violations: Violation[] };

function shipped(stack: "dev" | "prod"): Raw {
  return readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).raw;
}

/** A copy of `raw` with the JSON value of `ecs-fleet:<section>` changed by `change` (undefined removes the key). */
function edit(raw: Raw, section: string, change: (value: any) => any): Raw {
  const key = `ecs-fleet:${section}`;
  const out = { ...raw };
  const next = change(out[key] === undefined ? undefined : JSON.parse(out[key]));
  if (next === undefined) delete out[key];
  else out[key] = JSON.stringify(next);
  return out;
}

/**
 * Runs the program for `raw` at NOW and evaluates every rule (with `policyNow` as the rules' clock).
 * `secretKeys`: config keys holding an encrypted value.
 */
async function outcome(stack: string, raw: Raw, policyNow: Date = NOW, secretKeys: string[] = []): Promise<Outcome> {
  const run = await sharedRun({ stack, raw, secretKeys, now: NOW });
  if (!run.ok) return { ok: false, issues: run.issues.map((i) => `${i.path}: ${i.message}`) };
  return { ok: true, violations: evaluate(fromRecorded(run.resources), { stack, project: run.project, now: policyNow }) };
}

function violationsOf(o: Outcome): Violation[] {
  if (!o.ok) throw new Error(`invalid config:\n${o.issues.join("\n")}`);
  return o.violations;
}

function issuesOf(o: Outcome): string[] {
  if (o.ok) throw new Error("expected the config to be refused");
  return o.issues;
}

/** Identity of a violation across stacks: the URN's stack part left out. */
function key(v: Violation): string {
  return `${v.rule}|${v.level}|${v.urn.replace(/^urn:pulumi:[^:]*::/, "")}|${v.message}`;
}

/** Violations of `after` not in `before`. */
function added(before: Violation[], after: Violation[]): Violation[] {
  const seen = new Set(before.map(key));
  return after.filter((v) => !seen.has(key(v)));
}

/** The logical name of a violation's resource (last URN part). */
function nameOf(v: Violation): string {
  return v.urn.slice(v.urn.lastIndexOf("::") + 2);
}

/** `found` is non-empty, all of `rule` at `level`; returns the resource names, sorted. */
function onlyRule(found: Violation[], rule: string, level: Level): string[] {
  expect(found.length, "expected the mutation to trigger a violation").to.be.greaterThan(0);
  expect(found.map((v) => `${v.rule} ${v.level}`), JSON.stringify(found, null, 1)).to.deep.equal(found.map(() => `${rule} ${level}`));
  return found.map(nameOf).sort();
}

function ofRule(vs: Violation[], rule: string): Violation[] {
  return vs.filter((v) => v.rule === rule);
}

describe("policy mutations: a config edit that weakens security is caught", function () {
  this.timeout(60000);

  const baseline: Record<"dev" | "prod", Violation[]> = { dev: [], prod: [] };

  before(async () => {
    baseline.dev = violationsOf(await outcome("dev", shipped("dev")));
    baseline.prod = violationsOf(await outcome("prod", shipped("prod")));
  });

  it("classifies every rule of the pack as config-reachable (tested here) or fixture-only", () => {
    expect([...CONFIG_REACHABLE, ...FIXTURE_ONLY].sort()).to.deep.equal(rules.map((r) => r.name).sort());
    const src = fs.readFileSync(__filename, "utf8");
    const untested = CONFIG_REACHABLE.filter((name) => !src.includes(`describe("${name}`));
    expect(untested, "config-reachable rules without a mutation test").to.deep.equal([]);
  });

  it("the shipped stacks have no mandatory violation to begin with", () => {
    expect(baseline.dev.filter((v) => v.level === "mandatory")).to.deep.equal([]);
    expect(baseline.prod.filter((v) => v.level === "mandatory")).to.deep.equal([]);
  });

  describe("ecs-task-no-plain-secrets (mandatory)", () => {
    it("a plain DB_PASSWORD environment value flags the service's task definition in every region and site", async () => {
      expect(ofRule(baseline.dev, "ecs-task-no-plain-secrets")).to.deep.equal([]);
      const raw = edit(shipped("dev"), "services", (s) => {
        s.web.environment = { ...s.web.environment, DB_PASSWORD: "hunter2" };
        return s;
      });
      const found = added(baseline.dev, violationsOf(await outcome("dev", raw)));
      expect(onlyRule(found, "ecs-task-no-plain-secrets", "mandatory")).to.deep.equal(["eu-west-1-web-task", "site-lab-dc-web", "us-east-1-web-task"]);
      expect(found[0].message).to.equal(
        'container "web" environment variable DB_PASSWORD looks like a credential: move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)',
      );
    });

    it("an AWS access key id is flagged whatever the variable is called", async () => {
      const raw = edit(shipped("prod"), "services", (s) => {
        s.search.environment = { UPLOAD_ID: "AKIAIOSFODNN7EXAMPLE" };
        return s;
      });
      const found = added(baseline.prod, violationsOf(await outcome("prod", raw)));
      expect(onlyRule(found, "ecs-task-no-plain-secrets", "mandatory")).to.deep.equal(["eu-west-1-search-task", "us-east-1-search-task"]);
      expect(found[0].message).to.match(/^container "search" environment variable UPLOAD_ID looks like an AWS access key id: /);
    });

    it("a region override's environment flags only that region's task definition", async () => {
      const raw = edit(shipped("prod"), "services", (s) => {
        s.web.overrides["us-east-1"].environment = { SERVICE_TOKEN: "abc123" };
        return s;
      });
      const found = added(baseline.prod, violationsOf(await outcome("prod", raw)));
      expect(onlyRule(found, "ecs-task-no-plain-secrets", "mandatory")).to.deep.equal(["us-east-1-web-task"]);
    });

    it("an encrypted (secure:) environment value is flagged: it would be decrypted into the task definition", async () => {
      const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
      doc.config["ecs-fleet:services"].web.environment.DSN = { secure: "v1:AAAABBBBCCCC" };
      const { raw, secretKeys } = configMap(doc.config);
      expect(secretKeys).to.deep.equal(["ecs-fleet:services"]);
      const found = added(baseline.prod, violationsOf(await outcome("prod", raw, NOW, secretKeys)));
      expect(onlyRule(found, "ecs-task-no-plain-secrets", "mandatory")).to.deep.equal(["ap-southeast-2-web-task", "eu-west-1-web-task", "site-amsterdam-dc-web", "site-virginia-dc-web", "us-east-1-web-task"]);
      expect(found[0].message).to.equal(
        'container "web" environment variable DSN holds a Pulumi secret in plain text: move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)',
      );
    });

    it("a plain credential in a Batch job's environment flags its job definition in every region it runs in", async () => {
      const raw = edit(shipped("prod"), "batch", (b) => {
        b["render-invoices"].environment = { API_TOKEN: "tok_live_123" };
        return b;
      });
      const found = added(baseline.prod, violationsOf(await outcome("prod", raw)));
      expect(onlyRule(found, "ecs-task-no-plain-secrets", "mandatory")).to.have.length(2);
      expect(found.every((v) => v.urn.includes("aws:batch/jobDefinition:JobDefinition::") && v.message.includes("environment variable API_TOKEN looks like a credential"))).to.equal(true);
    });

    it("an ARN under a secret-looking name is a reference and passes", async () => {
      const raw = edit(shipped("dev"), "services", (s) => {
        s.web.environment = { ...s.web.environment, DB_PASSWORD_SECRET: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/web/db" };
        return s;
      });
      expect(added(baseline.dev, violationsOf(await outcome("dev", raw)))).to.deep.equal([]);
    });

    it("validation refuses a variable that is both plain and secret", async () => {
      const raw = edit(shipped("prod"), "services", (s) => {
        s.api.environment = { ...s.api.environment, DB_PASSWORD: "hunter2" };
        return s;
      });
      expect(issuesOf(await outcome("prod", raw))).to.deep.equal([
        "ecs-fleet:services.api.secrets.DB_PASSWORD: DB_PASSWORD is also set in environment; a variable is either plain or secret, remove one",
      ]);
    });
  });

  describe("lb-deletion-protection (mandatory on prod*, advisory elsewhere)", () => {
    it("prod: alb.deletionProtection false is a mandatory violation on every load balancer", async () => {
      expect(ofRule(baseline.prod, "lb-deletion-protection")).to.deep.equal([]);
      const raw = edit(shipped("prod"), "alb", () => ({ deletionProtection: false }));
      const found = added(baseline.prod, violationsOf(await outcome("prod", raw)));
      expect(onlyRule(found, "lb-deletion-protection", "mandatory")).to.deep.equal(["ap-southeast-2-alb", "eu-west-1-alb", "us-east-1-alb"]);
      expect(found[0].message).to.equal("deletion protection is off: set enableDeletionProtection to true");
    });

    it("dev: off by default is advisory; alb.deletionProtection true clears it and adds nothing", async () => {
      expect(ofRule(baseline.dev, "lb-deletion-protection").map((v) => `${v.level} ${nameOf(v)}`)).to.deep.equal([
        "advisory eu-west-1-alb",
        "advisory us-east-1-alb",
      ]);
      const after = violationsOf(await outcome("dev", edit(shipped("dev"), "alb", () => ({ deletionProtection: true }))));
      expect(added(baseline.dev, after)).to.deep.equal([]);
      expect(ofRule(after, "lb-deletion-protection")).to.deep.equal([]);
    });

    it("the stack name sets the default and the level: the prod config as stack staging gets advisories only", async () => {
      const found = added(baseline.prod, violationsOf(await outcome("staging", shipped("prod"))));
      expect(onlyRule(found, "lb-deletion-protection", "advisory")).to.deep.equal(["ap-southeast-2-alb", "eu-west-1-alb", "us-east-1-alb"]);
    });

    it("the same load balancers without protection are mandatory on prod-eu and production, advisory on staging", async () => {
      const raw = edit(shipped("prod"), "alb", () => ({ deletionProtection: false }));
      for (const [stack, level] of [["prod-eu", "mandatory"], ["production", "mandatory"], ["staging", "advisory"]] as const) {
        const found = ofRule(violationsOf(await outcome(stack, raw)), "lb-deletion-protection");
        expect(found.map((v) => `${v.level} ${nameOf(v)}`), stack).to.deep.equal([
          `${level} eu-west-1-alb`,
          `${level} us-east-1-alb`,
          `${level} ap-southeast-2-alb`,
        ]);
      }
    });

    it("validation refuses anything but true or false", async () => {
      const raw = edit(shipped("prod"), "alb", () => ({ deletionProtection: "off" }));
      expect(issuesOf(await outcome("prod", raw))).to.deep.equal(['ecs-fleet:alb.deletionProtection: expected true or false, got "off"']);
    });
  });

  describe("lb-http-redirects-to-https (advisory without HTTPS)", () => {
    it("prod without dns: each load balancer serves plain HTTP (advisory, nothing mandatory)", async () => {
      expect(ofRule(baseline.prod, "lb-http-redirects-to-https")).to.deep.equal([]);
      const found = added(baseline.prod, violationsOf(await outcome("prod", edit(shipped("prod"), "dns", () => undefined))));
      expect(onlyRule(found, "lb-http-redirects-to-https", "advisory")).to.deep.equal([
        "ap-southeast-2-alb-http",
        "eu-west-1-alb-http",
        "us-east-1-alb-http",
      ]);
      expect(found[0].message).to.equal("load balancer serves plain HTTP only: add an HTTPS listener with a certificate and make this listener redirect to HTTPS");
    });

    it("dev with a dns zone: HTTPS plus redirecting HTTP listeners clear the advisory and add nothing", async () => {
      expect(ofRule(baseline.dev, "lb-http-redirects-to-https").map((v) => `${v.level} ${nameOf(v)}`)).to.deep.equal([
        "advisory eu-west-1-alb-http",
        "advisory us-east-1-alb-http",
      ]);
      const after = violationsOf(await outcome("dev", edit(shipped("dev"), "dns", () => ({ zone: "example.com" }))));
      expect(added(baseline.dev, after)).to.deep.equal([]);
      expect(ofRule(after, "lb-http-redirects-to-https")).to.deep.equal([]);
    });
  });

  describe("lb-access-logs (advisory)", () => {
    it("alb.accessLogs false: every load balancer gets the advisory, and nothing mandatory", async () => {
      expect(ofRule([...baseline.dev, ...baseline.prod], "lb-access-logs")).to.deep.equal([]);
      const found = added(baseline.prod, violationsOf(await outcome("prod", edit(shipped("prod"), "alb", () => ({ accessLogs: false })))));
      expect(onlyRule(found, "lb-access-logs", "advisory")).to.deep.equal(["ap-southeast-2-alb", "eu-west-1-alb", "us-east-1-alb"]);
      expect(found[0].message).to.equal("access logs are off: set accessLogs { bucket: <S3 bucket>, enabled: true }");
    });

    it("validation refuses a retention that would not keep the logs", async () => {
      const raw = edit(shipped("dev"), "alb", () => ({ accessLogRetentionDays: 0 }));
      expect(issuesOf(await outcome("dev", raw))).to.deep.equal(["ecs-fleet:alb.accessLogRetentionDays: must be from 1 to 3650, got 0"]);
    });
  });

  describe("ecs-task-readonly-root (advisory)", () => {
    it("prod: the worker with a writable root gets the advisory in its region and at its site", async () => {
      const worker = ["eu-west-1-worker-task", "site-amsterdam-dc-worker"];
      expect(ofRule(baseline.prod, "ecs-task-readonly-root").map(nameOf).filter((n) => worker.includes(n))).to.deep.equal([]);
      const raw = edit(shipped("prod"), "services", (s) => {
        s.worker.readonlyRootFilesystem = false;
        return s;
      });
      const found = added(baseline.prod, violationsOf(await outcome("prod", raw)));
      expect(onlyRule(found, "ecs-task-readonly-root", "advisory")).to.deep.equal(["eu-west-1-worker-task", "site-amsterdam-dc-worker"]);
      expect(found[0].message).to.equal(
        'container "worker" has a writable root filesystem: set readonlyRootFilesystem to true (mount a volume for paths it must write)',
      );
    });

    it("dev: readonlyRootFilesystem true on web clears the advisory in every region and at the site, and adds nothing", async () => {
      const webTasks = ["eu-west-1-web-task", "site-lab-dc-web", "us-east-1-web-task"];
      expect(ofRule(baseline.dev, "ecs-task-readonly-root").map(nameOf)).to.include.members(webTasks);
      const raw = edit(shipped("dev"), "services", (s) => {
        s.web.readonlyRootFilesystem = true;
        return s;
      });
      const after = violationsOf(await outcome("dev", raw));
      expect(added(baseline.dev, after)).to.deep.equal([]);
      expect(ofRule(after, "ecs-task-readonly-root").map(nameOf).sort()).to.deep.equal(["eu-west-1-api-task", "us-east-1-api-task"]);
    });
  });

  describe("log-group-retention (mandatory): validation keeps retention set", () => {
    it("the shipped stacks set retention on every log group", () => {
      expect(ofRule([...baseline.dev, ...baseline.prod], "log-group-retention")).to.deep.equal([]);
    });

    it("refuses logRetentionDays 0 (never expire) and periods CloudWatch does not offer", async () => {
      const zero = edit(shipped("dev"), "services", (s) => {
        s.worker.logRetentionDays = 0;
        return s;
      });
      expect(issuesOf(await outcome("dev", zero))).to.deep.equal(["ecs-fleet:services.worker.logRetentionDays: must be from 1 to 3653, got 0"]);
      const two = edit(shipped("dev"), "services", (s) => {
        s.worker.logRetentionDays = 2;
        return s;
      });
      const issues = issuesOf(await outcome("dev", two));
      expect(issues).to.have.length(1);
      expect(issues[0]).to.match(/^ecs-fleet:services\.worker\.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, .*, got 2$/);
    });

    it("the shortest period allowed still passes", async () => {
      const raw = edit(shipped("dev"), "services", (s) => {
        s.worker.logRetentionDays = 1;
        return s;
      });
      expect(added(baseline.dev, violationsOf(await outcome("dev", raw)))).to.deep.equal([]);
    });
  });

  describe("ssm-activation-limits (mandatory): validation keeps the activation bounded", () => {
    it("refuses an expiry more than 30 days ahead of the program's clock", async () => {
      const raw = edit(shipped("dev"), "sites", (s) => {
        s["lab-dc"].activation.expires = "2027-01-30";
        return s;
      });
      expect(issuesOf(await outcome("dev", raw))).to.deep.equal([
        "ecs-fleet:sites.lab-dc.activation.expires: an SSM activation expires at most 30 days after it is created; pick a date no later than 2026-12-24, got 2027-01-30",
      ]);
    });

    it("refuses a registration limit below hosts or above the SSM limit; without one the limit is hosts, so it is always set", async () => {
      const limit = (n: number | undefined): Raw =>
        edit(shipped("prod"), "sites", (s) => {
          s["amsterdam-dc"].activation.registrationLimit = n;
          return s;
        });
      expect(issuesOf(await outcome("prod", limit(2)))).to.deep.equal([
        "ecs-fleet:sites.amsterdam-dc.activation.registrationLimit: must be at least hosts (3) and at most 1000 (the SSM limit per activation), got 2",
      ]);
      expect(issuesOf(await outcome("prod", limit(1001)))).to.deep.equal([
        "ecs-fleet:sites.amsterdam-dc.activation.registrationLimit: must be at least hosts (3) and at most 1000 (the SSM limit per activation), got 1001",
      ]);
      expect(added(baseline.prod, violationsOf(await outcome("prod", limit(undefined))))).to.deep.equal([]);
    });

    it("fires when the rules run with a clock more than 30 days before the planned expiry", async () => {
      expect(ofRule(baseline.dev, "ssm-activation-limits")).to.deep.equal([]);
      const found = added(baseline.dev, violationsOf(await outcome("dev", shipped("dev"), new Date("2026-11-01T00:00:00Z"))));
      expect(onlyRule(found, "ssm-activation-limits", "mandatory")).to.deep.equal(["site-lab-dc-activation"]);
      expect(found[0].message).to.equal("expirationDate 2026-12-20T00:00:00Z is 49 days ahead: set it at most 30 days ahead");
    });
  });

  describe("fixture-only rules: the config has no key to weaken them", () => {
    it("refuses privileged, pidMode, networkMode and assignPublicIp on a service, and privileged on a batch job", async () => {
      const services = edit(shipped("prod"), "services", (s) => {
        Object.assign(s.web, { privileged: true, pidMode: "host", networkMode: "host", assignPublicIp: true });
        return s;
      });
      const raw = edit(services, "batch", (b) => {
        b["render-invoices"].privileged = true;
        return b;
      });
      const issues = issuesOf(await outcome("prod", raw));
      for (const k of ["services.web.privileged", "services.web.pidMode", "services.web.networkMode", "services.web.assignPublicIp", "batch.render-invoices.privileged"]) {
        expect(issues.some((i) => i.startsWith(`ecs-fleet:${k}: unknown key`)), `${k} in ${issues.join("\n")}`).to.equal(true);
      }
    });

    it("refuses awsvpc at a site (ECS Anywhere tasks cannot get their own network interface)", async () => {
      const raw = edit(shipped("prod"), "sites", (s) => {
        s["virginia-dc"].networkMode = "awsvpc";
        return s;
      });
      const issues = issuesOf(await outcome("prod", raw));
      expect(issues).to.have.length(1);
      expect(issues[0]).to.match(/^ecs-fleet:sites\.virginia-dc\.networkMode: awsvpc is not supported on external instances/);
    });
  });
});
