/**
 * `npm run bench`: how fast the program runs — the whole of `index.ts` under the mock runtime, as
 * `pulumi up` runs it (launch.js: compiled dist/ with source maps when current) — for generated fleets
 * of R regions × S services. Every measurement is its own process (so peak RSS is its own), runs
 * alternate between sizes (and with the CDK peer), and medians are printed. Prints numbers; asserts
 * nothing (a benchmark is never a timed test).
 *
 *   npm run bench                          sizes 2×2, 5×5, 10×10, 20×20; 3 runs each
 *   npm run bench -- --sizes 2x2,20x20 --runs 5
 *   npm run bench -- --peer                also the AWS CDK v2 peer (bench/cdk-peer, installed on
 *                                          demand with npm ci): default synth and validation off
 *   npm run bench -- --runner              also the program as `pulumi up` runs it: the SDK's own
 *                                          runner (@pulumi/pulumi/cmd/run) against the stand-in engine
 *                                          over gRPC (offline/engine.ts)
 *   npm run bench -- --runner --base DIR   … and the same for another checkout (with node_modules and
 *                                          dist/), side by side: before and after a change
 *   npm run bench -- --case 5 10           one measurement (5 regions, 10 services), as JSON
 *
 * Per size: process wall and CPU (user+sys), program time (validate, plan and run index.ts to the
 * last registration), ms and KiB per resource, peak RSS, time from process start to the first
 * registered resource next to a bare `require("@pulumi/aws")` in a fresh process; then the slope
 * (marginal ms and KiB per added resource) from the smallest to the largest size. With --runner:
 * the runner process's wall, CPU, peak RSS, time to the program's first registration and the log
 * RPCs it sent.
 */
// First: defers SDK modules this program never uses (runtime/lazy-modules.ts).
import "../runtime/boot";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { performance } from "perf_hooks";
import { KNOWN_REGIONS, partitionOf } from "../stacks/regions";
import { Recorder } from "../offline/mocks";
import { PROJECT, runProgram } from "../offline/run-plan";
import { PROJECT_ROOT } from "../runtime/root";
import { runWithRunner, startFakeEngine } from "../offline/engine";

const DEFAULT_SIZES: [number, number][] = [
  [2, 2],
  [5, 5],
  [10, 10],
  [20, 20],
];

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

/** One measurement, in this process (started fresh by the parent). */
export interface CaseResult {
  regions: number;
  services: number;
  resources: number;
  /** Process start to the first resource the program constructs (the SDK's registerResource call). */
  firstConstructMs: number;
  /** Process start to the first registration RPC the engine (here the mocks) answers. */
  firstResourceMs: number;
  /** Validate + plan + index.ts to the last registration. */
  programMs: number;
  /** CPU (user+sys) of the whole process. */
  cpuMs: number;
  peakRssKiB: number;
  /** RSS just before the program ran (modules loaded). */
  baseRssKiB: number;
  /** How the program ran: "dist" (compiled, as `pulumi up` via launch.js) or "tsx". */
  mode: string;
}

