/**
 * `npm run fleet -- <command> --stack <name> [options]`: the automation library for people.
 *
 *   preview | up | refresh | destroy --yes    resource operations (preview/up with the policy pack)
 *   outputs [--show-secrets]                  the stack's outputs (JSON)
 *   history | cancel --yes | export | import --file F --yes    recovery
 *   rollout --service S --image I [--dry-run] [--no-rollback] [--bake-minutes N] [--force] [--commit]
 *   <command> --help, --help, --version
 *
 * Progress goes to stderr (a live per-region view on a terminal, plain lines otherwise); the final
 * result goes to stdout (`--json`: one JSON document). Exit codes: see EXIT.
 */
// First: defers SDK modules this program never uses (runtime/lazy-modules.ts).
import "../runtime/boot";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import {
  type Clock,
  type FleetEvent,
  type HealthChecker,
  type HistoryEntry,
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
  DeploymentRolledBackError,
  PolicyViolationError,
  PulumiCliMissingError,
  RolloutPlanError,
  StackNotFoundError,
  StateInvalidError,
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
  /** Invalid config, or an invalid state file for `import`; nothing was written. */
  invalidConfig: 2,
  /** The policy pack reported a mandatory violation (as in `npm run plan`); preview/up stopped. */
  policyViolation: 3,
  concurrentUpdate: 4,
  /** A rollout wave failed its health checks (or its `up`); later waves untouched. */
  waveFailed: 5,
  cliMissing: 6,
  stackNotFound: 7,
  /** A rollout's rollback failed, or left the restored targets unhealthy: act now. */
  rollbackFailed: 8,
  /** A rollout refused to start, nothing changed (pre-flight, uncommitted stack file, a failed wave in the journal). */
  refused: 9,
  /** `up` finished but a changed service's deployment was rolled back, failed or did not complete. */
  deploymentRolledBack: 10,
  /** Bad command line (unknown command or option, missing --stack, unknown service). */
  usage: 64,
} as const;

const EXIT_TEXT = `exit codes: 0 ok, 1 error, 2 invalid config (or state file), 3 mandatory policy violation,
            4 stack locked (concurrent update), 5 rollout wave failed, 6 Pulumi CLI missing,
            7 stack not found, 8 rollback failed or left targets unhealthy, 9 rollout refused (nothing changed),
            10 deployment rolled back (or not completed) after up, 64 usage`;

const COMMON_OPTIONS = `  --stack <name>        stack to operate on (required)
  --json                print the final result (or the error) as JSON on stdout
  --work-dir <dir>      Pulumi project directory (default: this repository)
  --max-attempts <n>    tries when the stack is locked by another update (default 5)
  -h, --help            this command's help`;

