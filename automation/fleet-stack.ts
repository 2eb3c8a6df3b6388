/**
 * Operations on one stack of this project through the Automation API: a `LocalWorkspace` over the
 * project directory, so `pulumi up` and the library run the same program with the same config file.
 *
 * Every result is typed (changes by operation and by region, outputs, duration); every failure is
 * one of the errors in ./errors. A locked stack is retried with exponential backoff, then reported
 * as ConcurrentUpdateError. Config writes are validated as a whole before anything is written.
 */
import * as fs from "fs";
import * as path from "path";
import * as auto from "@pulumi/pulumi/automation";
import { type Clock, systemClock } from "./clock";
import {
  type ConfigChange,
  type RawConfig,
  applyConfigChanges,
  assertWritable,
  hasPath,
  pulumiConfigPath,
  qualifyKey,
  readProject,
  SECRET_MASK,
} from "./config-edit";
import { AwsDeploymentChecker, type DeployedService, type DeploymentChecker } from "./deployment-check";
import {
  ConfigInvalidError,
  ConcurrentUpdateError,
  DeploymentRolledBackError,
  type ErrorDiagnostic,
  type FailedDeployment,
  FleetError,
  type OperationContext,
  type PolicyViolation,
  mapAutomationError,
} from "./errors";
import { type ChangeCounts, EventTranslator, type FleetEvent } from "./events";
import type { FleetStackOutputs } from "../program";
import type { FleetConfig } from "../stacks/schema";
import { type ValidationContext, type ValidationResult, validateConfig } from "../stacks/validate";
import { PROJECT_ROOT } from "../runtime/root";

/** The operations that change (or preview changing) resources. */
export type OperationKind = "preview" | "up" | "refresh" | "destroy";

/** What an operation did. */
export interface OperationResult {
  operation: OperationKind;
  stack: string;
  /** Resource counts by operation, as the engine summarised them. */
  changes: ChangeCounts;
  /** The same, by AWS region (`global` for resources without one), from the engine's events. */
  changesByRegion: Record<string, ChangeCounts>;
  /** Wall time of the operation, retries included, in milliseconds. */
  durationMs: number;
  /** How many times it was tried (more than 1 when the stack was locked). */
  attempts: number;
  /** The stack outputs after `up` (nested secrets masked); absent for the other operations. */
  outputs?: StackOutputs;
  /** Policy pack reports (advisory ones; a mandatory violation fails the operation). */
  policyViolations?: PolicyViolation[];
  /** After `up`: the ECS services it changed, each verified on AWS (see DeploymentRolledBackError). */
  deployments?: DeployedService[];
}

/**
 * Stack outputs as the program exports them. A stack that was never deployed has no regions
 * (`regions` is then empty). Secret outputs other than the typed ones read `[secret]` unless
 * asked for with `showSecrets`.
 */
export type StackOutputs = FleetStackOutputs & Record<string, unknown>;

/** Options of the resource operations. */
export interface OperationOptions {
  /** Receives the typed progress stream. */
  onEvent?: (event: FleetEvent) => void;
  /** Update message recorded in the stack's history. */
  message?: string;
  /** Cancels the operation. */
  signal?: AbortSignal;
  /**
   * `up` only: check afterwards that every changed ECS service's PRIMARY deployment runs the task
   * definition `up` registered, rollout COMPLETED (DeploymentRolledBackError otherwise). Default true.
   */
  verifyDeployments?: boolean;
  /** preview/up only: URNs to limit the operation to (a component's children included). Default all. */
  target?: string[];
  /** preview/up only: also operate on the targets' dependents. Default false. */
  targetDependents?: boolean;
}

/** One entry of the stack's update history (`pulumi stack history`), newest first. */
export interface HistoryEntry {
  version: number;
  kind: auto.UpdateKind;
  result: auto.UpdateResult;
  message: string;
  startTime: Date;
  endTime?: Date;
  resourceChanges: ChangeCounts;
  /** The config the update ran with (secret values read `[secret]` unless asked for). */
  config: Record<string, { value: string; secret: boolean }>;
}

/** The stack's state as `pulumi stack export` writes it (secrets in plain text: keep it safe). */
export type StackState = auto.Deployment;

