/**
 * Typed errors of the automation library. Every error a caller can act on has its own class;
 * everything else from the Pulumi CLI is a {@link CommandError} carrying the CLI's stderr.
 *
 * `mapAutomationError` turns what `@pulumi/pulumi/automation` throws into these classes.
 */
import * as auto from "@pulumi/pulumi/automation";
import { type ConfigIssue, formatIssue } from "../stacks/validate";

/** Base class of every error this library throws on purpose. */
export class FleetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stack's configuration (as it is, or as it would be after a change) fails the schema. */
export class ConfigInvalidError extends FleetError {
  /** Every issue, each with its key path, e.g. `ecs-fleet:services.web.memory`. */
  readonly issues: readonly ConfigIssue[];
  constructor(stack: string, issues: readonly ConfigIssue[]) {
    super(`configuration of stack ${stack} is invalid:\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.issues = issues;
  }
}

/** The named stack does not exist in the current backend. */
export class StackNotFoundError extends FleetError {
  constructor(
    readonly stack: string,
    readonly stderr: string,
  ) {
    super(`stack ${stack} not found (create it with \`pulumi stack init ${stack}\`, or check the backend you are logged in to)`);
  }
}

/** Who holds a stack's lock, as a self-managed (DIY) backend reports it. */
export interface LockHolder {
  /** The lock file, e.g. `s3://bucket/.pulumi/locks/org/project/prod/<id>.json`. */
  lockFile: string;
  /** `user@host` of the process that took the lock. */
  owner: string;
  pid: number;
  /** When the lock was taken (RFC 3339, as the backend wrote it). */
  since: string;
}

/** What to do about a lock that no update holds any more (a crashed or killed `pulumi`). */
export const LOCK_HINT =
  "wait for the other update to finish; if no update is running (a crashed or killed pulumi), release the lock with `pulumi cancel --stack <stack>` (or `npm run fleet -- cancel --stack <stack> --yes`)";

/**
 * Lock holders listed in the CLI's stderr. The DIY backend writes one line per lock:
 * `<lock file>: created by <user>@<host> (pid <n>) at <time>` (pkg/backend/diy/lock.go); Pulumi Cloud
 * only answers `[409] Conflict: Another update is currently in progress.`, without a holder.
 */
export function parseLockHolders(stderr: string): LockHolder[] {
  const out: LockHolder[] = [];
  const re = /^\s*(\S+\.json): created by (\S+) \(pid (\d+)\) at (\S+)\s*$/gm;
  for (let m = re.exec(stderr); m; m = re.exec(stderr)) out.push({ lockFile: m[1], owner: m[2], pid: Number(m[3]), since: m[4] });
  return out;
}

/** Another update holds the stack's lock, still after every retry. */
export class ConcurrentUpdateError extends FleetError {
  /** Who holds the lock, when the backend says (self-managed backends do; Pulumi Cloud does not). */
  readonly holders: readonly LockHolder[];
  /** What to do: wait, or `pulumi cancel` a lock no update holds. */
  readonly hint: string;
  constructor(
    readonly stack: string,
    /** How many times the operation was tried. */
    readonly attempts: number,
    readonly stderr: string,
  ) {
    const holders = parseLockHolders(stderr);
    const hint = LOCK_HINT.replaceAll("<stack>", stack);
    const by = holders.length ? ` held by ${holders.map((h) => `${h.owner} (pid ${h.pid}) since ${h.since}`).join(", ")}` : "";
    super(`stack ${stack} is locked by another update${by} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}); ${hint}`);
    this.holders = holders;
    this.hint = hint;
  }
}

/** How to get a Pulumi CLI; part of {@link PulumiCliMissingError}'s message. */
export const PULUMI_INSTALL_HINT =
  "install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/): " +
  "`curl -fsSL https://get.pulumi.com | sh` or `brew install pulumi/tap/pulumi`, then make sure `pulumi` is on PATH";

/** No usable `pulumi` executable (not on PATH, or older than the Automation API needs). */
export class PulumiCliMissingError extends FleetError {
  constructor(readonly detail: string) {
    super(`the Pulumi CLI is missing or unusable (${detail}); ${PULUMI_INSTALL_HINT}`);
  }
}

/** An error diagnostic of the engine's event stream (what `pulumi` printed as `error:`). */
export interface ErrorDiagnostic {
  message: string;
  /** The resource it is about, when it is about one. */
  urn: string | null;
  region: string | null;
}

/** Any other failure of a Pulumi command. */
export class CommandError extends FleetError {
  constructor(
    message: string,
    /** The command's standard error, as the CLI printed it. */
    readonly stderr: string,
    /** The command's exit code (e.g. 255); undefined when the process could not be run at all. */
    readonly exitCode: number | undefined,
    /** The error diagnostics the engine reported during the operation, in order. */
    readonly diagnostics: readonly ErrorDiagnostic[] = [],
  ) {
    super(message);
  }
}

/** A policy violation the engine reported (`policyEvent`). */
export interface PolicyViolation {
  policy: string;
  pack: string;
  level: "mandatory" | "advisory" | "remediate" | "disabled";
  message: string;
  urn: string | null;
}

/** The operation stopped because the policy pack reported mandatory violations. */
export class PolicyViolationError extends FleetError {
  constructor(
    readonly stack: string,
    /** The mandatory violations (advisory ones did not stop it and are in the event stream). */
    readonly violations: readonly PolicyViolation[],
    readonly stderr: string,
  ) {
    super(
      `stack ${stack}: ${violations.length} mandatory policy violation(s):\n` +
        violations.map((v) => `  ${v.pack}/${v.policy}${v.urn ? ` (${v.urn.split("::").pop()})` : ""}: ${v.message.trim().split("\n")[0]}`).join("\n"),
    );
  }
}

/** One ECS service whose deployment did not end on the task definition `up` registered. */
export interface FailedDeployment {
  region: string;
  /** The fleet's service key (e.g. `web`), when the stack outputs name it; else the ECS name. */
  service: string;
  /** The ECS service name. */
  serviceName: string;
  cluster: string;
  /** The task definition `up` registered for the service. */
  expectedTaskDefinition: string;
  /** The task definition the PRIMARY deployment runs (undefined: no PRIMARY deployment / no service). */
  actualTaskDefinition?: string;
  /** The PRIMARY deployment's rolloutState (`COMPLETED`, `FAILED`, `IN_PROGRESS`), if any. */
  rolloutState?: string;
  /** What went wrong, for people. */
  reason: string;
}

/**
 * `up` finished, but a changed service does not run what it registered: the deployment circuit
 * breaker rolled it back (the previous task definition is PRIMARY again), the deployment FAILED, or
 * it did not complete in time. Waiting for steady state alone reports a rolled-back service as
 * stable (pulumi/pulumi-aws#4487), so `up` checks DescribeServices afterwards.
 */
export class DeploymentRolledBackError extends FleetError {
  /** What `up` itself returned (its changes and outputs): the stack was updated. */
  result?: unknown;
  constructor(
    readonly stack: string,
    readonly failed: readonly FailedDeployment[],
  ) {
    super(
      `stack ${stack}: ${failed.length} service deployment(s) did not complete:\n` +
        failed.map((f) => `  ${f.service} in ${f.region}: ${f.reason}`).join("\n"),
    );
  }
}

interface RawCommandResult {
  stdout?: string;
  stderr?: string;
  code?: number;
  err?: { code?: string; message?: string; exitCode?: unknown; stderr?: unknown; stdout?: unknown; commandResult?: unknown };
}

/** The CommandResult behind an Automation API error (a private field of its CommandError). */
function commandResultOf(err: unknown): RawCommandResult {
  const cr = (err as { commandResult?: unknown } | undefined)?.commandResult;
  return cr && typeof cr === "object" ? (cr as RawCommandResult) : {};
}

/**
 * The real result of a failed command. In @pulumi/pulumi 3.248 (automation/cmd.js `exec`), execa
 * rejects on a non-zero exit and the catch-all re-wraps that rejection as
 * `CommandResult("", error.message, -2, error)`: code -2 and a stderr that is execa's message. The
 * exit code and stderr the CLI really produced are on the wrapped execa error (`exitCode`, `stderr`),
 * or on a wrapped CommandError's own result.
 */
export function commandResultFrom(err: unknown): { stdout: string; stderr: string; code: number | undefined; spawnError?: string } {
  let cr = commandResultOf(err);
  for (let depth = 0; depth < 5 && cr.code === -2 && cr.err; depth++) {
    const inner = cr.err;
    if (typeof inner.exitCode === "number") {
      return {
        stdout: typeof inner.stdout === "string" ? inner.stdout : "",
        stderr: typeof inner.stderr === "string" ? inner.stderr : "",
        code: inner.exitCode,
      };
    }
    const wrapped = commandResultOf(inner);
    if (wrapped.code === undefined) break;
    cr = wrapped;
  }
  if (cr.code === -2) return { stdout: cr.stdout ?? "", stderr: cr.stderr ?? "", code: undefined, spawnError: cr.err?.code ?? cr.err?.message };
  return { stdout: cr.stdout ?? "", stderr: cr.stderr ?? "", code: cr.code };
}

/** Last non-empty lines of stderr: the part that says what went wrong. */
function stderrTail(stderr: string, lines = 8): string {
  const kept = stderr
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
  return kept.slice(-lines).join("\n");
}

/** One line per error diagnostic: `<region> <resource>: <first line>`, repeats dropped. */
function diagnosticLines(diagnostics: readonly ErrorDiagnostic[]): string[] {
  const lines: string[] = [];
  for (const d of diagnostics) {
    const text = d.message
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "")
      .join(" ");
    if (!text) continue;
    const where = d.urn ? `${d.region ? `[${d.region}] ` : ""}${d.urn.split("::").pop()}: ` : "";
    const line = `${where}${text}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}

/** What the operation saw in its event stream, for a better error. */
export interface OperationContext {
  /** The command that failed, e.g. `up`. */
  operation?: string;
  diagnostics?: readonly ErrorDiagnostic[];
  policyViolations?: readonly PolicyViolation[];
}

/**
 * Maps an error thrown by `@pulumi/pulumi/automation` (or by running the CLI) to this library's
 * classes. Errors that are already {@link FleetError}s pass through unchanged.
 *
 * @param attempts how many times the failing operation was tried (reported by ConcurrentUpdateError)
 * @param context the operation's error diagnostics and policy violations from its event stream
 */
export function mapAutomationError(err: unknown, stack: string, attempts = 1, context: OperationContext = {}): Error {
  if (err instanceof FleetError) return err;
  if (err instanceof auto.CommandError) {
    const cr = commandResultFrom(err);
    const stderr = cr.stderr;
    if (err instanceof auto.StackNotFoundError) return new StackNotFoundError(stack, stderr);
    if (err instanceof auto.ConcurrentUpdateError) return new ConcurrentUpdateError(stack, attempts, stderr);
    if (cr.spawnError === "ENOENT" || /spawn \S*pulumi\S* ENOENT/.test(stderr)) {
      return new PulumiCliMissingError("`pulumi` was not found on PATH");
    }
    const mandatory = (context.policyViolations ?? []).filter((v) => v.level === "mandatory");
    if (mandatory.length > 0) return new PolicyViolationError(stack, mandatory, stderr);
    const diagnostics = context.diagnostics ?? [];
    const lines = diagnosticLines(diagnostics);
    const detail = lines.length ? lines.map((l) => `  ${l}`).join("\n") : stderrTail(stderr);
    const what = context.operation ? `pulumi ${context.operation}` : "pulumi command";
    return new CommandError(
      `${what} failed for stack ${stack} (${cr.code === undefined ? "could not run pulumi" : `exit code ${cr.code}`})${detail ? `:\n${detail}` : ""}`,
      stderr,
      cr.code,
      diagnostics,
    );
  }
  if (err instanceof Error && /Minimum version requirement failed|Major version mismatch|Failed to parse Pulumi CLI version/.test(err.message)) {
    return new PulumiCliMissingError(err.message);
  }
  return err instanceof Error ? err : new Error(String(err));
}
