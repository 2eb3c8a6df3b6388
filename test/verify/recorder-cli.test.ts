import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { verifyMain, parseVerifyArgs } from "../../verify/cli";
import { VerifiablePlan } from "../../verify/types";
import { copy, find, shippedStack } from "./fixtures";
import { ROOT } from "../helpers";

/** Temp directories of this file's tests, removed after them. */
const tmpDirs: string[] = [];

function tmp(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-fleet-verify-"));
  tmpDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function verifyCli(argv: string[]) {
  let out = "";
  let err = "";
  const code = await verifyMain(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("verify: the recorded plan and the command", function () {
  after(() => {
    for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  this.timeout(180000);
  let prod: VerifiablePlan;
  before(async () => {
    prod = await shippedStack("prod");
  });

  describe("the Recorder's dependencies and options", () => {
    it("records input dependencies with the input keys, and explicit dependsOn as explicit", () => {
      const listener = find(prod, "aws:lb/listener:Listener", (l) => l.name === "eu-west-1-alb-https");
      const validation = find(prod, "aws:acm/certificateValidation:CertificateValidation", (v) => v.region === "eu-west-1");
      expect(listener.dependencies).to.deep.include({ urn: validation.urn, explicit: false, inputs: ["certificateArn"] });
      const svc = find(prod, "aws:ecs/service:Service", (s) => s.name === "eu-west-1-api-service");
      const rule = find(prod, "aws:lb/listenerRule:ListenerRule", (r) => r.name === "eu-west-1-api-rule");
      expect(svc.dependencies).to.deep.include({ urn: rule.urn, explicit: true, inputs: [] });
    });

    it("records the resource options, aliases included", () => {
      const svc = find(prod, "aws:ecs/service:Service", (s) => s.name === "eu-west-1-api-service");
      expect(svc.options).to.include.keys("protect", "ignoreChanges", "deleteBeforeReplace", "retainOnDelete", "replaceOnChanges", "aliases", "dependsOn");
      expect(svc.options?.ignoreChanges).to.include("desiredCount");
      const listener = find(prod, "aws:lb/listener:Listener", (l) => l.name === "eu-west-1-alb-https");
      expect(listener.options?.aliases?.length).to.be.greaterThan(0);
    });
  });

  describe("npm run verify", () => {
    it("parses its arguments and refuses bad ones (exit 1)", async () => {
      expect(parseVerifyArgs(["--plan", "p.json", "--check", "iam"])).to.deep.include({ plan: "p.json", checks: ["iam"] });
      expect(() => parseVerifyArgs(["--check", "nope"])).to.throw(/no check nope/);
      expect(() => parseVerifyArgs(["--plan", "p.json", "--stack", "prod"])).to.throw(/takes no --stack/);
      expect((await verifyCli(["--bogus"])).code).to.equal(1);
      const missing = await verifyCli(["--plan", path.join(os.tmpdir(), "no-such-plan.json")]);
      expect(missing.code).to.equal(1);
      expect(missing.err).to.match(/not a plan/);
    });

    it("verifies a saved plan: exit 0 when every check holds, printing what each examined", async () => {
      const file = tmp("plan.json", JSON.stringify(prod));
      const r = await verifyCli(["--plan", file]);
      expect(r.code, r.out).to.equal(0);
      for (const check of ["routing", "health", "network", "iam", "order", "quotas", "api-shapes"]) expect(r.out).to.match(new RegExp(`ok   ${check}: examined \\d+`));
    });

    it("exit 4 after printing every failure with its resource", async () => {
      const broken = copy(prod);
      const rule = find(broken, "aws:lb/listenerRule:ListenerRule", (r) => r.name === "eu-west-1-api-rule");
      // Without its rule, api's URLs fall through to the listener's default action.
      broken.resources = broken.resources.filter((r: any) => r.urn !== rule.urn);
      const file = tmp("plan.json", JSON.stringify(broken));
      const r = await verifyCli(["--plan", file, "--json"]);
      expect(r.code).to.equal(4);
      const doc = JSON.parse(r.out);
      const routing = doc.checks.find((c: any) => c.check === "routing");
      expect(routing.failures.some((f: any) => f.urn === rule.urn || /api/.test(f.message))).to.equal(true, JSON.stringify(routing.failures));
      expect(r.err).to.match(/verification fails: routing/);
    });

    it("exit 2 on an invalid stack config, every problem on stderr", () => {
      const file = tmp("Pulumi.bad.yaml", "config:\n  aws:region: eu-west-1\n  ecs-fleet:services:\n    web: { image: x, cpu: 3, memory: 1 }\n");
      const r = spawnSync(process.execPath, [path.join(ROOT, "launch.js"), "tools/verify.ts", "--config-file", file], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/invalid stack config/);
      expect(r.stdout).to.equal("");
    });

    it("npm run plan -- --json carries the verification and each resource's dependencies and options; --verify exits 4 only on a failing check", () => {
      const r = spawnSync(process.execPath, [path.join(ROOT, "launch.js"), "tools/plan.ts", "--stack", "dev", "--json", "--verify", "--now", "2026-11-24T00:00:00Z"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      const doc = JSON.parse(r.stdout);
      expect(doc.verification.checks.map((c: any) => c.check)).to.deep.equal(["routing", "health", "network", "iam", "order", "quotas", "api-shapes"]);
      expect(doc.resources.every((x: any) => Array.isArray(x.dependencies) && typeof x.options === "object")).to.equal(true);
      const fails = doc.verification.checks.some((c: any) => c.failures.length > 0);
      expect(r.status, r.stderr).to.equal(fails ? 4 : 0);
    });
  });
});
