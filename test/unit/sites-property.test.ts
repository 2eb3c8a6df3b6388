import { expect } from "chai";
import fc from "fast-check";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";
import { CTX, rawConfig, validConfig } from "../config-fixtures";

const WEB = { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512 };

/** One site and one service listing it, with random hosts, count, network mode, port and expiry. */
const siteCases = fc.record({
  hosts: fc.integer({ min: 1, max: 8 }),
  count: fc.integer({ min: 0, max: 12 }),
  networkMode: fc.constantFrom("bridge", "host"),
  containerPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  /** Days from the clock to the expiry date (negative: expired). */
  expiresIn: fc.integer({ min: -60, max: 60 }),
  extraLimit: fc.integer({ min: 0, max: 5 }),
});

function dateIn(days: number): string {
  return new Date(CTX.now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

describe("sites: properties", () => {
  it("accepts a site config exactly when ports fit the hosts and the expiry is at most 30 days ahead; plans what it accepts", () => {
    fc.assert(
      fc.property(siteCases, (c) => {
        const expires = dateIn(c.expiresIn);
        const config = validConfig({
          sites: { "a-dc": { region: "eu-central-1", hosts: c.hosts, networkMode: c.networkMode, activation: { expires, registrationLimit: c.hosts + c.extraLimit } } },
          services: { web: { ...WEB, desiredCount: 1, containerPort: c.containerPort, sites: ["a-dc"], overrides: { "a-dc": { desiredCount: c.count } } } },
        });
        const r = validateConfig(rawConfig(config), CTX);
        const holdsPort = c.networkMode === "host" || c.containerPort !== undefined;
        const shouldPass = !(holdsPort && c.count > c.hosts) && c.expiresIn <= 30;
        expect(r.ok, r.ok ? "" : r.issues.map(formatIssue).join("\n")).to.equal(shouldPass);
        if (!r.ok) return;
        const plan = planFleet(r.config, { project: "ecs-fleet", stack: "dev", now: CTX.now });
        const [site] = plan.sites;
        const [svc] = site.services;
        expect(svc.desiredCount).to.equal(c.count);
        expect(svc.oneTaskPerHost).to.equal(holdsPort);
        if (svc.oneTaskPerHost) expect(svc.desiredCount).to.be.at.most(site.hosts);
        expect(site.activation!.expirationDate).to.equal(`${expires}T00:00:00Z`);
        expect(site.activation!.expired).to.equal(c.expiresIn <= 0);
        expect(plan.warnings.some((w) => w.startsWith("sites.a-dc:"))).to.equal(c.expiresIn <= 0);
      }),
      { numRuns: 200 },
    );
  });
});