/** A state document handed to `importState` that is not a `pulumi stack export` document. */
export class StateInvalidError extends FleetError {
  constructor(
    readonly stack: string,
    readonly detail: string,
  ) {
    super(`not a stack state to import into ${stack}: ${detail} (expected the JSON document \`pulumi stack export\` or \`npm run fleet -- export\` writes: { "version": 3, "deployment": { "resources": [...] } })`);
  }
}

/** The stack as the rollout sees it (tests use a recording double). */
export interface FleetStack {
  readonly name: string;
  readonly project: string;
  /** The stack's config, validated. Throws ConfigInvalidError. */
  getConfig(): Promise<FleetConfig>;
  /**
   * Validates the config the changes would produce and, only if it is valid, writes them.
   * Returns the new config. Throws ConfigInvalidError (nothing written).
   */
  setConfig(changes: readonly ConfigChange[]): Promise<FleetConfig>;
  up(options?: OperationOptions): Promise<OperationResult>;
  outputs(): Promise<StackOutputs>;
}

/** Retry of an operation that found the stack locked. */
export interface LockRetryOptions {
  /** Total attempts, the first included. Default 5. */
  maxAttempts?: number;
  /** Wait before the first retry, doubled on each next one. Default 5000 ms. */
  baseDelayMs?: number;
  /** Upper bound of one wait. Default 60000 ms. */
  maxDelayMs?: number;
}

/** The subset of an Automation API `Stack` this library calls (the seam tests record). */
export type AutomationStack = Pick<
  auto.Stack,
  | "name"
  | "up"
  | "preview"
  | "refresh"
  | "destroy"
  | "outputs"
  | "getAllConfig"
  | "setConfig"
  | "removeConfig"
  | "exportStack"
  | "importStack"
  | "cancel"
  | "history"
  | "listTags"
  | "setTag"
  | "removeTag"
>;

/** The target options of an operation, passed on only when set. */
function targetOptions(o: OperationOptions): { target?: string[]; targetDependents?: boolean } {
  return o.target ? { target: [...o.target], targetDependents: o.targetDependents ?? false } : {};
}

/** How a stack is opened; the default opens it without `pulumi stack select` (see defaultSelect). */
export type SelectStack = (args: auto.LocalProgramArgs, options: auto.LocalWorkspaceOptions) => Promise<AutomationStack>;

export interface OpenStackOptions {
  /** Stack name, e.g. `prod`. */
  stack: string;
  /** The Pulumi project directory. Default: this repository's root (the directory of Pulumi.yaml). */
  workDir?: string;
  /** Environment for every pulumi command (e.g. AWS_PROFILE, PULUMI_BACKEND_URL). Default none. */
  envVars?: Record<string, string>;
  /** Lock retry. Defaults: see LockRetryOptions. */
  lockRetry?: LockRetryOptions;
  /** Called before each retry of a locked stack. */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number }) => void;
  /** Clock for backoff waits and durations. Default the system clock. */
  clock?: Clock;
  /** Config validation. Default: the program's own `validateConfig`. */
  validate?: (raw: RawConfig, ctx: ValidationContext) => ValidationResult;
  /** Test seam. Default: a LocalWorkspace that checks the stack exists without selecting it. */
  selectStack?: SelectStack;
  /**
   * Policy packs `preview` and `up` run with (`--policy-pack`). Default: the project's own pack,
   * `<workDir>/policy`, when it is there. `[]` runs without policy.
   */
  policyPacks?: string[];
  /** Verifies the deployments of `up`. Default the DescribeServices check (AwsDeploymentChecker). */
  deploymentChecker?: DeploymentChecker;
}

/** The repository root: the project directory `pulumi up` runs in. */
export const PROJECT_DIR = PROJECT_ROOT;

/** The internal `PulumiCommand.run` of @pulumi/pulumi 3.248 (automation/cmd.js), not in its typings. */
type RunPulumi = (args: string[], cwd: string, env: Record<string, string>) => Promise<{ stdout: string }>;

/**
 * Opens a stack WITHOUT changing the user's selected stack. `LocalWorkspace.selectStack` runs
 * `pulumi stack select --stack <name>`, which rewrites the project's workspace file
 * (~/.pulumi/workspaces/<project>-<hash>-workspace.json): a bare `pulumi up` afterwards targets the
 * stack the library opened, and two stacks opened at once race on that file. Every Stack operation
 * of the Automation API already passes `--stack <name>` (and since CLI 3.0 `--stack` never selects:
 * pulumi/pulumi#6415), so selection is not needed: the workspace's `selectStack` is replaced by a
 * read-only existence check, `pulumi stack --show-name --stack <name>` (what remote workspaces do).
 */
