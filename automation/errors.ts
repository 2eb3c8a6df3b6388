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

/** Another update holds the stack's lock, still after every retry. */
export class ConcurrentUpdateError extends FleetError {
  constructor(
    readonly stack: string,
    /** How many times the operation was tried. */
    readonly attempts: number,
    readonly stderr: string,
  ) {
    super(`stack ${stack} is locked by another update (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"})`);
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

/** Any other failure of a Pulumi command. */
export class CommandError extends FleetError {
  constructor(
    message: string,
    /** The command's standard error, as the CLI printed it. */
    readonly stderr: string,
    /** The command's exit code; -2 when the process could not be run. */
    readonly exitCode: number | undefined,
  ) {
    super(message);
  }
}

interface RawCommandResult {
  stdout?: string;
  stderr?: string;
  code?: number;
  err?: { code?: string; message?: string };
}

/** The CommandResult behind an Automation API error (a private field of its CommandError). */
function commandResultOf(err: unknown): RawCommandResult {
  const cr = (err as { commandResult?: unknown }).commandResult;
  return cr && typeof cr === "object" ? (cr as RawCommandResult) : {};
}

/** Last non-empty lines of stderr: the part that says what went wrong. */
function stderrTail(stderr: string, lines = 8): string {
  const kept = stderr
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
  return kept.slice(-lines).join("\n");
}

/**
 * Maps an error thrown by `@pulumi/pulumi/automation` (or by running the CLI) to this library's
 * classes. Errors that are already {@link FleetError}s pass through unchanged.
 *
 * @param attempts how many times the failing operation was tried (reported by ConcurrentUpdateError)
 */
export function mapAutomationError(err: unknown, stack: string, attempts = 1): Error {
  if (err instanceof FleetError) return err;
  if (err instanceof auto.CommandError) {
    const cr = commandResultOf(err);
    const stderr = cr.stderr ?? "";
    if (err instanceof auto.StackNotFoundError) return new StackNotFoundError(stack, stderr);
    if (err instanceof auto.ConcurrentUpdateError) return new ConcurrentUpdateError(stack, attempts, stderr);
    if (cr.err?.code === "ENOENT" || /spawn \S*pulumi\S* ENOENT/.test(stderr)) {
      return new PulumiCliMissingError("`pulumi` was not found on PATH");
    }
    const tail = stderrTail(stderr);
    return new CommandError(
      `pulumi command failed for stack ${stack} (exit code ${cr.code ?? "unknown"})${tail ? `:\n${tail}` : ""}`,
      stderr,
      cr.code,
    );
  }
  if (err instanceof Error && /Minimum version requirement failed|Major version mismatch|Failed to parse Pulumi CLI version/.test(err.message)) {
    return new PulumiCliMissingError(err.message);
  }
  return err instanceof Error ? err : new Error(String(err));
}