async function runCase(regions: number, services: number): Promise<CaseResult> {
  const raw = generatedConfig(regions, services);
  const recorder = new Recorder();
  let firstResourceMs = -1;
  let firstConstructMs = -1;
  // Instrumentation of this measurement only: the program itself runs unchanged.
  const sdk = require("@pulumi/pulumi/runtime/resource");
  const registerResource = sdk.registerResource;
  sdk.registerResource = (...args: unknown[]) => {
    if (firstConstructMs < 0) firstConstructMs = performance.now();
    return registerResource(...args);
  };
  const newResource = recorder.mocks.newResource.bind(recorder.mocks);
  recorder.mocks.newResource = (args) => {
    if (firstResourceMs < 0) firstResourceMs = performance.now();
    return newResource(args);
  };
  await pulumi.runtime.setMocks(recorder.mocks, PROJECT, "bench", false);
  recorder.attach();
  const baseRssKiB = process.memoryUsage().rss / 1024;
  const tProgram = performance.now();
  const run = await runProgram(recorder, { stack: "bench", raw, now: new Date() });
  const programMs = performance.now() - tProgram;
  if (!run.ok) throw new Error(JSON.stringify(run.issues));
  const cpu = process.cpuUsage();
  return {
    regions,
    services,
    resources: run.resources.length,
    // performance.now() counts from process start (timeOrigin).
    firstConstructMs: Math.round(firstConstructMs),
    firstResourceMs: Math.round(firstResourceMs),
    programMs: Math.round(programMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssKiB: process.resourceUsage().maxRSS,
    baseRssKiB: Math.round(baseRssKiB),
    mode: __filename.endsWith(".js") ? "dist" : "tsx",
  };
}

/** One measurement of the program as `pulumi up` runs it: the SDK's runner against the stand-in engine. */
export interface RunnerCaseResult {
  regions: number;
  services: number;
  resources: number;
  /** The runner process: wall, CPU (user+sys), peak RSS. */
  wallMs: number;
  cpuMs: number;
  peakRssKiB: number;
  /** Runner start to the first registration the engine answered. */
  firstRegistrationMs: number;
  /** Log RPCs the program sent the engine. */
  logs: number;
  program: string;
}

/**
 * The program in `programDir` (default: this checkout) run by `@pulumi/pulumi/cmd/run` — the process
 * the CLI's Node language host starts for `pulumi up` — against offline/engine.ts over gRPC.
 */
async function runnerCase(regions: number, services: number, programDir: string): Promise<RunnerCaseResult> {
  const engine = await startFakeEngine(PROJECT, "bench");
  try {
    const r = await runWithRunner(engine, { programDir, project: PROJECT, stack: "bench", config: generatedConfig(regions, services), command: ["/usr/bin/time", "-f", "TIME %U %S %M"] });
    const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
    if (r.code !== 0 || !m) throw new Error(`runner failed (${r.code}): ${r.stderr.trim().split("\n").slice(-5).join(" | ")}`);
    return {
      regions,
      services,
      // Without the stack resource, as the in-process measurement counts.
      resources: engine.recorder.resources.filter((x) => x.type !== "pulumi:pulumi:Stack").length,
      wallMs: Math.round(r.wallMs),
      cpuMs: Math.round((Number(m[1]) + Number(m[2])) * 1000),
      peakRssKiB: Number(m[3]),
      firstRegistrationMs: Math.round(r.firstRegistrationMs),
      logs: engine.logs.length,
      program: programDir,
    };
  } finally {
    await engine.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `args` as a fresh process; wall time measured here, CPU and peak RSS from the OS. */
function timed(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const t = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %U %S %M", cmd, ...args], { encoding: "utf8", cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 << 20 });
  const wallMs = performance.now() - t;
  const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? "");
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${(r.stderr ?? r.error?.message ?? "").trim().split("\n").slice(-3).join(" | ")}`);
  const json = JSON.parse(r.stdout.trim().split("\n").pop()!);
  return { wallMs, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, peakRssKiB: Number(m[3]), json };
}

function fleetCase(regions: number, services: number) {
  // The same launcher `npm run bench` (and `pulumi up`, through package.json main) starts from.
  return timed(process.execPath, [path.join(PROJECT_ROOT, "launch.js"), "tools/bench.ts", "--case", String(regions), String(services)], { cwd: PROJECT_ROOT });
}

/** A bare `require("@pulumi/aws")` in a fresh process: ms from process start (the floor any Pulumi AWS program pays). */
function bareCase() {
  const script = `require("@pulumi/aws"); process.stdout.write(JSON.stringify({ ms: Math.round(performance.now()) }) + "\\n");`;
  return timed(process.execPath, ["-e", script], { cwd: PROJECT_ROOT });
}

/** One runner measurement in a fresh process (the engine's own process: `--runner-case`). */
function runnerMeasurement(regions: number, services: number, programDir: string): RunnerCaseResult {
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "launch.js"), "tools/bench.ts", "--runner-case", String(regions), String(services), programDir], { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`runner case ${regions}×${services} (${programDir}) failed (${r.status}): ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as RunnerCaseResult;
}

const PEER_DIR = path.join(PROJECT_ROOT, "bench", "cdk-peer");

function ensurePeer(): void {
  if (fs.existsSync(path.join(PEER_DIR, "node_modules", "aws-cdk-lib"))) return;
  console.error("installing the CDK peer (bench/cdk-peer: npm ci)...");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: PEER_DIR, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm ci in bench/cdk-peer failed");
}

function peerCase(regions: number, services: number, validation: boolean) {
  const args = [path.join(PEER_DIR, "app.js"), String(regions), String(services), ...(validation ? [] : ["--no-validation"])];
  return timed(process.execPath, args, { cwd: PEER_DIR });
}

function parseSizes(text: string): [number, number][] {
  return text.split(",").map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim());
    if (!m) throw new Error(`--sizes: expected RxS[,RxS...], got ${s}`);
    return [Number(m[1]), Number(m[2])] as [number, number];
  });
}