const defaultSelect: SelectStack = async (args, options) => {
  const ws = await auto.LocalWorkspace.create({ ...options, workDir: args.workDir });
  const checkExists = async (stackName: string): Promise<void> => {
    const run = (ws.pulumiCommand as unknown as { run: RunPulumi }).run.bind(ws.pulumiCommand);
    const env: Record<string, string> = { ...(ws.pulumiHome ? { PULUMI_HOME: ws.pulumiHome } : {}), ...ws.envVars };
    await run(["stack", "--show-name", "--stack", stackName], ws.workDir, env);
  };
  Object.defineProperty(ws, "selectStack", { value: checkExists });
  return auto.Stack.select(args.stackName, ws);
};

/** The project's policy pack directory, if it has one. */
function defaultPolicyPacks(workDir: string): string[] {
  const dir = path.join(workDir, "policy");
  return fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) ? [dir] : [];
}

/**
 * Selects an existing stack of the project. Throws StackNotFoundError, PulumiCliMissingError or
 * CommandError.
 */
export async function openStack(options: OpenStackOptions): Promise<PulumiFleetStack> {
  const workDir = path.resolve(options.workDir ?? PROJECT_DIR);
  const { project } = readProject(workDir);
  const wsOptions: auto.LocalWorkspaceOptions = { workDir };
  if (options.envVars) wsOptions.envVars = { ...options.envVars };
  let stack: AutomationStack;
  try {
    stack = await (options.selectStack ?? defaultSelect)({ stackName: options.stack, workDir }, wsOptions);
  } catch (err) {
    throw mapAutomationError(err, options.stack);
  }
  return new PulumiFleetStack(stack, options.stack, project, { ...options, policyPacks: options.policyPacks ?? defaultPolicyPacks(workDir) });
}

/** Exponential backoff delay before retry number `retry` (1-based). */
export function backoffDelay(retry: number, options: LockRetryOptions = {}): number {
  const base = options.baseDelayMs ?? 5000;
  const max = options.maxDelayMs ?? 60000;
  return Math.min(max, base * 2 ** (retry - 1));
}

/**
 * Runs `fn`, retrying while the stack is locked by another update. Returns the result and the
 * number of attempts; throws the mapped error (ConcurrentUpdateError once attempts run out).
 */
export async function withLockRetry<T>(
  fn: () => Promise<T>,
  ctx: {
    stack: string;
    operation: string;
    clock: Clock;
    retry?: LockRetryOptions;
    onRetry?: OpenStackOptions["onRetry"];
    /** What the failed attempt saw (its error diagnostics and policy reports), for the error. */
    seen?: () => OperationContext;
  },
): Promise<{ value: T; attempts: number }> {
  const maxAttempts = Math.max(1, ctx.retry?.maxAttempts ?? 5);
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(), attempts: attempt };
    } catch (err) {
      const mapped = mapAutomationError(err, ctx.stack, attempt, { operation: ctx.operation, ...ctx.seen?.() });
      if (!(mapped instanceof ConcurrentUpdateError) || attempt >= maxAttempts) throw mapped;
      const delayMs = backoffDelay(attempt, ctx.retry);
      ctx.onRetry?.({ operation: ctx.operation, attempt, delayMs });
      await ctx.clock.sleep(delayMs);
    }
  }
}

/** The marker of a secret value in an exported deployment (sdk/go/common/resource/sig). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

function isSecretValue(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

/**
 * Paths of every secret inside the stack's outputs, from an exported deployment: the root
 * `pulumi:pulumi:Stack` resource's `outputs`, where a secret at any depth is
 * `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext|ciphertext }`.
 * The Automation API's OutputMap cannot say this: `stackOutputs` compares `pulumi stack output --json`
 * with `--show-secrets` key by key, so only a top-level output is ever `secret: true`.
 */
