/**
 * `npm run fleet -- <command> --stack <name> [options]`: the automation library for people.
 *
 *   preview | up | refresh | destroy --yes    resource operations
 *   outputs [--show-secrets]                  the stack's outputs (JSON)
 *   rollout --service S --image I [--dry-run] [--no-rollback] [--bake-minutes N] [--force] [--commit]
 *
 * Progress goes to stderr (a live per-region view on a terminal, plain lines otherwise); the final
 * result goes to stdout (`--json`: one JSON document). Exit codes: see EXIT.
 */
import * as path from "path";
import { parseArgs } from "util";
import {
  type Clock,
  type FleetEvent,
  type HealthChecker,
  type IdentityChecker,
  type ImageResolver,
  type StackFileGuard,
  type OperationResult,
  AwsHealthChecker,
  AwsIdentityChecker,
  GitStackFile,
  ImageReferenceError,
  LeaseHeldError,
  LeaseLostError,
  RegistryImageResolver,
  RolloutRefusedError,
  RolloutView,
  CommandError,
  ConcurrentUpdateError,
  ConfigInvalidError,
  PulumiCliMissingError,
  RolloutPlanError,
  StackNotFoundError,
  describePlan,
  openStack,
  PROJECT_DIR,
  systemClock,
  planRolloutFromFile,
  rolloutSummary,
  runRollout,
} from "../automation";
import { readProject } from "../automation/config-edit";

/** Exit codes (2 = invalid config, as in `npm run plan`; 3 is the plan's policy violations). */
export const EXIT = {
  ok: 0,
  /** Any other failure (a pulumi command failed, AWS unreachable, ...). */
  error: 1,
  invalidConfig: 2,
  concurrentUpdate: 4,
  /** A rollout wave failed its health checks (or its `up`); later waves untouched. */
  waveFailed: 5,
  cliMissing: 6,
  stackNotFound: 7,
  /** A rollout's rollback failed, or left the restored targets unhealthy: act now. */
  rollbackFailed: 8,
  /** A rollout refused to start, nothing changed (pre-flight, uncommitted stack file, a failed wave in the journal). */
  refused: 9,
  /** Bad command line (unknown command or option, missing --stack, unknown service). */
  usage: 64,
} as const;

const USAGE = `usage: npm run fleet -- <preview|up|refresh|destroy|outputs|rollout> --stack <name> [options]

options:
  --stack <name>        stack to operate on (required)
  --json                print the final result as JSON on stdout
  --work-dir <dir>      Pulumi project directory (default: this repository)
  --max-attempts <n>    tries when the stack is locked by another update (default 5)
  --yes                 confirm destroy
  --show-secrets        outputs: show secret outputs in plain text
rollout:
  --service <name>      service to roll out (required)
  --image <ref>         new container image (required)
  --dry-run             print the pinned digest, waves, config changes and checks; touch nothing
                        (no Pulumi CLI needed; asks the image registry for the digest)
  --no-rollback         on a failed wave, leave its regions on the new image
  --bake-minutes <n>    override ecs-fleet:rollout.bakeMinutes
  --force               break another rollout's lease; deploy a wave the journal records as failed again
  --commit              commit Pulumi.<stack>.yaml at the end (default: print the change, warn)

exit codes: 0 ok, 1 error, 2 invalid config, 4 stack locked (concurrent update), 5 rollout wave failed,
            6 Pulumi CLI missing, 7 stack not found, 8 rollback failed or left targets unhealthy,
            9 rollout refused (nothing changed), 64 usage`;

class UsageError extends Error {}

/** Where the CLI writes. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/** Test seams; defaults are the real things. */
export interface CliDeps {
  openStack?: typeof openStack;
  health?: HealthChecker;
  clock?: Clock;
  /** Default for --work-dir. */
  workDir?: string;
  /** Clock for the config's date checks in --dry-run. */
  now?: Date;
  /** rollout: image digests. Default RegistryImageResolver (ECR, OCI distribution API). */
  resolver?: ImageResolver;
  /** rollout: pre-flight caller identity. Default AwsIdentityChecker (STS). */
  identity?: IdentityChecker;
  /** rollout: the stack file guard. Default GitStackFile. */
  stackFile?: (file: string) => StackFileGuard;
}

const COMMANDS = ["preview", "up", "refresh", "destroy", "outputs", "rollout"] as const;
type Command = (typeof COMMANDS)[number];

interface Args {
  command: Command;
  stack: string;
  json: boolean;
  workDir?: string;
  maxAttempts?: number;
  yes: boolean;
  showSecrets: boolean;
  service?: string;
  image?: string;
  dryRun: boolean;
  rollback: boolean;
  bakeMinutes?: number;
  force: boolean;
  commit: boolean;
}

