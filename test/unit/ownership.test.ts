import { expect } from "chai";
import { validateConfig } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";
import { checkOwnership } from "../../stacks/ownership";
import { CTX, rawConfig, validConfig } from "../config-fixtures";

const web = { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512, desiredCount: 1 };
const job = { image: "public.ecr.aws/docker/library/python:3.12-slim", cpu: 256, memory: 512 };

function plan(config: Record<string, unknown>) {
  const r = validateConfig(rawConfig(config), CTX);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return planFleet(r.config, { project: CTX.project, stack: CTX.stack, now: CTX.now });
}

function roleNames(p: ReturnType<typeof plan>): string[] {
  const out: string[] = [];
  for (const r of p.regions) {
    for (const s of r.services) out.push(s.taskRoleName, s.executionRoleName);
    for (const j of Object.values(r.batch?.jobs ?? {})) out.push(j.jobRoleName, j.executionRoleName);
  }
  for (const s of p.sites) out.push(s.instanceRoleName, s.executionRoleName);
  return out;
}

describe("one owner per physical object (stacks/ownership.ts)", () => {
  it("service web and batch job web in one region get different IAM role names", () => {
    const p = plan(validConfig({ batch: { web: job } }));
    const names = roleNames(p);
    expect(new Set(names).size).to.equal(names.length);
    expect(names).to.include("ecs-fleet-dev-euw1-web-exec").and.include("ecs-fleet-dev-euw1-web-jobexec");
    expect(checkOwnership(p)).to.deep.equal([]);
  });

  it("services a-b and a--b get different names everywhere", () => {
    const p = plan(validConfig({ services: { "a-b": web, "a--b": web } }));
    const [ab, abb] = ["a-b", "a--b"].map((n) => p.regions[0].services.find((s) => s.name === n)!);
    for (const key of ["taskRoleName", "executionRoleName", "family", "logGroupName"] as const) expect(ab[key]).to.not.equal(abb[key]);
    expect(checkOwnership(p)).to.deep.equal([]);
  });

  it("rejects two entries that would own one IAM role, naming both key paths", () => {
    // Site euw1-web's execution role and service web's in eu-west-1 are both ecs-fleet-dev-euw1-web-exec.
    const r = validateConfig(rawConfig(validConfig({ sites: { "euw1-web": { region: "eu-central-1", hosts: 1 } } })), CTX);
    expect(r.ok).to.equal(false);
    const issues = r.ok ? [] : r.issues;
    const clash = issues.find((i) => /IAM role name "ecs-fleet-dev-euw1-web-exec"/.test(i.message));
    expect(clash, JSON.stringify(issues)).to.not.equal(undefined);
    expect(clash!.path).to.equal("ecs-fleet:sites.euw1-web");
    expect(clash!.message).to.contain("services.web").and.contain("sites.euw1-web");
  });

  it("rejects a service whose name is another service's regional DNS name (one Route 53 A record, two owners)", () => {
    const pub = { ...web, containerPort: 80, public: true };
    const r = validateConfig(
      rawConfig(validConfig({ dns: { zone: "example.com" }, services: { api: pub, "api-eu-west-1": { ...pub, path: "/x/*" } } })),
      CTX,
    );
    const issues = r.ok ? [] : r.issues;
    expect(issues.map((i) => i.message).join("\n")).to.match(/Route 53 A record name "api-eu-west-1\.example\.com"/);
  });

  it("finds a clash in a plan mutated so two services share a log group", () => {
    const p = plan(validConfig({ services: { web, api: web } }));
    const [a, b] = p.regions[0].services;
    b.logGroupName = a.logGroupName;
    const issues = checkOwnership(p);
    expect(issues).to.have.length(1);
    expect(issues[0].message).to.contain(`log group name "${a.logGroupName}" in eu-west-1`);
  });
});