/** Per command: one line for the overview, and its own options. */
const COMMAND_HELP: Record<Command, { summary: string; usage: string; options?: string; more?: string }> = {
  preview: {
    summary: "show what up would change (with the policy pack)",
    usage: "preview --stack <name> [--no-policy]",
    options: "  --no-policy           run without the project's policy pack (policy/)",
  },
  up: {
    summary: "deploy the stack (with the policy pack), then check every changed service's deployment",
    usage: "up --stack <name> [--no-policy] [--no-deployment-check]",
    options: `  --no-policy           run without the project's policy pack (policy/)
  --no-deployment-check do not check afterwards (DescribeServices) that every changed ECS service's
                        PRIMARY deployment runs the task definition up registered, rollout COMPLETED`,
  },
  refresh: { summary: "read the real state of every resource into the stack's state", usage: "refresh --stack <name>" },
  destroy: {
    summary: "delete every resource of the stack",
    usage: "destroy --stack <name> --yes",
    options: "  --yes                 confirm",
  },
  outputs: {
    summary: "print the stack's outputs as JSON (secrets, nested ones too, read [secret])",
    usage: "outputs --stack <name> [--show-secrets]",
    options: "  --show-secrets        show secret outputs (activation codes, registration commands) in plain text",
  },
  history: {
    summary: "list the stack's updates, newest first",
    usage: "history --stack <name> [--page-size <n>] [--show-secrets]",
    options: `  --page-size <n>       show the latest n updates (default all)
  --show-secrets        show secret config values of each update in plain text`,
  },
  cancel: {
    summary: "stop the update that holds the stack's lock (pulumi cancel)",
    usage: "cancel --stack <name> --yes",
    options: "  --yes                 confirm",
    more: "Dangerous: resources the stopped update was changing may be left half-done. Run refresh afterwards.",
  },
  export: {
    summary: "write the stack's state (pulumi stack export) to a file or stdout",
    usage: "export --stack <name> [--file <path>]",
    options: "  --file <path>         write here (created with mode 0600) instead of stdout",
    more: "The state holds secrets in plain text (the Automation API exports with --show-secrets): keep the file safe.",
  },
  import: {
    summary: "replace the stack's state with a file written by export (pulumi stack import)",
    usage: "import --stack <name> --file <path> --yes",
    options: `  --file <path>         the state to import (required)
  --yes                 confirm`,
    more: "For recovery (e.g. removing a resource that no longer exists). Export first to keep a copy.",
  },
  rollout: {
    summary: "roll a new image out region by region (waves, health checks, bake, rollback)",
    usage: "rollout --stack <name> --service <name> --image <ref> [--dry-run] [--no-rollback] [--bake-minutes <n>] [--force] [--commit]",
    options: `  --service <name>      service to roll out (required)
  --image <ref>         new container image (required)
  --dry-run             print the pinned digest, waves, config changes and checks; touch nothing
                        (no Pulumi CLI needed; asks the image registry for the digest)
  --no-rollback         on a failed wave, leave its regions on the new image
  --bake-minutes <n>    override ecs-fleet:rollout.bakeMinutes
  --force               break another rollout's lease; deploy a wave the journal records as failed again
  --commit              commit Pulumi.<stack>.yaml at the end (default: print the change, warn)`,
  },
};

/** The overview: `npm run fleet -- --help`. */
function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.length));
  return [
    "usage: npm run fleet -- <command> --stack <name> [options]",
    "       npm run fleet -- <command> --help     a command's own options",
    "       npm run fleet -- --version",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.padEnd(width)}  ${COMMAND_HELP[c].summary}`),
    "",
    "options of every command:",
    COMMON_OPTIONS,
    "",
    EXIT_TEXT,
  ].join("\n");
}

/** One command's help: `npm run fleet -- <command> --help`. */
export function commandHelp(command: Command): string {
  const h = COMMAND_HELP[command];
  return [
    `usage: npm run fleet -- ${h.usage}`,
    "",
    `${h.summary}.${h.more ? ` ${h.more}` : ""}`,
    "",
    "options:",
    ...(h.options ? [h.options] : []),
    COMMON_OPTIONS,
    "",
    EXIT_TEXT,
  ].join("\n");
}

/** `--version`: this tool's version and the Automation API it drives. */
export function versionText(): string {
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { name: string; version: string };
  const sdk = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  return `${own.name} ${own.version} (fleet CLI; @pulumi/pulumi Automation API ${sdk})`;
}

/** A bad command line. `command` (when known) picks the help to show with it. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

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

const COMMANDS = ["preview", "up", "refresh", "destroy", "outputs", "history", "cancel", "export", "import", "rollout"] as const;
export type Command = (typeof COMMANDS)[number];

/** What the command line asks for: a command to run, a help text, or the version. */
export type Parsed = { kind: "run"; args: Args } | { kind: "help"; command?: Command } | { kind: "version" };

interface Args {
  command: Command;
  /** preview/up: run with the project's policy pack. */
  policy: boolean;
  /** up: check the deployments afterwards. */
  deploymentCheck: boolean;
  file?: string;
  pageSize?: number;
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

function wholeNumber(name: string, v: string | undefined, min: number, command?: Command): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, got ${JSON.stringify(v)}`, command);
  return Number(v);
}

/** Options that only some commands take (the others refuse them), by flag. */
const ONLY_FOR: Record<string, readonly Command[]> = {
  "--yes": ["destroy", "cancel", "import"],
  "--show-secrets": ["outputs", "history"],
  "--no-policy": ["preview", "up"],
  "--no-deployment-check": ["up"],
  "--file": ["export", "import"],
  "--page-size": ["history"],
};

