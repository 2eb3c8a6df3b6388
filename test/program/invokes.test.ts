/**
 * Provider round trips: under `pulumi up` every invoke is an RPC to the AWS provider. The program
 * asks for the account once per region (through that region's provider) and never for the
 * partition (the planner knows it from the region name): not two calls per service per region.
 */
import { expect } from "chai";
import { runShippedStack, sharedRun } from "../helpers";
import { generatedConfig } from "../../tools/bench";
import { partitionOf } from "../../stacks/regions";

const NOW = new Date("2026-11-24T00:00:00Z");
const IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity";
const PARTITION = "aws:index/getPartition:getPartition";

/** How many times `token` was invoked, by region. */
function countsByRegion(invokes: { token: string; region: string | null }[], token: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of invokes) if (i.token === token) out[String(i.region)] = (out[String(i.region)] ?? 0) + 1;
  return out;
}

describe("program: invokes", () => {
  it("bench fleet 3 × 6: one getCallerIdentity per region, through the region's provider; no getPartition", async () => {
    const run = await sharedRun({ stack: "bench", raw: generatedConfig(3, 6), now: NOW });
    if (!run.ok) throw new Error("bench config invalid");
    const regions = run.plan.regions.map((r) => r.region);
    expect(regions).to.have.length(3);
    expect(run.plan.regions.every((r) => r.services.length === 6)).to.equal(true);
    expect(countsByRegion(run.invokes, IDENTITY)).to.deep.equal(Object.fromEntries(regions.map((r) => [r, 1])));
    expect(run.invokes.filter((i) => i.token === PARTITION)).to.have.length(0);
  });

  it("the account still reaches every service's trust policy and secret grants (one answer, every consumer)", async () => {
    const run = await runShippedStack("prod", NOW);
    const taskRoles = run.resources.filter((r) => r.type === "aws:iam/role:Role" && /-task$/.test(r.name));
    expect(taskRoles.length).to.be.greaterThan(1);
    for (const role of taskRoles) {
      const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
      expect(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], role.name).to.equal("123456789012");
    }
    // Sites keep their own lookup (one per site with secrets); regions one each.
    const perRegion = countsByRegion(run.invokes, IDENTITY);
    for (const region of run.plan.regions.map((r) => r.region)) expect(perRegion[region], region).to.be.at.least(1);
    const services = run.plan.regions.reduce((n, r) => n + r.services.length, 0);
    expect(run.invokes.filter((i) => i.token === IDENTITY).length).to.be.lessThan(services);
    expect(run.invokes.filter((i) => i.token === PARTITION)).to.have.length(0);
  });

  it("the plan's partition is the region's (aws-cn, aws-us-gov ARNs come from it)", async () => {
    const run = await runShippedStack("prod", NOW);
    for (const r of run.plan.regions) expect(r.partition, r.region).to.equal("aws");
    expect(partitionOf("cn-north-1")).to.equal("aws-cn");
    expect(partitionOf("us-gov-west-1")).to.equal("aws-us-gov");
  });
});