const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--case") {
    process.stdout.write(`${JSON.stringify(await runCase(Number(argv[1]), Number(argv[2])))}\n`);
    return;
  }
  if (argv[0] === "--runner-case") {
    process.stdout.write(`${JSON.stringify(await runnerCase(Number(argv[1]), Number(argv[2]), path.resolve(argv[3] ?? PROJECT_ROOT)))}\n`);
    // The engine's gRPC server and this process's mock runtime hold handles: leave now.
    process.exit(0);
  }
  let sizes = DEFAULT_SIZES;
  let runs = 3;
  let peer = false;
  let runner = false;
  let base: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--sizes") sizes = parseSizes(argv[++i] ?? "");
    else if (argv[i] === "--runs") runs = Math.max(1, Number(argv[++i]));
    else if (argv[i] === "--peer") peer = true;
    else if (argv[i] === "--runner") runner = true;
    else if (argv[i] === "--base") base = path.resolve(argv[++i] ?? "");
    else throw new Error(`unknown argument ${argv[i]}; usage: npm run bench -- [--sizes 2x2,20x20] [--runs 3] [--peer] [--runner [--base <checkout>]]`);
  }
  if (base && !runner) throw new Error("--base compares the runner measurement: give --runner too");
  if (base && !fs.existsSync(path.join(base, "package.json"))) throw new Error(`--base ${base}: no package.json there (a checkout of ecs-fleet with node_modules and dist/)`);
  if (peer) ensurePeer();
  console.log(`ecs-fleet bench: ${runs} run(s) per size, alternating${peer ? " with the CDK peer" : ""}; load average ${os.loadavg()[0].toFixed(2)} at start, ${os.cpus().length} CPUs`);

  type Sample = ReturnType<typeof timed>;
  const fleet = new Map<string, Sample[]>();
  const cdk = new Map<string, Sample[]>();
  const cdkOff = new Map<string, Sample[]>();
  const bare: Sample[] = [];
  const viaRunner = new Map<string, RunnerCaseResult[]>();
  const viaRunnerBase = new Map<string, RunnerCaseResult[]>();
  const key = (r: number, s: number) => `${r}x${s}`;
  const push = (m: Map<string, Sample[]>, k: string, v: Sample) => m.set(k, [...(m.get(k) ?? []), v]);
  for (let run = 0; run < runs; run++) {
    bare.push(bareCase());
    for (const [r, s] of sizes) {
      // Progress on stderr; the tables go to stdout at the end.
      const note = (what: string, x: Sample) => console.error(`run ${run + 1}/${runs} ${r}×${s} ${what}: ${f2(x.wallMs / 1000)} s wall, ${f2(x.cpuMs / 1000)} s CPU, ${f0(x.peakRssKiB / 1024)} MiB`);
      const f = fleetCase(r, s);
      note("ecs-fleet", f);
      push(fleet, key(r, s), f);
      if (runner) {
        const x = runnerMeasurement(r, s, PROJECT_ROOT);
        console.error(`run ${run + 1}/${runs} ${r}×${s} runner: ${f2(x.wallMs / 1000)} s wall, ${f2(x.cpuMs / 1000)} s CPU, ${f0(x.peakRssKiB / 1024)} MiB, ${x.logs} log RPCs`);
        viaRunner.set(key(r, s), [...(viaRunner.get(key(r, s)) ?? []), x]);
        if (base) {
          const b = runnerMeasurement(r, s, base);
          console.error(`run ${run + 1}/${runs} ${r}×${s} runner, base: ${f2(b.wallMs / 1000)} s wall, ${f2(b.cpuMs / 1000)} s CPU, ${f0(b.peakRssKiB / 1024)} MiB, ${b.logs} log RPCs`);
          viaRunnerBase.set(key(r, s), [...(viaRunnerBase.get(key(r, s)) ?? []), b]);
        }
      }
      if (peer) {
        const c = peerCase(r, s, true);
        note("CDK synth", c);
        push(cdk, key(r, s), c);
        const co = peerCase(r, s, false);
        note("CDK validation off", co);
        push(cdkOff, key(r, s), co);
      }
    }
  }
  const loadEnd = os.loadavg()[0];

  console.log("\necs-fleet (medians; mode: how launch.js ran the program)");
  const header = ["size", "resources", "wall s", "CPU s", "program ms", "ms/resource", "KiB/resource", "peak RSS MiB", "bare @pulumi/aws ms", "first construct ms", "first construct − bare ms", "first RPC ms", "mode"];
  console.log(header.join("\t"));
  const rows: { r: number; s: number; resources: number; programMs: number; kib: number }[] = [];
  for (const [r, s] of sizes) {
    const xs = fleet.get(key(r, s))!;
    const j = xs.map((x) => x.json as CaseResult);
    const resources = j[0].resources;
    const programMs = median(j.map((x) => x.programMs));
    const growKiB = median(j.map((x) => x.peakRssKiB - x.baseRssKiB));
    const bareMs = median(bare.map((x) => x.json.ms as number));
    const first = median(j.map((x) => x.firstConstructMs));
    const firstRpc = median(j.map((x) => x.firstResourceMs));
    rows.push({ r, s, resources, programMs, kib: growKiB });
    console.log(
      [`${r}×${s}`, resources, f2(median(xs.map((x) => x.wallMs)) / 1000), f2(median(xs.map((x) => x.cpuMs)) / 1000), f0(programMs), f2(programMs / resources), f0(growKiB / resources), f0(median(xs.map((x) => x.peakRssKiB)) / 1024), f0(bareMs), f0(first), f0(first - bareMs), f0(firstRpc), j[0].mode].join("\t"),
    );
  }
  if (rows.length > 1) {
    const a = rows[0];
    const b = rows[rows.length - 1];
    const dRes = b.resources - a.resources;
    console.log(`\nslope ${a.r}×${a.s} → ${b.r}×${b.s}: ${f2((b.programMs - a.programMs) / dRes)} ms and ${f0((b.kib - a.kib) / dRes)} KiB per added resource (program time; RSS growth over the loaded baseline)`);
  }
  if (peer) {
    console.log("\nAWS CDK v2 peer (bench/cdk-peer, whole process: load, construct, synth) and ratios ecs-fleet / CDK (medians of wall; CPU in brackets)");
    console.log(["size", "CDK resources", "CDK synth s", "CDK no-validation s", "CDK peak RSS MiB", "ecs-fleet s", "ratio vs synth", "ratio vs no-validation", "RSS ratio"].join("\t"));
    for (const [r, s] of sizes) {
      const k = key(r, s);
      const fl = fleet.get(k)!;
      const c = cdk.get(k)!;
      const co = cdkOff.get(k)!;
      const w = (xs: Sample[]) => median(xs.map((x) => x.wallMs)) / 1000;
      const cpu = (xs: Sample[]) => median(xs.map((x) => x.cpuMs)) / 1000;
      const rss = (xs: Sample[]) => median(xs.map((x) => x.peakRssKiB)) / 1024;
      console.log(
        [
          `${r}×${s}`,
          c[0].json.resources,
          `${f2(w(c))} [${f2(cpu(c))}]`,
          `${f2(w(co))} [${f2(cpu(co))}]`,
          f0(rss(c)),
          `${f2(w(fl))} [${f2(cpu(fl))}]`,
          `${f2(w(fl) / w(c))} [${f2(cpu(fl) / cpu(c))}]`,
          `${f2(w(fl) / w(co))} [${f2(cpu(fl) / cpu(co))}]`,
          f2(rss(fl) / rss(c)),
        ].join("\t"),
      );
    }
  }
  if (runner) {
    console.log(`\nas pulumi up runs it: @pulumi/pulumi/cmd/run (the CLI's Node language host's runner) against the stand-in engine over gRPC (offline/engine.ts); the runner process, medians${base ? `; base: ${base}` : ""}`);
    console.log(["size", "resources", "wall s", "CPU s", "ms/resource (CPU)", "peak RSS MiB", "first registration ms", "log RPCs", ...(base ? ["base wall s", "base CPU s", "base peak RSS MiB", "base first registration ms", "base log RPCs", "CPU now / base"] : [])].join("\t"));
    for (const [r, s] of sizes) {
      const xs = viaRunner.get(key(r, s))!;
      const m = (f: (x: RunnerCaseResult) => number, ys = xs) => median(ys.map(f));
      const cells = [`${r}×${s}`, xs[0].resources, f2(m((x) => x.wallMs) / 1000), f2(m((x) => x.cpuMs) / 1000), f2(m((x) => x.cpuMs) / xs[0].resources), f0(m((x) => x.peakRssKiB) / 1024), f0(m((x) => x.firstRegistrationMs)), xs[0].logs];
      if (base) {
        const bs = viaRunnerBase.get(key(r, s))!;
        cells.push(f2(m((x) => x.wallMs, bs) / 1000), f2(m((x) => x.cpuMs, bs) / 1000), f0(m((x) => x.peakRssKiB, bs) / 1024), f0(m((x) => x.firstRegistrationMs, bs)), bs[0].logs, f2(m((x) => x.cpuMs) / m((x) => x.cpuMs, bs)));
      }
      console.log(cells.join("\t"));
    }
  }
  console.log(`\nload average ${loadEnd.toFixed(2)} at end: wall times above ~1 × CPUs are contended; compare CPU.`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