function wholeNumber(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function parseCli(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: "string", short: "s" },
        json: { type: "boolean", default: false },
        "work-dir": { type: "string" },
        "max-attempts": { type: "string" },
        yes: { type: "boolean", default: false },
        "show-secrets": { type: "boolean", default: false },
        service: { type: "string" },
        image: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        "no-rollback": { type: "boolean", default: false },
        "bake-minutes": { type: "string" },
        force: { type: "boolean", default: false },
        commit: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError("");
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name a command" : `one command at a time, got ${positionals.join(" ")}`);
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command ${JSON.stringify(positionals[0])}`);
  if (!values.stack) throw new UsageError("--stack is required");
  const args: Args = {
    command,
    stack: values.stack,
    json: values.json,
    workDir: values["work-dir"],
    maxAttempts: wholeNumber("max-attempts", values["max-attempts"], 1),
    yes: values.yes,
    showSecrets: values["show-secrets"],
    service: values.service,
    image: values.image,
    dryRun: values["dry-run"],
    rollback: !values["no-rollback"],
    bakeMinutes: wholeNumber("bake-minutes", values["bake-minutes"], 0),
    force: values.force,
    commit: values.commit,
  };
  if (command === "rollout") {
    if (!args.service) throw new UsageError("rollout needs --service");
    if (!args.image) throw new UsageError("rollout needs --image");
  } else {
    for (const [flag, set] of [["--service", args.service], ["--image", args.image], ["--dry-run", args.dryRun], ["--no-rollback", !args.rollback], ["--bake-minutes", args.bakeMinutes], ["--force", args.force], ["--commit", args.commit]] as const) {
      if (set !== undefined && set !== false) throw new UsageError(`${flag} only applies to rollout`);
    }
  }
  if (command === "destroy" && !args.yes) throw new UsageError(`destroy deletes every resource of stack ${args.stack}: confirm with --yes`);
  return args;
}

/** Exit code of an error. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof RolloutPlanError) return EXIT.usage;
  if (err instanceof ConfigInvalidError || err instanceof ImageReferenceError) return EXIT.invalidConfig;
  if (err instanceof ConcurrentUpdateError || err instanceof LeaseHeldError || err instanceof LeaseLostError) return EXIT.concurrentUpdate;
  if (err instanceof RolloutRefusedError) return EXIT.refused;
  if (err instanceof PulumiCliMissingError) return EXIT.cliMissing;
  if (err instanceof StackNotFoundError) return EXIT.stackNotFound;
  return EXIT.error;
}

function errorJson(err: unknown): Record<string, unknown> {
  const e = err instanceof Error ? err : new Error(String(err));
  const out: Record<string, unknown> = { type: e.name, message: e.message, exitCode: exitCodeOf(err) };
  if (err instanceof ConfigInvalidError) out.issues = err.issues;
  if (err instanceof CommandError) out.stderr = err.stderr;
  return out;
}

/** Per-region progress on stderr: redrawn in place on a terminal, one line per step otherwise. */
export class ProgressView {
  private readonly regions = new Map<string, { running: Set<string>; done: number; failed: number; last: string }>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: CliIO["stderr"],
    private readonly live: boolean,
  ) {}

  /** A line of its own (rollout steps, warnings). */
  line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    this.draw(true);
  }

  event(e: FleetEvent): void {
    if (e.kind === "diagnostic") {
      if (e.severity === "error" || e.severity === "warning") {
        this.line(`${e.severity}${e.region ? ` [${e.region}]` : ""}: ${e.message.trim()}`);
      }
      return;
    }
    if (e.kind === "summary") return;
    const key = e.region ?? "global";
    let r = this.regions.get(key);
    if (!r) {
      r = { running: new Set(), done: 0, failed: 0, last: "" };
      this.regions.set(key, r);
    }
    const what = `${e.op} ${e.type} ${e.name}`;
    if (e.kind === "resource-started") {
      r.running.add(e.urn);
      r.last = what;
    } else {
      r.running.delete(e.urn);
      if (e.kind === "resource-failed") r.failed++;
      else r.done++;
    }
    if (this.live) {
      this.draw(e.kind === "resource-failed");
    } else if (e.kind === "resource-failed") {
      this.out.write(`[${key}] FAILED ${what}\n`);
    } else if (e.kind === "resource-finished" && e.op !== "same") {
      this.out.write(`[${key}] ${e.planning ? "would " : ""}${what}\n`);
    }
  }

  /** Final state of the live view (kept on screen). */
  finish(): void {
    if (this.live) this.draw(true);
    this.drawn = 0;
  }

  private clear(): void {
    if (!this.live || this.drawn === 0) return;
    this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(force: boolean): void {
    if (!this.live || this.regions.size === 0) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.clear();
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const keys = [...this.regions.keys()].sort((a, b) => (a === "global" ? 1 : b === "global" ? -1 : a.localeCompare(b)));
    for (const k of keys) {
      const r = this.regions.get(k)!;
      const status = `${k.padEnd(15)} ${String(r.done).padStart(4)} done ${String(r.running.size).padStart(3)} running ${String(r.failed).padStart(3)} failed`;
      const text = r.running.size > 0 ? `${status}  ${r.last}` : status;
      this.out.write(`${text.slice(0, width)}\n`);
    }
    this.drawn = keys.length;
  }
}

function countsText(counts: Record<string, number | undefined>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n)
    .map(([op, n]) => `${n} ${op}`);
  return parts.length ? parts.join(", ") : "no resources";
}

function operationSummary(r: OperationResult): string {
  const lines = [`${r.operation} of stack ${r.stack}: ${countsText(r.changes)} (${(r.durationMs / 1000).toFixed(1)} s${r.attempts > 1 ? `, ${r.attempts} attempts` : ""})`];
  for (const [region, counts] of Object.entries(r.changesByRegion).sort()) lines.push(`  ${region}: ${countsText(counts)}`);
  return lines.join("\n");
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: CliIO, deps: CliDeps = {}): Promise<number> {
  let args: Args;
  try {
    args = parseCli(argv);
  } catch (err) {
    const msg = (err as Error).message;
    io.stderr.write(`${msg ? `${msg}\n\n` : ""}${USAGE}\n`);
    return msg ? EXIT.usage : EXIT.ok;
  }
  const view = new ProgressView(io.stderr, !!io.stderr.isTTY && !args.json);
  const print = (human: string, json: unknown): void => {
    io.stdout.write(args.json ? `${JSON.stringify(json, null, 2)}\n` : `${human}\n`);
  };
  const workDir = args.workDir ?? deps.workDir;

  try {
    const resolver = (): ImageResolver => deps.resolver ?? new RegistryImageResolver({ clock: deps.clock });
    if (args.command === "rollout" && args.dryRun) {
      const plan = await planRolloutFromFile({
        stack: args.stack,
        service: args.service!,
        image: args.image!,
        workDir,
        bakeMinutes: args.bakeMinutes,
        now: deps.now,
        resolver: resolver(),
      });
      print(describePlan(plan).join("\n"), { dryRun: true, plan });
      return EXIT.ok;
    }

    const stack = await (deps.openStack ?? openStack)({
      stack: args.stack,
      workDir,
      clock: deps.clock,
      lockRetry: args.maxAttempts ? { maxAttempts: args.maxAttempts } : undefined,
      onRetry: ({ operation, attempt, delayMs }) =>
        view.line(`stack ${args.stack} is locked by another update; ${operation} attempt ${attempt} failed, retrying in ${Math.round(delayMs / 1000)} s`),
    });
    const onEvent = (e: FleetEvent): void => view.event(e);

    switch (args.command) {
      case "outputs": {
        const outputs = await stack.outputs({ showSecrets: args.showSecrets });
        print(JSON.stringify(outputs, null, 2), outputs);
        return EXIT.ok;
      }
      case "rollout": {
        const rview = new RolloutView(io.stderr, { live: !!io.stderr.isTTY && !args.json, clock: deps.clock ?? systemClock, project: stack.project });
        const stackFile = path.join(readProject(path.resolve(workDir ?? PROJECT_DIR)).stackConfigDir, `Pulumi.${args.stack}.yaml`);
        try {
          const result = await runRollout(
            {
              stack,
              health: deps.health ?? new AwsHealthChecker(),
              identity: deps.identity ?? new AwsIdentityChecker(),
              resolver: resolver(),
              stackFile: (deps.stackFile ?? ((f: string) => new GitStackFile(f)))(stackFile),
              clock: deps.clock,
            },
            {
              service: args.service!,
              image: args.image!,
              rollback: args.rollback,
              bakeMinutes: args.bakeMinutes,
              force: args.force,
              commit: args.commit,
              onEvent: (e) => rview.engine(e),
              onProgress: (e) => rview.progress(e),
            },
          );
          rview.finish();
          print(rolloutSummary(result), result);
          if (result.status === "completed") return EXIT.ok;
          return result.rollback?.status === "failed" || result.rollback?.status === "unhealthy" ? EXIT.rollbackFailed : EXIT.waveFailed;
        } finally {
          rview.finish();
        }
      }
      default: {
        const result = await stack[args.command]({ onEvent });
        view.finish();
        print(operationSummary(result), result);
        return EXIT.ok;
      }
    }
  } catch (err) {
    view.finish();
    const code = exitCodeOf(err);
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (args.json) io.stdout.write(`${JSON.stringify({ error: errorJson(err) }, null, 2)}\n`);
    return code;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = EXIT.error;
    },
  );
}
