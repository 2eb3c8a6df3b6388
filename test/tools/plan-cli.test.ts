import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { rules } from "../../policy/rules";

const ROOT = path.resolve(__dirname, "..", "..");
/** A fixed clock for the policy rules: the shipped activations (2026-12-20) are 26 days ahead of it. */
const NOW = "2026-11-24T00:00:00Z";

/** Results by arguments: tests asking the same of the command share one process (the files they name do not change). */
const runs = new Map<string, { code: number | null; stdout: string; stderr: string }>();

/** What `npm run plan` runs: launch.js (the compiled program when dist/ is current, else tsx). */
function plan(args: string[]) {
  const key = JSON.stringify(args);
  let result = runs.get(key);
  if (!result) {
    const r = spawnSync(process.execPath, [path.join(ROOT, "launch.js"), "tools/plan.ts", ...args], { cwd: ROOT, encoding: "utf8" });
    result = { code: r.status, stdout: r.stdout, stderr: r.stderr };
    runs.set(key, result);
  }
  return result;
}

/** Temp directories of this file's tests, removed after them. */
const tmpDirs: string[] = [];

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-fleet-plan-"));
  tmpDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("npm run plan", function () {
  this.timeout(120000);
  after(() => {
    for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it("prints the dev plan per region with its key facts", () => {
    const r = plan(["--stack", "dev", "--now", NOW]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include("== eu-west-1 (provider aws-eu-west-1)");
    expect(r.stdout).to.include("VPC 10.10.0.0/16, 2 AZs, NAT single");
    expect(r.stdout).to.match(/service web: public\.ecr\.aws\/nginx\/nginx:1\.27, 256 CPU \/ 512 MiB/);
  });

  it("--json prints one document with resources (urn, type, name, parent, provider, region, inputs) and outputs", () => {
    const r = plan(["--stack", "prod", "--now", NOW, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).to.include({ stack: "prod", project: "ecs-fleet" });
    expect(Object.keys(doc.resources[0]).sort()).to.deep.equal(["dependencies", "inputs", "name", "options", "parent", "provider", "region", "type", "urn"]);
    const cluster = doc.resources.find((x: any) => x.type === "aws:ecs/cluster:Cluster" && x.region === "ap-southeast-2");
    expect(cluster.provider).to.equal("urn:pulumi:prod::ecs-fleet::pulumi:providers:aws::aws-ap-southeast-2");
    expect(cluster.parent).to.match(/ecs-fleet:ecs:FargateCluster::ap-southeast-2-cluster$/);
    expect(Object.keys(doc.outputs.regions)).to.deep.equal(["eu-west-1", "us-east-1", "ap-southeast-2"]);
  });

  it("plans any file with --config-file, taking the stack from the file name, and writes --out", () => {
    const src = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    const file = tmpFile("Pulumi.review.yaml", src);
    const out = path.join(path.dirname(file), "plan.json");
    const r = plan(["--config-file", file, "--json", "--out", out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("");
    expect(JSON.parse(fs.readFileSync(out, "utf8")).stack).to.equal("review");
  });

  it("exits 2 with <file>:<line>:<col> lines and no stack trace when the YAML itself is wrong", () => {
    const file = tmpFile("Pulumi.yaml-bad.yaml", "config:\n  aws:region: eu-west-1\n  aws:region: us-east-1\n  ecs-fleet:services: !!binary aGk=\n---\nconfig: {}\n");
    const r = plan(["--config-file", file]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.include(`${file}:3:3: duplicate key`);
    expect(r.stderr).to.include(`${file}:5:1: a stack file holds one YAML document, found 2`);
    expect(r.stderr).to.not.match(/\bat .*:\d+:\d+\)|Error:/);
  });

  it("exits 2 with every problem on stderr and nothing on stdout when the config is invalid", () => {
    const file = tmpFile(
      "Pulumi.bad.yaml",
      [
        "config:",
        "  aws:region: eu-west-1",
        "  ecs-fleet:regions:",
        "    eu-west1: { cidr: 10.0.0.0/16 }",
        "    us-east-1: { cidr: 10.0.0.0/20, azCount: 9 }",
        "  ecs-fleet:services:",
        "    web: { image: nginx, cpu: 256, memory: 4096 }",
      ].join("\n"),
    );
    const r = plan(["--config-file", file]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.include('ecs-fleet:regions.eu-west1: unknown AWS region "eu-west1" (did you mean eu-west-1?)');
    expect(r.stderr).to.include("ecs-fleet:regions.us-east-1.azCount: must be from 2 to 6, got 9");
    expect(r.stderr).to.include("ecs-fleet:services.web.memory: 256 CPU units allow 512, 1024 or 2048 MiB, got 4096");
  });

  it("plans encrypted values with a placeholder, treated as secret, and says so", () => {
    const file = tmpFile(
      "Pulumi.sec.yaml",
      [
        "config:",
        "  aws:region: eu-west-1",
        "  ecs-fleet:regions:",
        "    eu-west-1: { cidr: 10.0.0.0/16 }",
        "  ecs-fleet:services:",
        "    web:",
        "      image:",
        "        secure: v1:AAAABBBBCCCC",
        "      cpu: 256",
        "      memory: 512",
      ].join("\n"),
    );
    const r = plan(["--config-file", file, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include('note: ecs-fleet:services is encrypted (secure:) and cannot be decrypted offline; planned with the placeholder "[secret]", treated as secret');
    expect(JSON.parse(r.stdout).stack).to.equal("sec");
  });

  it("fails with a config error naming the key when a placeholder lands where a number is meant", () => {
    const src = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    const file = tmpFile("Pulumi.sec2.yaml", `${src}\n  ecs-fleet:rollout:\n    bakeMinutes:\n      secure: v1:AAAABBBBCCCC\n`);
    const r = plan(["--config-file", file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('ecs-fleet:rollout.bakeMinutes: expected a whole number from 0 to 1440, got "[secret]"');
  });
  describe("policy", () => {
    /** Pulumi.dev.yaml with a plain DB_PASSWORD in web's environment: valid config, mandatory violation. */
    function weakened(): string {
      const src = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
      const line = "      environment: { LOG_LEVEL: debug }\n";
      expect(src.indexOf(line)).to.be.greaterThan(0);
      return tmpFile("Pulumi.review.yaml", src.replace(line, "      environment: { LOG_LEVEL: debug, DB_PASSWORD: hunter2 }\n"));
    }

    it("exits 3 after printing the plan when a mandatory rule fails, with the [mandatory] lines", () => {
      const r = plan(["--config-file", weakened(), "--now", NOW]);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stdout).to.include("== eu-west-1 (provider aws-eu-west-1)");
      const lines = r.stdout.split("\n");
      const mandatory = lines.filter((l) => l.includes("[mandatory]"));
      // web runs in both regions and at the lab-dc site: each task definition is flagged.
      expect([...mandatory].sort()).to.deep.equal(
        ["eu-west-1-web-task", "site-lab-dc-web", "us-east-1-web-task"].map(
          (name) =>
            `  [mandatory] ecs-task-no-plain-secrets: aws:ecs/taskDefinition:TaskDefinition ${name}: container "web" environment variable DB_PASSWORD looks like a credential: move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)`,
        ),
      );
      // The plan comes first, the violations after it, the headline last.
      expect(lines.indexOf(mandatory[0])).to.be.greaterThan(lines.findIndex((l) => l.startsWith("== eu-west-1")));
      expect(lines.filter((l) => l !== "").pop()).to.match(new RegExp(`^policy: ${rules.length} rules, 3 mandatory violations, \\d+ advisory$`));
      expect(r.stderr).to.include("mandatory security rules fail: see the policy section of the plan");
    });

    it("--json carries policy.rules and the violation (rule, level, urn, message), and still exits 3", () => {
      const r = plan(["--config-file", weakened(), "--now", NOW, "--json"]);
      expect(r.code, r.stderr).to.equal(3);
      const doc = JSON.parse(r.stdout);
      expect(doc.stack).to.equal("review");
      expect(doc.resources.length).to.be.greaterThan(0);
      expect(Object.keys(doc.policy).sort()).to.deep.equal(["rules", "violations"]);
      expect(doc.policy.rules).to.equal(rules.length);
      for (const v of doc.policy.violations) expect(Object.keys(v).sort()).to.deep.equal(["level", "message", "rule", "urn"]);
      // The violation's urn is the planned task definition's.
      const taskUrn = (name: string): string => {
        const task = doc.resources.find((x: any) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.name === name);
        expect(task, `${name} is planned`).to.not.equal(undefined);
        expect(task.urn).to.match(/^urn:pulumi:review::ecs-fleet::/);
        return task.urn;
      };
      const byUrn = (a: any, b: any) => a.urn.localeCompare(b.urn);
      expect(doc.policy.violations.filter((v: any) => v.level === "mandatory").sort(byUrn)).to.deep.equal(
        ["eu-west-1-web-task", "site-lab-dc-web", "us-east-1-web-task"].map((name) => ({
          rule: "ecs-task-no-plain-secrets",
          level: "mandatory",
          urn: taskUrn(name),
          message: 'container "web" environment variable DB_PASSWORD looks like a credential: move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)',
        })).sort(byUrn),
      );
    });

    for (const stack of ["dev", "prod"]) {
      it(`the shipped ${stack} stack exits 0 with no mandatory violation, human and --json`, () => {
        const human = plan(["--stack", stack, "--now", NOW]);
        expect(human.code, human.stderr).to.equal(0);
        expect(human.stdout).to.not.include("[mandatory]");
        expect(human.stdout).to.match(new RegExp(`\\npolicy: ${rules.length} rules, no mandatory violation(, \\d+ advisory)?\\n$`));
        const json = plan(["--stack", stack, "--now", NOW, "--json"]);
        expect(json.code, json.stderr).to.equal(0);
        const doc = JSON.parse(json.stdout);
        expect(doc.policy.rules).to.equal(rules.length);
        expect(doc.policy.violations.filter((v: any) => v.level === "mandatory")).to.deep.equal([]);
      });
    }
  });
});
