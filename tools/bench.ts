/**
 * `npm run bench`: wall time and peak memory of planning generated configs of 2, 5, 10 and 20
 * regions × 2, 5, 10 and 20 services — validation, the pure planner, and the whole program under the
 * mock runtime (what `npm run plan` does). Each case runs in its own process so peak RSS is its own.
 * Prints numbers; asserts nothing.
 *
 *   npm run bench                    the full grid
 *   npm run bench -- --case 5 10     one case (5 regions, 10 services), as JSON
 */
import { spawnSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { performance } from "perf_hooks";
import { KNOWN_REGIONS, partitionOf } from "../stacks/regions";
import { validateConfig } from "../stacks/validate";
import { planFleet } from "../stacks/plan";
import { Recorder } from "../offline/mocks";
import { PROJECT, runProgram } from "../offline/run-plan";

const GRID = [2, 5, 10, 20];

/**
 * A valid config of `regions` regions and `services` services, every service in every region; every
 * other service is public (ALB route, auto scaling on requests), the rest are internal workers.
 */
export function generatedConfig(regions: number, services: number): Record<string, string> {
  const names = KNOWN_REGIONS.filter((r) => partitionOf(r) === "aws").slice(0, regions);
  if (names.length < regions) throw new Error(`only ${names.length} regions known`);
  const regionMap = Object.fromEntries(names.map((r, i) => [r, { cidr: `10.${i}.0.0/16`, azCount: 3, natGateways: "single" }]));
  const serviceMap = Object.fromEntries(
    Array.from({ length: services }, (_, i) => [
      `svc-${i}`,
      {
        image: `public.ecr.aws/nginx/nginx:1.${i}`,
        cpu: 512,
        memory: 1024,
        desiredCount: 2,
        overrides: { [names[0]]: { desiredCount: 4 } },
        ...(i % 2 === 0
          ? { containerPort: 8080, public: true, path: `/svc-${i}/*`, autoscaling: { min: 2, max: 10, cpuTarget: 60, requestsPerTarget: 500 } }
          : {}),
      },
    ]),
  );
  return {
    "aws:region": names[0],
    "ecs-fleet:regions": JSON.stringify(regionMap),
    "ecs-fleet:services": JSON.stringify(serviceMap),
  };
}

async function runCase(regions: number, services: number) {
  const raw = generatedConfig(regions, services);
  const now = new Date();
  const t0 = performance.now();
  const result = validateConfig(raw, { stack: "bench", project: PROJECT, now });
  const t1 = performance.now();
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  planFleet(result.config, { project: PROJECT, stack: "bench" });
  const t2 = performance.now();
  const recorder = new Recorder();
  await pulumi.runtime.setMocks(recorder.mocks, PROJECT, "bench", false);
  recorder.attach();
  const run = await runProgram(recorder, { stack: "bench", raw, now });
  const t3 = performance.now();
  return {
    regions,
    services,
    validateMs: +(t1 - t0).toFixed(2),
    planMs: +(t2 - t1).toFixed(2),
    programMs: +(t3 - t2).toFixed(0),
    resources: run.ok ? run.resources.length : 0,
    peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(0),
  };
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--case") {
    process.stdout.write(`${JSON.stringify(await runCase(Number(argv[1]), Number(argv[2])))}\n`);
    return;
  }
  const header = ["regions", "services", "validate ms", "plan ms", "program ms", "resources", "peak RSS MiB"];
  console.log(header.join("\t"));
  for (const regions of GRID) {
    for (const services of GRID) {
      const child = spawnSync(process.execPath, ["--require", "tsx/cjs", __filename, "--case", String(regions), String(services)], { encoding: "utf8" });
      if (child.status !== 0) {
        console.log(`${regions}\t${services}\tfailed: ${child.stderr.trim().split("\n").pop()}`);
        continue;
      }
      const r = JSON.parse(child.stdout.trim().split("\n").pop()!);
      console.log([r.regions, r.services, r.validateMs, r.planMs, r.programMs, r.resources, r.peakRssMiB].join("\t"));
    }
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});
