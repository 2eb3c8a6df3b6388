/**
 * The shipped stacks are secure by default: every rule over what the real program registers for
 * Pulumi.dev.yaml and Pulumi.prod.yaml finds no mandatory violation. Mutation checks per rule live in
 * rules.test.ts (fixtures) and mutations.test.ts (config edits).
 */
import { expect } from "chai";
import { runShippedStack } from "../helpers";
import { evaluate } from "../../policy/evaluate";
import { fromRecorded } from "../../policy/recorded";

const NOW = new Date("2026-11-24T00:00:00Z");

async function violationsOf(stack: string) {
  const run = await runShippedStack(stack, NOW);
  const resources = fromRecorded(run.resources);
  return { resources, violations: evaluate(resources, { stack, project: run.project, now: NOW }) };
}

describe("policy over the shipped stacks", () => {
  for (const stack of ["dev", "prod"]) {
    it(`${stack}: no mandatory violation`, async () => {
      const { resources, violations } = await violationsOf(stack);
      expect(resources.length).to.be.greaterThan(0);
      const mandatory = violations.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.urn}: ${v.message}`);
      expect(mandatory).to.deep.equal([]);
    });
  }

  it("prod: a planned cluster with Container Insights off would block the plan", async () => {
    const { resources } = await violationsOf("prod");
    const clusters = resources.filter((r) => r.type === "aws:ecs/cluster:Cluster");
    expect(clusters.length).to.be.greaterThan(0);
    // A copy: the run is shared with other tests (test/helpers.ts sharedRun) and frozen.
    clusters[0].props = { ...clusters[0].props, settings: [{ name: "containerInsights", value: "disabled" }] };
    const found = evaluate(resources, { stack: "prod", project: "ecs-fleet", now: NOW }).filter((v) => v.level === "mandatory");
    expect(found.map((v) => `${v.rule} ${v.urn}`)).to.deep.equal([`ecs-cluster-container-insights ${clusters[0].urn}`]);
  });

  it("dev: removing the default tags from one provider flags its resources", async () => {
    const { resources } = await violationsOf("dev");
    const tagged = resources.filter((r) => r.provider?.props.defaultTags !== undefined);
    expect(tagged.length).to.be.greaterThan(0);
    const providerUrn = tagged[0].provider!.urn;
    for (const r of resources) if (r.provider?.urn === providerUrn) r.provider = { urn: providerUrn, props: { ...r.provider.props, defaultTags: undefined } };
    const found = evaluate(resources, { stack: "dev", project: "ecs-fleet", now: NOW }).filter((v) => v.rule === "tags-required");
    expect(found.length).to.be.greaterThan(0);
    expect(found.every((v) => v.level === "mandatory")).to.equal(true);
  });
});