export function secretOutputPaths(state: StackState | undefined): string[][] {
  const resources = (state?.deployment as { resources?: Array<{ type?: string; outputs?: unknown }> } | undefined)?.resources;
  const root = Array.isArray(resources) ? resources.find((r) => r?.type === "pulumi:pulumi:Stack") : undefined;
  const paths: string[][] = [];
  const walk = (v: unknown, at: string[]): void => {
    if (isSecretValue(v)) {
      paths.push(at);
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, String(i)]));
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(root?.outputs ?? {}, []);
  return paths;
}

/** Outputs as plain values; secrets (top-level from the OutputMap, nested from `secretPaths`) masked. */
export function maskedOutputs(map: auto.OutputMap, showSecrets: boolean, secretPaths: readonly string[][] = []): StackOutputs {
  const out: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(map)) out[key] = o.secret && !showSecrets ? SECRET_MASK : structuredClone(o.value);
  if (!showSecrets) {
    for (const p of secretPaths) {
      if (p.length === 0) continue;
      if (p.length === 1) {
        if (p[0] in out) out[p[0]] = SECRET_MASK;
        continue;
      }
      let node: unknown = out;
      for (const k of p.slice(0, -1)) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
      const last = p[p.length - 1];
      if (typeof node === "object" && node !== null && last in node) (node as Record<string, unknown>)[last] = SECRET_MASK;
    }
  }
  if (typeof out.regions !== "object" || out.regions === null) out.regions = {};
  return out as StackOutputs;
}

/** A stack of this project, driven through the Automation API. */
export class PulumiFleetStack implements FleetStack {
  private readonly clock: Clock;
  private readonly validate: (raw: RawConfig, ctx: ValidationContext) => ValidationResult;
  /** The policy packs `preview` and `up` run with. */
  readonly policyPacks: readonly string[];

  constructor(
    private readonly stack: AutomationStack,
    readonly name: string,
    readonly project: string,
    private readonly options: Pick<OpenStackOptions, "lockRetry" | "onRetry" | "clock" | "validate" | "policyPacks" | "deploymentChecker"> = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.validate = options.validate ?? validateConfig;
    this.policyPacks = [...(options.policyPacks ?? [])];
  }