export function parseCli(argv: string[]): Parsed {
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
        "no-policy": { type: "boolean", default: false },
        "no-deployment-check": { type: "boolean", default: false },
        file: { type: "string" },
        "page-size": { type: "string" },
        version: { type: "boolean", default: false },
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
    const first = argv.find((a) => !a.startsWith("-"));
    throw new UsageError((err as Error).message, COMMANDS.includes(first as Command) ? (first as Command) : undefined);
  }
  const { values, positionals } = parsed;
  // `help [command]` and `<command> --help` print help; `--version` the version.
  if (positionals[0] === "help") {
    const about = positionals[1];
    if (about !== undefined && !COMMANDS.includes(about as Command)) throw new UsageError(`unknown command ${JSON.stringify(about)}`);
    return { kind: "help", command: about as Command | undefined };
  }
  if (values.help) {
    const about = positionals.find((p) => COMMANDS.includes(p as Command)) as Command | undefined;
    return { kind: "help", command: about };
  }
  if (values.version) return { kind: "version" };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name a command" : `one command at a time, got ${positionals.join(" ")}`);
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command ${JSON.stringify(positionals[0])}`);
  if (!values.stack) throw new UsageError("--stack is required", command);
  const args: Args = {
    command,
    stack: values.stack,
    json: values.json,
    workDir: values["work-dir"],
    maxAttempts: wholeNumber("max-attempts", values["max-attempts"], 1, command),
    yes: values.yes,
    showSecrets: values["show-secrets"],
    policy: !values["no-policy"],
    deploymentCheck: !values["no-deployment-check"],
    file: values.file,
    pageSize: wholeNumber("page-size", values["page-size"], 1, command),
    service: values.service,
    image: values.image,
    dryRun: values["dry-run"],
    rollback: !values["no-rollback"],
    bakeMinutes: wholeNumber("bake-minutes", values["bake-minutes"], 0, command),
    force: values.force,
    commit: values.commit,
  };
  for (const [flag, set] of [
    ["--yes", args.yes],
    ["--show-secrets", args.showSecrets],
    ["--no-policy", !args.policy],
    ["--no-deployment-check", !args.deploymentCheck],
    ["--file", args.file],
    ["--page-size", args.pageSize],
  ] as const) {
    if (set !== undefined && set !== false && !ONLY_FOR[flag].includes(command)) {
      throw new UsageError(`${flag} only applies to ${ONLY_FOR[flag].join(", ")}`, command);
    }
  }
  // rollout's own options
  if (command === "rollout") {
    if (!args.service) throw new UsageError("rollout needs --service");
    if (!args.image) throw new UsageError("rollout needs --image");
  } else {
    for (const [flag, set] of [["--service", args.service], ["--image", args.image], ["--dry-run", args.dryRun], ["--no-rollback", !args.rollback], ["--bake-minutes", args.bakeMinutes], ["--force", args.force], ["--commit", args.commit]] as const) {
      if (set !== undefined && set !== false) throw new UsageError(`${flag} only applies to rollout`);
    }
  }
  if (command === "destroy" && !args.yes) throw new UsageError(`destroy deletes every resource of stack ${args.stack}: confirm with --yes`, command);
  if (command === "cancel" && !args.yes) {
    throw new UsageError(`cancel stops the update holding stack ${args.stack}'s lock and may leave its resources half-done: confirm with --yes`, command);
  }
  if (command === "import") {
    if (!args.file) throw new UsageError("import needs --file <path> (a state written by export)", command);
    if (!args.yes) throw new UsageError(`import replaces the whole state of stack ${args.stack}: confirm with --yes`, command);
  }
  return { kind: "run", args };
}

