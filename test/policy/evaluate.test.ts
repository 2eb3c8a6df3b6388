import { expect } from "chai";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { evaluate, formatViolations, hasMandatory, policyReport, rules, summarize } from "../../policy/evaluate";
import { PolicyResource, Rule, UNKNOWN, Violation } from "../../policy/types";
import * as f from "./fixtures";

const opts = { stack: f.STACK, project: f.PROJECT, now: f.NOW };

describe("policy evaluate", () => {
  it("runs each rule only over resources of its types", () => {
    const seen: string[] = [];
    const spy: Rule = {
      name: "spy",
      description: "records what it sees.",
      level: "advisory",
      types: ["aws:ecs/cluster:Cluster"],
      check: (r) => {
        seen.push(r.name);
        return [`saw ${r.name}`];
      },
    };
    const out = evaluate(f.compliantStack(), { ...opts, rules: [spy] });
    expect(seen).to.deep.equal(["cluster"]);
    expect(out).to.deep.equal([{ rule: "spy", level: "advisory", urn: f.cluster().urn, message: "saw cluster" }]);
  });

  it("gives every message its own violation, in rule then resource order", () => {
    const td = f.fargateTaskDefinition([{ name: "a", image: "x" }, { name: "b", image: "y", privileged: true }]);
    td.props.pidMode = "host";
    const out = evaluate([td, f.cluster()], { ...opts, stack: "prod" }).filter((v) => v.rule.startsWith("ecs-task"));
    expect(out.map((v) => `${v.rule}:${v.level}`)).to.deep.equal([
      "ecs-task-logging:mandatory",
      "ecs-task-logging:mandatory",
      "ecs-task-no-host-pid:mandatory",
      "ecs-task-no-privileged:mandatory",
      "ecs-task-readonly-root:advisory",
      "ecs-task-readonly-root:advisory",
    ]);
  });

  it("derives levels from the stack name", () => {
    const lb = f.loadBalancer();
    lb.props.enableDeletionProtection = false;
    const levelOn = (stack: string) => evaluate([lb], { ...opts, stack }).find((v) => v.rule === "lb-deletion-protection")?.level;
    expect(levelOn("dev")).to.equal("advisory");
    expect(levelOn("prod")).to.equal("mandatory");
    expect(levelOn("production-us")).to.equal("mandatory");
    expect(levelOn("preprod")).to.equal("advisory");
  });

  it("uses the real clock when none is given", () => {
    const a = f.activation();
    a.props.expirationDate = new Date(Date.now() + 40 * 86_400_000).toISOString();
    expect(evaluate([a], { stack: "dev", project: f.PROJECT }).map((v) => v.rule)).to.include("ssm-activation-limits");
    a.props.expirationDate = new Date(Date.now() + 20 * 86_400_000).toISOString();
    expect(evaluate([a], { stack: "dev", project: f.PROJECT }).map((v) => v.rule)).to.not.include("ssm-activation-limits");
  });

  it("names the rule and the resource when a rule throws", () => {
    const broken: Rule = { name: "broken", description: "throws.", level: "mandatory", types: ["aws:ecs/cluster:Cluster"], check: () => { throw new Error("boom"); } };
    expect(() => evaluate([f.cluster()], { ...opts, rules: [broken] })).to.throw(`policy rule broken failed on ${f.cluster().urn}: boom`);
  });

  it("never flags a compliant resource because an input is unknown (preview)", () => {
    const stack = f.compliantStack();
    fc.assert(
      fc.property(fc.nat(stack.length - 1), fc.nat(1000), (i, seed) => {
        const resources = stack.map((r) => f.clone(r));
        const r = resources[i];
        const keys = Object.keys(r.props);
        // Replace a seed-chosen non-empty subset of the inputs by the unknown sentinel.
        const chosen = keys.filter((_, k) => ((seed >> k) & 1) === 1 || k === seed % keys.length);
        for (const k of chosen) r.props[k] = UNKNOWN;
        const out = evaluate(resources, opts);
        expect(out, `${r.name}: ${chosen.join(",")}`).to.deep.equal([]);
      }),
      { numRuns: 300 },
    );
  });

  it("summarizes, reports JSON in the plan's shape, and formats for humans", () => {
    const v: Violation[] = [
      { rule: "lb-access-logs", level: "advisory", urn: "urn:pulumi:dev::ecs-fleet::ecs-fleet:regional:Footprint$aws:lb/loadBalancer:LoadBalancer::alb", message: "access logs are off: set accessLogs" },
      { rule: "log-group-retention", level: "mandatory", urn: "urn:pulumi:dev::ecs-fleet::aws:cloudwatch/logGroup:LogGroup::web-logs", message: "retentionInDays is not set" },
    ];
    expect(summarize(v)).to.deep.equal({ rules: rules.length, mandatory: 1, advisory: 1, passed: false });
    expect(summarize([])).to.deep.equal({ rules: rules.length, mandatory: 0, advisory: 0, passed: true });
    expect(hasMandatory(v)).to.equal(true);
    expect(hasMandatory(v.slice(0, 1))).to.equal(false);
    expect(JSON.parse(JSON.stringify(policyReport(v)))).to.deep.equal({ rules: rules.length, violations: v });
    expect(formatViolations(v)).to.deep.equal([
      "  [mandatory] log-group-retention: aws:cloudwatch/logGroup:LogGroup web-logs: retentionInDays is not set",
      "  [advisory] lb-access-logs: aws:lb/loadBalancer:LoadBalancer alb: access logs are off: set accessLogs",
      `policy: ${rules.length} rules, 1 mandatory violation, 1 advisory`,
    ]);
    expect(formatViolations([])).to.deep.equal([`policy: ${rules.length} rules, no mandatory violation`]);
  });
});

describe("policy rule registry", () => {
  const dir = path.join(__dirname, "../../policy/rules");

  it("has one file per rule, named after the rule, and every file registered", () => {
    const files = fs.readdirSync(dir).filter((n) => n.endsWith(".ts") && n !== "index.ts").map((n) => n.replace(/\.ts$/, "")).sort();
    expect(rules.map((r) => r.name).sort()).to.deep.equal(files);
  });

  it("has unique kebab-case names, a description and at least one type per rule", () => {
    const names = rules.map((r) => r.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const r of rules) {
      expect(r.name, r.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.description, r.name).to.match(/^\S.{10,}\.$/);
      expect(r.types.length, r.name).to.be.greaterThan(0);
      for (const t of r.types) expect(t, r.name).to.match(/^(aws|awsx):[A-Za-z0-9]+(\/[A-Za-z0-9]+)?:[A-Za-z0-9]+$/);
    }
  });

  it("only marks rules that read other resources as cross-resource", () => {
    expect(rules.filter((r) => r.crossResource).map((r) => r.name).sort()).to.deep.equal(["lb-http-redirects-to-https", "sg-no-public-ingress", "vpc-flow-logs"]);
  });

  it("checks pure functions: the same input gives the same output and the input is not changed", () => {
    const stack = f.compliantStack();
    stack[0].props.pidMode = "host";
    const before = JSON.stringify(stack);
    const a = evaluate(stack, { ...opts, stack: "prod" });
    const b = evaluate(stack, { ...opts, stack: "prod" });
    expect(a).to.deep.equal(b);
    expect(JSON.stringify(stack)).to.equal(before);
  });
});

/** Keeps the type import used (PolicyResource is the evaluator's input). */
export type _Input = PolicyResource;