  /** The raw config map (`"ns:key"` -> string, objects JSON-encoded, secrets in plain text). */
  async rawConfig(): Promise<RawConfig> {
    try {
      const map = await this.stack.getAllConfig();
      return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.value]));
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  async getConfig(): Promise<FleetConfig> {
    return this.check(await this.rawConfig());
  }

  async setConfig(changes: readonly ConfigChange[]): Promise<FleetConfig> {
    const raw = await this.rawConfig();
    const qualified = changes.map((c) => ({ ...c, key: qualifyKey(c.key, this.project) }));
    qualified.forEach(assertWritable);
    // Removing what is not there is a no-op (pulumi would fail on it).
    const effective: ConfigChange[] = [];
    let state = raw;
    for (const c of qualified) {
      if (c.op === "remove" && !hasPath(state, c.key, c.path)) continue;
      effective.push(c);
      state = applyConfigChanges(state, [c], this.project);
    }
    const config = this.check(state);
    try {
      for (const c of effective) {
        const segments = c.path ?? [];
        const key = pulumiConfigPath(c.key, segments);
        if (c.op === "set") {
          await this.stack.setConfig(key, { value: String(c.value), secret: c.secret ?? false }, segments.length > 0);
        } else {
          await this.stack.removeConfig(key, segments.length > 0);
        }
      }
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
    return config;
  }

  /** `pulumi preview`, with the project's policy pack (a mandatory violation: PolicyViolationError). */
  async preview(options: OperationOptions = {}): Promise<OperationResult> {
    return this.run("preview", options, async (onEvent) => {
      const r = await this.stack.preview({ ...this.common(options, onEvent), policyPacks: [...this.policyPacks], ...targetOptions(options) });
      return { changes: r.changeSummary ?? {} };
    });
  }

  /**
   * `pulumi up`, with the project's policy pack, then (unless `verifyDeployments: false`) the
   * deployment check: DeploymentRolledBackError when a changed service did not end on what it registered.
   */
  async up(options: OperationOptions = {}): Promise<OperationResult> {
    let deployed: ReturnType<EventTranslator["deployedServices"]> = [];
    const result = await this.run(
      "up",
      options,
      async (onEvent) => {
        const r = await this.stack.up({ ...this.common(options, onEvent), policyPacks: [...this.policyPacks], ...targetOptions(options) });
        return { changes: r.summary?.resourceChanges ?? {}, outputMap: r.outputs ?? {} };
      },
      (t) => {
        deployed = t.deployedServices();
      },
    );
    if (options.verifyDeployments === false) return result;
    const services = deployed.map((d) => ({ ...d, region: d.region ?? "" }));
    result.deployments = services;
    if (services.length === 0) return result;
    const unknown = services.filter((s) => !s.region || !s.serviceName || !s.cluster || !s.taskDefinition);
    const failed: FailedDeployment[] = unknown.map((s) => ({
      region: s.region || "unknown region",
      serviceName: s.serviceName || s.urn.split("::").pop()!,
      service: s.serviceName || s.urn.split("::").pop()!,
      cluster: s.cluster,
      expectedTaskDefinition: s.taskDefinition,
      reason: "cannot verify the deployment: the engine reported no service name, cluster, region or task definition",
    }));
    const known = services.filter((s) => !unknown.includes(s));
    const checker = this.options.deploymentChecker ?? new AwsDeploymentChecker();
    const bad = known.length ? await checker.verify(known, { clock: this.clock, signal: options.signal }) : [];
    for (const f of bad) failed.push({ ...f, service: serviceKey(result.outputs, f.region, f.serviceName) });
    if (failed.length > 0) {
      const err = new DeploymentRolledBackError(this.name, failed);
      err.result = result;
      throw err;
    }
    return result;
  }

  async refresh(options: OperationOptions = {}): Promise<OperationResult> {
    return this.run("refresh", options, async (onEvent) => {
      const r = await this.stack.refresh(this.common(options, onEvent));
      return { changes: r.summary?.resourceChanges ?? {} };
    });
  }

  async destroy(options: OperationOptions = {}): Promise<OperationResult> {
    return this.run("destroy", options, async (onEvent) => {
      const r = await this.stack.destroy(this.common(options, onEvent));
      return { changes: r.summary?.resourceChanges ?? {} };
    });
  }

  /** Stack tags (the rollout journal and lease live there; see ./journal). */
  async listTags(): Promise<Record<string, string>> {
    return this.tagCall(() => this.stack.listTags());
  }

  async setTag(key: string, value: string): Promise<void> {
    return this.tagCall(() => this.stack.setTag(key, value));
  }

  async removeTag(key: string): Promise<void> {
    return this.tagCall(() => this.stack.removeTag(key));
  }

  private async tagCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  /** The stack's outputs. Secrets, also nested ones (`sites.<site>.activationCode`), read `[secret]` unless `showSecrets`. */
  async outputs(options: { showSecrets?: boolean } = {}): Promise<StackOutputs> {
    try {
      const map = await this.stack.outputs();
      return options.showSecrets ? maskedOutputs(map, true) : await this.mask(map);
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  /**
   * Stops the update that holds the stack's lock (`pulumi cancel`). Dangerous: resources of a running
   * operation may be left half-done; run `refresh` afterwards.
   */
  async cancel(): Promise<void> {
    try {
      await this.stack.cancel();
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  /** The stack's state (`pulumi stack export --show-secrets`: secrets in plain text). */
  async exportState(): Promise<StackState> {
    try {
      return await this.stack.exportStack();
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  /** Replaces the stack's state (`pulumi stack import`). Throws StateInvalidError for a document that is not one. */
  async importState(state: unknown): Promise<void> {
    const s = state as { version?: unknown; deployment?: { resources?: unknown } } | null;
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw new StateInvalidError(this.name, "not a JSON object");
    if (typeof s.version !== "number") throw new StateInvalidError(this.name, "`version` is missing or not a number");
    if (typeof s.deployment !== "object" || s.deployment === null) throw new StateInvalidError(this.name, "`deployment` is missing");
    if (s.deployment.resources !== undefined && !Array.isArray(s.deployment.resources)) throw new StateInvalidError(this.name, "`deployment.resources` is not a list");
    try {
      await this.stack.importStack(s as StackState);
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  /** The update history, newest first. Secret config values read `[secret]` unless `showSecrets`. */
  async history(options: { pageSize?: number; page?: number; showSecrets?: boolean } = {}): Promise<HistoryEntry[]> {
    try {
      // The Automation API shows secrets in the history unless told not to.
      const entries = await this.stack.history(options.pageSize, options.page, options.showSecrets ?? false);
      return entries.map((e) => ({
        version: e.version,
        kind: e.kind,
        result: e.result,
        message: e.message ?? "",
        startTime: e.startTime,
        ...(e.endTime ? { endTime: e.endTime } : {}),
        resourceChanges: { ...(e.resourceChanges ?? {}) } as ChangeCounts,
        config: Object.fromEntries(Object.entries(e.config ?? {}).map(([k, v]) => [k, { value: v.secret && !options.showSecrets ? SECRET_MASK : v.value, secret: !!v.secret }])),
      }));
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  private common(options: OperationOptions, onEvent: (e: auto.EngineEvent) => void) {
    return { onEvent, message: options.message, signal: options.signal, color: "never" as const };
  }

  /** Masks every secret of the outputs, nested ones found through the exported deployment. */
  private async mask(map: auto.OutputMap): Promise<StackOutputs> {
    if (Object.keys(map).length === 0) return maskedOutputs(map, false);
    return maskedOutputs(map, false, secretOutputPaths(await this.stack.exportStack()));
  }

  private check(raw: RawConfig): FleetConfig {
    const result = this.validate(raw, { stack: this.name, project: this.project, now: this.clock.now() });
    if (!result.ok) throw new ConfigInvalidError(this.name, result.issues);
    return result.config;
  }

  private async run(
    operation: OperationKind,
    options: OperationOptions,
    call: (onEvent: (e: auto.EngineEvent) => void) => Promise<{ changes: ChangeCounts; outputMap?: auto.OutputMap }>,
    after?: (translator: EventTranslator) => void,
  ): Promise<OperationResult> {
    const started = this.clock.now().getTime();
    let translator = new EventTranslator();
    let diagnostics: ErrorDiagnostic[] = [];
    let policy: PolicyViolation[] = [];
    const { value, attempts } = await withLockRetry(
      () => {
        // a retried operation starts its tally afresh
        translator = new EventTranslator();
        diagnostics = [];
        policy = [];
        const t = translator;
        const d = diagnostics;
        const p = policy;
        return call((e) => {
          const f = t.translate(e);
          if (!f) return;
          if (f.kind === "diagnostic" && f.severity === "error") d.push({ message: f.message, urn: f.urn, region: f.region });
          if (f.kind === "policy") p.push({ policy: f.policy, pack: f.pack, level: f.level, message: f.message, urn: f.urn });
          if (!options.onEvent) return;
          try {
            options.onEvent(f);
          } catch {
            // a failing progress display must not fail the deployment
          }
        });
      },
      {
        stack: this.name,
        operation,
        clock: this.clock,
        retry: this.options.lockRetry,
        onRetry: this.options.onRetry,
        seen: () => ({ diagnostics, policyViolations: policy }),
      },
    );
    after?.(translator);
    // Masked after the operation (outside its retry): reading the secret markers is not the update.
    let outputs: StackOutputs | undefined;
    if (value.outputMap) {
      try {
        outputs = await this.mask(value.outputMap);
      } catch (err) {
        throw mapAutomationError(err, this.name, 1, { operation: "stack export (after up)" });
      }
    }
    return {
      operation,
      stack: this.name,
      changes: { ...value.changes },
      changesByRegion: translator.changesByRegion(),
      durationMs: this.clock.now().getTime() - started,
      attempts,
      policyViolations: policy,
      ...(outputs ? { outputs } : {}),
    };
  }
}

/** The fleet's key of an ECS service (`web`) from the outputs, by region and ECS name; else the ECS name. */
function serviceKey(outputs: StackOutputs | undefined, region: string, serviceName: string): string {
  const regional = (outputs?.regions as Record<string, { services?: Record<string, { serviceName?: string }> }> | undefined)?.[region]?.services ?? {};
  for (const [key, s] of Object.entries(regional)) if (s?.serviceName === serviceName) return key;
  const sites = (outputs?.sites ?? {}) as Record<string, { services?: Record<string, { serviceName?: string }> }>;
  for (const [site, v] of Object.entries(sites)) {
    for (const [key, s] of Object.entries(v?.services ?? {})) if (s?.serviceName === serviceName) return `${key} (site ${site})`;
  }
  return serviceName;
}
