/**
 * `npm run fleet -- <command> --stack <name> [options]`: the automation library for people.
 *
 *   preview | up | refresh | destroy --yes    resource operations
 *   outputs [--show-secrets]                  the stack's outputs (JSON)
 *   rollout --service S --image I [--dry-run] [--no-rollback] [--bake-minutes N]
 *
 * Progress goes to stderr (a live per-region view on a terminal, plain lines otherwise); the final
 * result goes to stdout (`--json`: one JSON document). Exit codes: see EXIT.
 */
import { parseArgs } from "util";
import {
  type Clock,
  type FleetEvent,
  type HealthChecker,
  type OperationResult,
  type RolloutEvent,
  type RolloutResult,
  AwsHealthChecker,
  CommandError,
  ConcurrentUpdateError,
  ConfigInvalidError,
  PulumiCliMissingError,
  RolloutPlanError,
  StackNotFoundError,
  describeChange,
  describePlan,
  openStack,
  planRolloutFromFile,
  runRollout,
} from "../automation";

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
  --dry-run             print waves, config changes and checks; touch nothing (no Pulumi CLI or AWS needed)
  --no-rollback         on a failed wave, leave its regions on the new image
  --bake-minutes <n>    override ecs-fleet:rollout.bakeMinutes

exit codes: 0 ok, 1 error, 2 invalid config, 4 stack locked (concurrent update), 5 rollout wave failed,
            6 Pulumi CLI missing, 7 stack not found, 64 usage`;

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
  };
  if (command === "rollout") {
    if (!args.service) throw new UsageError("rollout needs --service");
    if (!args.image) throw new UsageError("rollout needs --image");
  } else {
    for (const [flag, set] of [["--service", args.service], ["--image", args.image], ["--dry-run", args.dryRun], ["--no-rollback", !args.rollback], ["--bake-minutes", args.bakeMinutes]] as const) {
      if (set !== undefined && set !== false) throw new UsageError(`${flag} only applies to rollout`);
    }
  }
  if (command === "destroy" && !args.yes) throw new UsageError(`destroy deletes every resource of stack ${args.stack}: confirm with --yes`);
  return args;
}

/** Exit code of an error. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof RolloutPlanError) return EXIT.usage;
  if (err instanceof ConfigInvalidError) return EXIT.invalidConfig;
  if (err instanceof ConcurrentUpdateError) return EXIT.concurrentUpdate;
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

function rolloutLine(e: RolloutEvent, project: string): string | undefined {
  switch (e.kind) {
    case "planned":
      return `rollout of ${e.plan.service} to ${e.plan.image}: ${e.plan.waves.map((w) => `[${w.targets.map((t) => t.key).join(", ")}]`).join(" -> ")}, bake ${e.plan.bakeMinutes} min`;
    case "wave-skipped":
      return `wave ${e.wave} (${e.targets.join(", ")}): already on the new image, skipped`;
    case "wave-started":
      return `wave ${e.wave} (${e.targets.join(", ")}): starting`;
    case "config-written":
      return `${e.wave ? `wave ${e.wave}` : "promote"}: config ${e.changes.map((c) => describeChange(c, project)).join("; ") || "unchanged"}`;
    case "up-started":
      return `${e.wave ? `wave ${e.wave}` : "final"}: up`;
    case "up-finished":
      return `${e.wave ? `wave ${e.wave}` : "final"}: up done: ${countsText(e.result.changes)}`;
    case "health": {
      const bad = e.reports.filter((r) => !r.healthy);
      const detail = bad.map((r) => `${r.target.key}: ${r.checks.filter((c) => !c.ok).map((c) => c.detail).join("; ")}`).join(" | ");
      return `wave ${e.wave}: health (${e.phase}): ${bad.length === 0 ? "healthy" : detail}`;
    }
    case "baking":
      return `wave ${e.wave}: baking ${e.minutes} min`;
    case "wave-succeeded":
      return `wave ${e.wave}: done`;
    case "wave-failed":
      return `wave ${e.wave}: FAILED: ${e.reason}`;
    case "rollback-started":
      return `wave ${e.wave}: rolling back: ${e.changes.map((c) => describeChange(c, project)).join("; ")}`;
    case "rollback-finished":
      return `wave ${e.wave}: rollback ${e.outcome.status}${e.outcome.error ? `: ${e.outcome.error}` : ""}`;
    case "promoted":
      return `promote: ${e.changes.map((c) => describeChange(c, project)).join("; ") || "config already final"}`;
    default:
      return undefined;
  }
}

function rolloutSummary(r: RolloutResult): string {
  const lines = [`rollout of ${r.service} to ${r.image} on stack ${r.stack}: ${r.status}`];
  for (const w of r.waves) lines.push(`  wave ${w.index} (${w.targets.join(", ")}): ${w.status}${w.reason ? `: ${w.reason}` : ""}`);
  if (r.rollback) lines.push(`  rollback: ${r.rollback.status}${r.rollback.error ? `: ${r.rollback.error}` : ""}`);
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
    if (args.command === "rollout" && args.dryRun) {
      const plan = planRolloutFromFile({
        stack: args.stack,
        service: args.service!,
        image: args.image!,
        workDir,
        bakeMinutes: args.bakeMinutes,
        now: deps.now,
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
        const result = await runRollout(
          { stack, health: deps.health ?? new AwsHealthChecker(), clock: deps.clock },
          {
            service: args.service!,
            image: args.image!,
            rollback: args.rollback,
            bakeMinutes: args.bakeMinutes,
            onEvent,
            onProgress: (e) => {
              const text = rolloutLine(e, stack.project);
              if (text) view.line(text);
            },
          },
        );
        view.finish();
        print(rolloutSummary(result), result);
        return result.status === "completed" ? EXIT.ok : EXIT.waveFailed;
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