/** Exit code of an error. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof RolloutPlanError) return EXIT.usage;
  if (err instanceof ConfigInvalidError || err instanceof StateInvalidError || err instanceof ImageReferenceError) return EXIT.invalidConfig;
  if (err instanceof PolicyViolationError) return EXIT.policyViolation;
  if (err instanceof DeploymentRolledBackError) return EXIT.deploymentRolledBack;
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
  if (err instanceof CommandError) {
    out.stderr = err.stderr;
    out.commandExitCode = err.exitCode ?? null;
    out.diagnostics = err.diagnostics;
  }
  if (err instanceof ConcurrentUpdateError) {
    out.holders = err.holders;
    out.hint = err.hint;
    out.attempts = err.attempts;
  }
  if (err instanceof PolicyViolationError) out.violations = err.violations;
  if (err instanceof DeploymentRolledBackError) out.failed = err.failed;
  if (err instanceof StateInvalidError) out.detail = err.detail;
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
    if (e.kind === "policy") {
      this.line(`policy ${e.level}${e.region ? ` [${e.region}]` : ""}: ${e.pack}/${e.policy}${e.urn ? ` (${e.urn.split("::").pop()})` : ""}: ${e.message.trim().split("\n")[0]}`);
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

function historyText(stack: string, entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return `stack ${stack} has no updates`;
  return entries
    .map((e) => {
      const took = e.endTime ? ` (${Math.round((e.endTime.getTime() - e.startTime.getTime()) / 1000)} s)` : "";
      return `#${e.version} ${e.kind} ${e.result} ${e.startTime.toISOString()}${took}: ${countsText(e.resourceChanges)}${e.message ? ` — ${e.message}` : ""}`;
    })
    .join("\n");
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: CliIO, deps: CliDeps = {}): Promise<number> {
  let args: Args;
  try {
    const parsed = parseCli(argv);
    // Asked-for help and the version are the result: stdout, exit 0.
    if (parsed.kind === "help") {
      io.stdout.write(`${parsed.command ? commandHelp(parsed.command) : overview()}\n`);
      return EXIT.ok;
    }
    if (parsed.kind === "version") {
      io.stdout.write(argv.includes("--json") ? `${JSON.stringify({ version: versionText() })}\n` : `${versionText()}\n`);
      return EXIT.ok;
    }
    args = parsed.args;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // A bad command line: what is wrong and the (command's) usage on stderr; under --json also the
    // error as JSON on stdout, like every other error.
    const about = err.command ?? (argv.find((a) => COMMANDS.includes(a as Command)) as Command | undefined);
    io.stderr.write(`error: ${err.message}\n\n${about ? commandHelp(about) : overview()}\n`);
    if (argv.includes("--json")) io.stdout.write(`${JSON.stringify({ error: errorJson(err) }, null, 2)}\n`);
    return EXIT.usage;
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
      ...(args.policy ? {} : { policyPacks: [] }),
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
      case "history": {
        const entries = await stack.history({ pageSize: args.pageSize, showSecrets: args.showSecrets });
        print(historyText(args.stack, entries), entries);
        return EXIT.ok;
      }
      case "cancel": {
        await stack.cancel();
        print(`cancelled the update holding stack ${args.stack}'s lock; run refresh to read what it left behind`, { cancelled: true, stack: args.stack });
        return EXIT.ok;
      }
      case "export": {
        const state = await stack.exportState();
        const resources = Array.isArray(state.deployment?.resources) ? state.deployment.resources.length : 0;
        if (!args.file) {
          io.stderr.write("warning: the state holds the stack's secrets in plain text\n");
          io.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
          return EXIT.ok;
        }
        fs.writeFileSync(args.file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
        print(`exported the state of stack ${args.stack} (${resources} resources, secrets in plain text) to ${args.file}`, { stack: args.stack, file: args.file, resources });
        return EXIT.ok;
      }
      case "import": {
        let state: unknown;
        try {
          state = JSON.parse(fs.readFileSync(args.file!, "utf8"));
        } catch (err) {
          throw new StateInvalidError(args.stack, `${args.file}: ${(err as Error).message}`);
        }
        await stack.importState(state);
        print(`imported ${args.file} as the state of stack ${args.stack}; run preview to see what up would change`, { imported: true, stack: args.stack, file: args.file });
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
        const result = await stack[args.command]({ onEvent, ...(args.command === "up" ? { verifyDeployments: args.deploymentCheck } : {}) });
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
