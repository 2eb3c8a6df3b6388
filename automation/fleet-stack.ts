/**
 * Operations on one stack of this project through the Automation API: a `LocalWorkspace` over the
 * project directory, so `pulumi up` and the library run the same program with the same config file.
 *
 * Every result is typed (changes by operation and by region, outputs, duration); every failure is
 * one of the errors in ./errors. A locked stack is retried with exponential backoff, then reported
 * as ConcurrentUpdateError. Config writes are validated as a whole before anything is written.
 */
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
import { ConfigInvalidError, ConcurrentUpdateError, mapAutomationError } from "./errors";
import { type ChangeCounts, EventTranslator, type FleetEvent } from "./events";
import type { FleetStackOutputs } from "../program";
import type { FleetConfig } from "../stacks/schema";
import { type ValidationContext, type ValidationResult, validateConfig } from "../stacks/validate";

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
  /** The stack outputs after `up`; absent for the other operations. */
  outputs?: StackOutputs;
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
  /** preview/up only: URNs to limit the operation to (a component's children included). Default all. */
  target?: string[];
  /** preview/up only: also operate on the targets' dependents. Default false. */
  targetDependents?: boolean;
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
  "name" | "up" | "preview" | "refresh" | "destroy" | "outputs" | "getAllConfig" | "setConfig" | "removeConfig" | "listTags" | "setTag" | "removeTag"
>;

/** The target options of an operation, passed on only when set. */
function targetOptions(o: OperationOptions): { target?: string[]; targetDependents?: boolean } {
  return o.target ? { target: [...o.target], targetDependents: o.targetDependents ?? false } : {};
}

/** How a stack is selected; the default is `LocalWorkspace.selectStack`. */
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
  /** Test seam. Default `LocalWorkspace.selectStack`. */
  selectStack?: SelectStack;
}

/** The repository root: the project directory `pulumi up` runs in. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

const defaultSelect: SelectStack = (args, options) => auto.LocalWorkspace.selectStack(args, options);

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
  return new PulumiFleetStack(stack, options.stack, project, options);
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
  ctx: { stack: string; operation: string; clock: Clock; retry?: LockRetryOptions; onRetry?: OpenStackOptions["onRetry"] },
): Promise<{ value: T; attempts: number }> {
  const maxAttempts = Math.max(1, ctx.retry?.maxAttempts ?? 5);
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(), attempts: attempt };
    } catch (err) {
      const mapped = mapAutomationError(err, ctx.stack, attempt);
      if (!(mapped instanceof ConcurrentUpdateError) || attempt >= maxAttempts) throw mapped;
      const delayMs = backoffDelay(attempt, ctx.retry);
      ctx.onRetry?.({ operation: ctx.operation, attempt, delayMs });
      await ctx.clock.sleep(delayMs);
    }
  }
}

function plainOutputs(map: auto.OutputMap, showSecrets: boolean): StackOutputs {
  const out: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(map)) out[key] = o.secret && !showSecrets ? SECRET_MASK : o.value;
  if (typeof out.regions !== "object" || out.regions === null) out.regions = {};
  return out as StackOutputs;
}

/** A stack of this project, driven through the Automation API. */
export class PulumiFleetStack implements FleetStack {
  private readonly clock: Clock;
  private readonly validate: (raw: RawConfig, ctx: ValidationContext) => ValidationResult;

  constructor(
    private readonly stack: AutomationStack,
    readonly name: string,
    readonly project: string,
    private readonly options: Pick<OpenStackOptions, "lockRetry" | "onRetry" | "clock" | "validate"> = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.validate = options.validate ?? validateConfig;
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

  async preview(options: OperationOptions = {}): Promise<OperationResult> {
    return this.run("preview", options, async (onEvent) => {
      const r = await this.stack.preview({ onEvent, message: options.message, signal: options.signal, color: "never", ...targetOptions(options) });
      return { changes: r.changeSummary ?? {} };
    });
  }

  async up(options: OperationOptions = {}): Promise<OperationResult> {
    return this.run("up", options, async (onEvent) => {
      const r = await this.stack.up({ onEvent, message: options.message, signal: options.signal, color: "never", ...targetOptions(options) });
      return { changes: r.summary?.resourceChanges ?? {}, outputs: plainOutputs(r.outputs ?? {}, false) };
    });
  }

  async refresh(options: OperationOptions = {}): Promise<OperationResult> {
    return this.run("refresh", options, async (onEvent) => {
      const r = await this.stack.refresh({ onEvent, message: options.message, signal: options.signal, color: "never" });
      return { changes: r.summary?.resourceChanges ?? {} };
    });
  }

  async destroy(options: OperationOptions = {}): Promise<OperationResult> {
    return this.run("destroy", options, async (onEvent) => {
      const r = await this.stack.destroy({ onEvent, message: options.message, signal: options.signal, color: "never" });
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

  /** The stack's outputs. Secret outputs read `[secret]` unless `showSecrets`. */
  async outputs(options: { showSecrets?: boolean } = {}): Promise<StackOutputs> {
    try {
      return plainOutputs(await this.stack.outputs(), options.showSecrets ?? false);
    } catch (err) {
      throw mapAutomationError(err, this.name);
    }
  }

  private check(raw: RawConfig): FleetConfig {
    const result = this.validate(raw, { stack: this.name, project: this.project, now: this.clock.now() });
    if (!result.ok) throw new ConfigInvalidError(this.name, result.issues);
    return result.config;
  }

  private async run(
    operation: OperationKind,
    options: OperationOptions,
    call: (onEvent: (e: auto.EngineEvent) => void) => Promise<{ changes: ChangeCounts; outputs?: StackOutputs }>,
  ): Promise<OperationResult> {
    const started = this.clock.now().getTime();
    let translator = new EventTranslator();
    const { value, attempts } = await withLockRetry(
      () => {
        translator = new EventTranslator(); // a retried operation starts its tally afresh
        const t = translator;
        return call((e) => {
          const f = t.translate(e);
          if (!f || !options.onEvent) return;
          try {
            options.onEvent(f);
          } catch {
            // a failing progress display must not fail the deployment
          }
        });
      },
      { stack: this.name, operation, clock: this.clock, retry: this.options.lockRetry, onRetry: this.options.onRetry },
    );
    return {
      operation,
      stack: this.name,
      changes: { ...value.changes },
      changesByRegion: translator.changesByRegion(),
      durationMs: this.clock.now().getTime() - started,
      attempts,
      ...(value.outputs ? { outputs: value.outputs } : {}),
    };
  }
}
