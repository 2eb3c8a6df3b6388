/**
 * The fleet verifier's properties hold for generated configs, not only for the shipped stacks: any
 * valid mix of regions, public and internal services (with or without DNS, by path or by host),
 * Service Connect servers and clients, auto scaling, secrets and Batch jobs plans into a fleet whose
 * routing, health, reachability, IAM, order/ownership, quotas and API shapes all verify clean.
 * Each case runs the whole program under the mock runtime (about a second), so the run count is small
 * and the seed fixed: the property is a regression net over the shapes configs take, not a search.
 */
import { expect } from "chai";
import fc from "fast-check";
import { verifyPlan } from "../../verify";
import { rawConfig } from "../config-fixtures";
import { planOfRaw } from "./fixtures";

const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"];
const NAMES = ["web", "api", "search", "billing", "worker", "report"];

const serviceArb = fc.record({
  kind: fc.constantFrom("public", "server", "client"),
  byHost: fc.boolean(),
  scaled: fc.boolean(),
  secret: fc.boolean(),
  arm: fc.boolean(),
});

const configArb = fc
  .record({
    regions: fc.subarray(REGIONS, { minLength: 1 }),
    dns: fc.boolean(),
    services: fc.dictionary(fc.constantFrom(...NAMES), serviceArb, { minKeys: 1, maxKeys: 4 }),
    batch: fc.boolean(),
  })
  .map(({ regions, dns, services, batch }) => ({
    regions: Object.fromEntries(regions.map((r, i) => [r, { cidr: `10.${10 * (i + 1)}.0.0/16`, azCount: 2, natGateways: "single" }])),
    ...(dns ? { dns: { zone: "example.com" } } : {}),
    services: Object.fromEntries(
      Object.entries(services).map(([name, s]) => {
        const base = { image: `public.ecr.aws/docker/library/httpd:2.4`, cpu: 256, memory: 512, desiredCount: 2, ...(s.arm ? { architecture: "arm64" } : {}) };
        const secrets = s.secret ? { secrets: { TOKEN: `arn:aws:secretsmanager:${regions[0]}:123456789012:secret:${name}/token` } } : {};
        if (s.kind === "client") return [name, { ...base, ...secrets }];
        if (s.kind === "server") return [name, { ...base, ...secrets, containerPort: 8080 }];
        // Public: by its own path without DNS; with DNS by host (its own names) or by path.
        const path = dns && s.byHost ? "/*" : `/${name}/*`;
        return [
          name,
          {
            ...base,
            ...secrets,
            containerPort: 80,
            public: true,
            path,
            healthCheck: { path: path === "/*" ? "/health" : `/${name}/health` },
            ...(s.scaled ? { autoscaling: { min: 2, max: 6, cpuTarget: 60, requestsPerTarget: 500 } } : {}),
          },
        ];
      }),
    ),
    ...(batch ? { batch: { nightly: { image: "public.ecr.aws/docker/library/busybox:1.36", command: ["true"], cpu: 256, memory: 512, schedule: "cron(0 2 * * ? *)" } } } : {}),
  }));

describe("verify: generated fleets verify clean", function () {
  this.timeout(180000);
  it("every check holds for 12 generated configs (fixed seed; reverting the host-header fix fails it)", async () => {
    await fc.assert(
      fc.asyncProperty(configArb, async (config) => {
        const plan = await planOfRaw("dev", rawConfig(config));
        const v = await verifyPlan(plan);
        const failures = v.checks.flatMap((c) => c.failures.map((f) => `${c.check}: ${f.message}`));
        expect(failures, `${JSON.stringify(config)}\n${failures.join("\n")}`).to.deep.equal([]);
        // Not vacuous: the checks looked at the services the config asked for.
        const routing = v.checks.find((c) => c.check === "routing")!;
        const publics = Object.values(config.services).filter((s: any) => s.public).length;
        if (publics > 0) expect(Object.values(routing.examined).some((n) => n > 0)).to.equal(true);
      }),
      { numRuns: 12, seed: 20261201, endOnFailure: true },
    );
  });
});
