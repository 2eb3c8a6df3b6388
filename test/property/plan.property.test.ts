import { expect } from "chai";
import fc from "fast-check";
import { validateConfig, formatIssue } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";
import { overlaps, parseCidr } from "../../stacks/cidr";
import { FARGATE_SIZES } from "../../stacks/fargate";
import { LIMITS } from "../../stacks/naming";
import { CTX, rawConfig } from "../config-fixtures";

const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2", "eu-central-1", "us-west-2", "sa-east-1", "ap-northeast-1"];
const SIZES = [...FARGATE_SIZES].flatMap(([cpu, mems]) => mems.map((memory) => ({ cpu, memory })));

const serviceName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/).filter((s) => !s.includes("--"));

/** Valid configs: distinct regions with disjoint CIDRs, services with region subsets and overrides. */
const validConfigs = fc
  .uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: REGIONS.length })
  .chain((regions) =>
    fc.record({
      regions: fc.tuple(
        ...regions.map((_, i) =>
          fc.record({
            prefix: fc.integer({ min: 16, max: 24 }),
            azCount: fc.integer({ min: 2, max: 6 }),
            natGateways: fc.constantFrom("perAz", "single", "none"),
          }).map((r) => ({ ...r, cidr: `10.${i * 16}.0.0/${r.prefix}` })),
        ),
      ).map((specs) => Object.fromEntries(regions.map((name, i) => [name, { cidr: specs[i].cidr, azCount: specs[i].azCount, natGateways: specs[i].natGateways }]))),
      services: fc.dictionary(
        serviceName,
        fc.record({
          size: fc.constantFrom(...SIZES),
          desiredCount: fc.integer({ min: 0, max: 50 }),
          regions: fc.option(fc.subarray(regions, { minLength: 1 }), { nil: undefined }),
          overrideCounts: fc.dictionary(fc.constantFrom(...regions), fc.integer({ min: 0, max: 9 })),
        }),
        { maxKeys: 8 },
      ),
    }).map(({ regions: regionMap, services }) => ({
      regions: regionMap,
      services: Object.fromEntries(
        Object.entries(services).map(([name, s]) => {
          const runsIn = s.regions ?? regions;
          const overrides = Object.fromEntries(Object.entries(s.overrideCounts).filter(([r]) => runsIn.includes(r)).map(([r, n]) => [r, { desiredCount: n }]));
          return [name, { image: `registry.example.com/${name}:1`, cpu: s.size.cpu, memory: s.size.memory, desiredCount: s.desiredCount, ...(s.regions ? { regions: s.regions } : {}), ...(Object.keys(overrides).length ? { overrides } : {}) }];
        }),
      ),
    })),
  );

describe("planner properties", () => {
  it("accepts every generated valid config and fans services out exactly", () => {
    fc.assert(
      fc.property(validConfigs, (config) => {
        const result = validateConfig(rawConfig(config), CTX);
        if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
        const plan = planFleet(result.config, { project: "ecs-fleet", stack: "dev" });
        const regionNames = Object.keys(config.regions);
        expect(plan.regions.map((r) => r.region)).to.deep.equal(regionNames);

        for (const region of plan.regions) {
          const expected = Object.entries(config.services)
            .filter(([, s]) => (s.regions ?? regionNames).includes(region.region))
            .map(([name]) => name)
            .sort();
          expect(region.services.map((s) => s.name)).to.deep.equal(expected);
          for (const spec of region.services) {
            const s = config.services[spec.name];
            const override = s.overrides?.[region.region];
            expect(spec.desiredCount).to.equal(override ? override.desiredCount : s.desiredCount);
            expect(spec.cpu).to.equal(s.cpu);
            expect(spec.image).to.equal(s.image);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("plans subnets inside their VPC that never overlap, and names within limits", () => {
    fc.assert(
      fc.property(validConfigs, (config) => {
        const result = validateConfig(rawConfig(config), CTX);
        if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
        const plan = planFleet(result.config, { project: "ecs-fleet", stack: "a-rather-long-stack-name-for-testing" });
        const all = plan.regions.flatMap((r) => {
          const vpc = parseCidr(r.network.cidr)!;
          const subnets = [...r.network.publicSubnetCidrs, ...r.network.privateSubnetCidrs].map((c) => parseCidr(c)!);
          expect(subnets).to.have.length(2 * r.network.azCount);
          for (const s of subnets) {
            expect(overlaps(vpc, s) && s.prefix >= vpc.prefix && s.prefix <= 28, `${r.region} subnet`).to.equal(true);
          }
          return subnets;
        });
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i], all[j])).to.equal(false);
        const providers = plan.regions.map((r) => r.providerName);
        expect(new Set(providers).size).to.equal(providers.length);
        for (const r of plan.regions) expect(r.clusterName.length).to.be.at.most(LIMITS.ecs);
      }),
      { numRuns: 150 },
    );
  });
});
