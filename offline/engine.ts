/**
 * A stand-in Pulumi engine on loopback gRPC, for running the program the way `pulumi up` and
 * `pulumi preview` run it, without the Pulumi CLI: in its own Node process, started by the SDK's
 * own language runner (`@pulumi/pulumi/cmd/run`, which the CLI's Node language host starts), loading
 * `launch.js` through package.json `main`, talking to a resource monitor and an engine over gRPC.
 *
 * The monitor answers like the mock runtime of `npm run plan` — it is the SDK's own `MockMonitor`
 * around the same `Recorder` (offline/mocks.ts) — so a run registers exactly what the plan records,
 * and what the runner's process costs (the SDK's runner, `source-map-support`, the gRPC transport)
 * can be measured next to the in-process plan (`npm run bench -- --runner`) and checked against it
 * (test/offline/engine.test.ts).
 *
 * What the engine does beyond answering registrations is out of scope: no providers run, no
 * checkpoints, no diffs; logs go to a callback.
 */
import { spawn } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";
import { Recorder } from "./mocks";

/** The SDK's own generated gRPC services and messages (the runner's client uses the same). */
const SDK_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The SDK's own copy, so the service definitions and the server share one grpc-js.
 
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [SDK_DIR] })) as typeof import("@grpc/grpc-js");
const resourceRpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineProto = require("@pulumi/pulumi/proto/engine_pb");
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const emptyProto = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [SDK_DIR] }));

/** Severity names of the engine's `Log` RPC (pulumirpc.LogSeverity). */
const SEVERITY = ["debug", "info", "warning", "error"] as const;

export interface EngineLog {
  severity: (typeof SEVERITY)[number];
  message: string;
  urn: string;
}

export interface FakeEngine {
  /** `127.0.0.1:<port>`: the runner's `--monitor` and `--engine`. */
  address: string;
  /** What the program registered (the recorder behind the monitor). */
  recorder: Recorder;
  /** Every `Log` RPC, in order. */
  logs: EngineLog[];
  /** The source position the SDK sent with each registration (`<uri>:<line>`), by `<type>::<name>`. */
  sourcePositions: Map<string, string>;
  /** `performance.now()` of the program's first registration (not the stack's), or -1. */
  firstRegistrationAt: () => number;
  stop(): Promise<void>;
}

 
type Callback = (err: any, resp?: unknown) => void;
type Call = { request: any };

/**
 * Starts the engine for one run of stack `stack` of `project`. The monitor is the SDK's
 * `MockMonitor` around a fresh `Recorder`.
 */
export async function startFakeEngine(project: string, stack: string): Promise<FakeEngine> {
  const recorder = new Recorder();
  // Its own monitor: this process's runtime (the tests' mocks, say) is left as it is.
  const monitor = new MockMonitor(recorder.mocks);
  // URNs of this engine's stack, not of whatever stack this process's runtime is set to.
  // As the engine names them, a resource's type qualified by its parent's, the stack's excepted.
  monitor.newUrn = (parent: string, type: string, name: string): string => {
    const parentType = parent ? parent.split("::")[2].split("$").pop() : undefined;
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
  };
  recorder.attach(monitor);
  const logs: EngineLog[] = [];
  let firstRegistrationAt = -1;
  let rootResource = "";
  const sourcePositions = new Map<string, string>();

  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const forward = (method: string) => (call: Call, callback: Callback) => monitor[method](call.request, callback);
  server.addService(resourceRpc.ResourceMonitorService, {
    // As the mock runtime answers: every feature but output values (so inputs reach the mocks as values).
    supportsFeature: (call: Call, callback: Callback) => {
      const resp = new resourceProto.SupportsFeatureResponse();
      resp.setHassupport(call.request.getId() !== "outputValues");
      callback(null, resp);
    },
    registerResource: (call: Call, callback: Callback) => {
      // The program's first: the runner registers the stack itself before it loads the program.
      if (firstRegistrationAt < 0 && call.request.getType() !== "pulumi:pulumi:Stack") firstRegistrationAt = performance.now();
      const pos = call.request.getSourceposition?.();
      sourcePositions.set(`${call.request.getType()}::${call.request.getName()}`, pos ? `${pos.getUri()}:${pos.getLine()}` : "");
      monitor.registerResource(call.request, callback);
    },
    registerResourceOutputs: (call: Call, callback: Callback) =>
      monitor.registerResourceOutputs(call.request, (err: unknown) => callback(err, err ? undefined : new emptyProto.Empty())),
    invoke: forward("invoke"),
    readResource: forward("readResource"),
    registerPackage: forward("registerPackage"),
    signalAndWaitForShutdown: (_call: Call, callback: Callback) => callback(null, new emptyProto.Empty()),
  });
  server.addService(engineRpc.EngineService, {
    log: (call: Call, callback: Callback) => {
      logs.push({ severity: SEVERITY[call.request.getSeverity()] ?? "info", message: call.request.getMessage(), urn: call.request.getUrn() });
      callback(null, new emptyProto.Empty());
    },
    getRootResource: (_call: Call, callback: Callback) => {
      const resp = new engineProto.GetRootResourceResponse();
      resp.setUrn(rootResource);
      callback(null, resp);
    },
    setRootResource: (call: Call, callback: Callback) => {
      rootResource = call.request.getUrn();
      callback(null, new engineProto.SetRootResourceResponse());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    recorder,
    logs,
    sourcePositions,
    firstRegistrationAt: () => firstRegistrationAt,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

export interface RunnerResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from spawning the runner to its exit. */
  wallMs: number;
  /** ms from spawning the runner to the program's first registration (-1: none). */
  firstRegistrationMs: number;
}

/**
 * Runs the program in `programDir` (its package.json `main`) with the SDK's language runner against
 * `engine`, as the CLI's Node language host would: `node <sdk>/cmd/run <flags> <programDir>`, config
 * in `PULUMI_CONFIG`. `command` wraps the node invocation (e.g. `/usr/bin/time -f …`); `nodeArgs` go to node itself.
 */
export function runWithRunner(
  engine: FakeEngine,
  opts: { programDir: string; project: string; stack: string; config: Record<string, string>; command?: string[]; nodeArgs?: string[]; env?: NodeJS.ProcessEnv },
): Promise<RunnerResult> {
  const runner = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [opts.programDir] })), "cmd", "run");
  const args = [
    runner,
    `--monitor=${engine.address}`,
    `--engine=${engine.address}`,
    `--project=${opts.project}`,
    `--stack=${opts.stack}`,
    `--pwd=${opts.programDir}`,
    `--root-directory=${opts.programDir}`,
    "--parallel=48",
    opts.programDir,
  ];
  const [cmd, ...pre] = [...(opts.command ?? []), process.execPath];
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...(opts.nodeArgs ?? []), ...args], {
      cwd: opts.programDir,
      env: { ...process.env, ...opts.env, PULUMI_CONFIG: JSON.stringify(opts.config), PULUMI_CONFIG_SECRET_KEYS: "[]" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const first = engine.firstRegistrationAt();
      resolve({ code, stdout, stderr, wallMs: performance.now() - start, firstRegistrationMs: first < 0 ? -1 : first - start });
    });
  });
}
