import { expect } from "chai";
import { editedProdYaml, planOf, rawOfYaml, shippedPlan } from "./fixtures";
import { diffPlans, inputDifferences, renderDiff, summaryLine } from "../../review/diff";
import { PlanDoc, PlanResource, placements } from "../../review/model";
import { REPLACEMENT_TABLE, STATEFUL_TYPES, replacingPaths } from "../../review/replacements";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";

describe("review: plan diff", function () {
  this.timeout(120000);
  let base: PlanDoc;
  let head: PlanDoc;
  let dev: PlanDoc;

  before(async () => {
    base = await shippedPlan("prod");
    const edited = rawOfYaml(editedProdYaml());
    head = await planOf("prod", edited.raw, edited.secretKeys);
    dev = await shippedPlan("dev");
  });

  it("an unchanged plan has no changes: +0 ~0 -0 (0 replacements)", () => {
    const d = diffPlans(base, base);
    expect(d.changes).to.deep.equal([]);
    expect(summaryLine(d)).to.equal("+0 ~0 -0 (0 replacements)");
  });

  it("matches resources by URN whatever the stack name of a saved plan (urn:pulumi:<stack>::...)", () => {
    const rename = (u: string | null) => u && u.replace(/^urn:pulumi:prod::/, "urn:pulumi:review::");
    const saved: PlanDoc = {
      ...base,
      stack: "review",
      resources: base.resources.map((r) => ({ ...r, urn: rename(r.urn)!, parent: rename(r.parent), provider: rename(r.provider) })),
      policy: base.policy && { ...base.policy, violations: base.policy.violations.map((v) => ({ ...v, urn: rename(v.urn)! })) },
    };
    const d = diffPlans(saved, base);
    expect(summaryLine(d)).to.equal("+0 ~0 -0 (0 replacements)");
    expect(d.policy).to.deep.equal({ added: [], removed: [] });
  });

  describe("prod edited: a region added, a service resized, a site removed", () => {
    it("adds exactly the new region's resources, its provider and its global DNS records", () => {
      const d = diffPlans(base, head);
      const added = d.changes.filter((c) => c.kind === "add");
      const expected = head.resources.filter((r) => r.name.includes("eu-central-1") || r.region === "eu-central-1").map((r) => r.urn).sort();
      expect(expected.length).to.be.greaterThan(40);
      expect(added.map((c) => c.urn).sort()).to.deep.equal(expected);
      // Grouped: the region's resources under the region, the provider and DNS records under global.
      for (const c of added) expect(c.placement.kind === "region" ? c.placement.name : c.placement.kind).to.be.oneOf(["eu-central-1", "global"]);
      expect(added.filter((c) => c.placement.kind === "global").map((c) => c.name).sort()).to.deep.equal(
        ["aws-eu-central-1", "global-dns-web-eu-central-1", "global-dns-web-eu-central-1", "global-dns-web-eu-central-1-regional"].sort(),
      );
    });

    it("removes exactly the site's resources and calls out its log group and cluster", () => {
      const d = diffPlans(base, head);
      const removed = d.changes.filter((c) => c.kind === "remove");
      const placed = placements(base);
      const expected = base.resources.filter((r) => placed.get(r.urn)?.kind === "site" && placed.get(r.urn)?.name === "virginia-dc");
      expect(removed.map((c) => c.urn).sort()).to.deep.equal(expected.map((r) => r.urn).sort());
      expect(removed.every((c) => c.placement.kind === "site" && c.placement.name === "virginia-dc")).to.equal(true);
      const stateful = removed.filter((c) => c.stateful).map((c) => `${c.type} ${c.name}`).sort();
      expect(stateful).to.deep.equal(["aws:cloudwatch/logGroup:LogGroup site-virginia-dc-logs", "aws:ecs/cluster:Cluster site-virginia-dc-cluster"]);
    });

    it("changes exactly the two search task definitions, replaced because cpu and memory force a new revision", () => {
      const d = diffPlans(base, head);
      const changed = d.changes.filter((c) => c.kind === "update" || c.kind === "replace");
      expect(changed.map((c) => `${c.kind} ${c.type} ${c.name}`)).to.deep.equal([`replace ${TASK} eu-west-1-search-task`, `replace ${TASK} us-east-1-search-task`]);
      for (const c of changed) {
        expect(c.inputs).to.deep.equal([
          { path: "cpu", old: "1024", new: "2048", forcesReplacement: true },
          { path: "memory", old: "4096", new: "8192", forcesReplacement: true },
        ]);
        expect(c.placement.component).to.equal(`${c.name.split("-search")[0]}-search`);
      }
      const s = d.summary;
      expect(summaryLine(d)).to.equal(`+${s.add} ~2 -${s.remove} (2 replacements)`);
    });

    it("renders grouped by region, site and component, with old → new and the summary last", () => {
      const d = diffPlans(base, head, { base: "main", head: "edit" });
      const text = renderDiff(d);
      const lines = text.split("\n");
      expect(lines).to.include("== region eu-west-1");
      expect(lines).to.include("== site virginia-dc");
      expect(lines).to.include("  eu-west-1-search");
      expect(lines).to.include("    +- aws:ecs:TaskDefinition eu-west-1-search-task  REPLACE (cpu, memory)");
      expect(lines).to.include('        cpu: "1024" → "2048"  [forces replacement]');
      expect(lines).to.include("    - aws:cloudwatch:LogGroup site-virginia-dc-logs  ! deletes a stateful/shared resource: its log events are deleted");
      expect(lines.indexOf("== region eu-central-1")).to.be.lessThan(lines.indexOf("== site virginia-dc"));
      expect(lines[lines.length - 1]).to.equal(summaryLine(d));
    });

    it("reports policy results of both sides as differences", () => {
      const d = diffPlans(base, head);
      // Each side's violations that the other lacks; none shared appear.
      const key = (v: { rule: string; urn: string }) => `${v.rule} ${v.urn}`;
      const baseKeys = new Set((base.policy?.violations ?? []).map(key));
      const headKeys = new Set((head.policy?.violations ?? []).map(key));
      expect(d.policy.added.map(key)).to.deep.equal((head.policy?.violations ?? []).map(key).filter((k) => !baseKeys.has(k)));
      expect(d.policy.removed.map(key)).to.deep.equal((base.policy?.violations ?? []).map(key).filter((k) => !headKeys.has(k)));
      expect(d.policy.removed.some((v) => v.urn.includes("site-virginia-dc"))).to.equal(true);
    });
  });

  describe("replacement table", () => {
    it("has a row, with its source, for every resource type the shipped stacks create", () => {
      const types = new Set([...base.resources, ...dev.resources].map((r) => r.type).filter((t) => !t.startsWith("ecs-fleet:")));
      const missing = [...types].filter((t) => !REPLACEMENT_TABLE[t]);
      expect(missing).to.deep.equal([]);
      for (const [type, rule] of Object.entries(REPLACEMENT_TABLE)) {
        expect(rule.source, type).to.match(/^https:\/\//);
        expect(rule.forceNew.length, type).to.be.greaterThan(0);
      }
    });

    it("a change of an input that updates in place is an update, one that forces a new resource a replacement", () => {
      const svc = base.resources.find((r) => r.type === "aws:ecs/service:Service" && r.name === "eu-west-1-web-service")!;
      const mutate = (inputs: Record<string, unknown>): PlanDoc => ({
        ...base,
        resources: base.resources.map((r) => (r.urn === svc.urn ? { ...r, inputs: { ...r.inputs, ...inputs } } : r)),
      });
      const one = (doc: PlanDoc) => diffPlans(base, doc).changes;
      expect(one(mutate({ desiredCount: 9 })).map((c) => c.kind)).to.deep.equal(["update"]);
      expect(one(mutate({ name: "web2" })).map((c) => c.kind)).to.deep.equal(["replace"]);
      // Task definitions are immutable revisions but for tags.
      expect(replacingPaths(TASK, ["tags.Team", "containerDefinitions[0].image"])).to.deep.equal(["containerDefinitions[0].image"]);
      expect(replacingPaths("aws:batch/computeEnvironment:ComputeEnvironment", ["computeResources.maxVcpus", "computeResources.type"])).to.deep.equal(["computeResources.type"]);
      expect(replacingPaths("aws:not/in:Table", ["x"])).to.equal(undefined);
    });

    it("a resource moved to another provider (region) is a replacement", () => {
      const lg = base.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!;
      const moved: PlanDoc = { ...base, resources: base.resources.map((r) => (r.urn === lg.urn ? { ...r, provider: "urn:pulumi:prod::ecs-fleet::pulumi:providers:aws::aws-eu-central-1" } : r)) };
      const [c] = diffPlans(base, moved).changes;
      expect(c.kind).to.equal("replace");
      expect(c.stateful).to.equal(STATEFUL_TYPES["aws:cloudwatch/logGroup:LogGroup"]);
    });
  });

  describe("input differences", () => {
    it("compares JSON-encoded documents field by field", () => {
      const a = JSON.stringify([{ name: "web", image: "nginx:1.27", environment: [{ name: "A", value: "1" }] }]);
      const b = JSON.stringify([{ name: "web", image: "nginx:1.28", environment: [{ name: "A", value: "1" }] }]);
      expect(inputDifferences({ containerDefinitions: a }, { containerDefinitions: b })).to.deep.equal([{ path: "containerDefinitions[0].image", old: "nginx:1.27", new: "nginx:1.28" }]);
    });

    it("never shows a secret: a value that became or stopped being secret shows [secret]", () => {
      expect(inputDifferences({ password: "[secret]" }, { password: "[secret]" })).to.deep.equal([]);
      expect(inputDifferences({ env: { A: "[secret]" } }, { env: { A: "plain" } })).to.deep.equal([{ path: "env.A", old: "[secret]", new: "plain" }]);
    });

    it("diffs verification results check by check when a side has them", () => {
      const r: PlanResource = base.resources[0];
      const withVerify = (failures: { urn: string; message: string }[]): PlanDoc => ({ ...base, verify: { checks: [{ check: "alb-routes", examined: 3, failures }] } });
      const d = diffPlans(withVerify([{ urn: r.urn, message: "old" }]), withVerify([{ urn: r.urn, message: "new" }]));
      expect(d.verify).to.deep.equal({
        checks: [{ check: "alb-routes", examined: { base: 3, head: 3 }, added: [{ urn: r.urn, message: "new" }], removed: [{ urn: r.urn, message: "old" }] }],
      });
      expect(diffPlans(base, base).verify).to.equal(undefined);
    });
  });
});
