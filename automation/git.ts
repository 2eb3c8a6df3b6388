/**
 * The stack file (`Pulumi.<stack>.yaml`) is where a rollout's result lives: the next `pulumi up`
 * from a clean checkout deploys what that file says. So, in a git checkout:
 *  - a rollout refuses to start while the stack file has uncommitted changes (it would mix them
 *    into the rollout, and the result could not be committed on its own);
 *  - at the end the stack file is committed (`--commit`), or its change is printed with a warning
 *    that it must be committed.
 * Outside a git checkout both are skipped (the report says so).
 */
import { execFile } from "child_process";
import * as path from "path";
import { FleetError } from "./errors";

/** The rollout must not start (stack file dirty, a failed wave in the journal, pre-flight). */
export class RolloutRefusedError extends FleetError {}

/** The stack file has changes git has not committed. */
export class StackFileDirtyError extends RolloutRefusedError {
  constructor(
    readonly file: string,
    readonly status: string,
  ) {
    super(
      `${file} has uncommitted changes (${status.trim()}); a rollout's result must be committable on its own: ` +
        "commit or discard them first (`git diff -- " + path.basename(file) + "`)",
    );
  }
}

/** What happened to the stack file at the end of a rollout. */
export interface StackFileOutcome {
  file: string;
  /** False outside a git checkout. */
  tracked: boolean;
  /** The rollout changed the file. */
  changed: boolean;
  /** The commit made by `--commit`. */
  commit?: string;
  /** `git diff` of the file, when it was changed and not committed. */
  diff?: string;
  /** Set when the change is not committed (or could not be). */
  warning?: string;
}

/** The stack file as the rollout sees it (tests use a temporary repository). */
export interface StackFileGuard {
  readonly file: string;
  /** Throws StackFileDirtyError. */
  assertClean(): Promise<void>;
  /** Commits the file (`commit`), or describes the uncommitted change. */
  finish(options: { commit: boolean; message: string }): Promise<StackFileOutcome>;
}

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The stack file in a git checkout (or not: then nothing is checked). */
export class GitStackFile implements StackFileGuard {
  readonly file: string;
  private readonly dir: string;

  constructor(file: string) {
    this.file = path.resolve(file);
    this.dir = path.dirname(this.file);
  }

  private async inCheckout(): Promise<boolean> {
    const r = await git(this.dir, ["rev-parse", "--is-inside-work-tree"]);
    return r.code === 0 && r.stdout.trim() === "true";
  }

  private async status(): Promise<string> {
    const r = await git(this.dir, ["status", "--porcelain", "--", path.basename(this.file)]);
    if (r.code !== 0) throw new FleetError(`git status of ${this.file} failed: ${r.stderr.trim()}`);
    return r.stdout;
  }

  async assertClean(): Promise<void> {
    if (!(await this.inCheckout())) return;
    const s = await this.status();
    if (s.trim() !== "") throw new StackFileDirtyError(this.file, s);
  }

  async finish(options: { commit: boolean; message: string }): Promise<StackFileOutcome> {
    const base = { file: this.file };
    if (!(await this.inCheckout())) {
      return { ...base, tracked: false, changed: true, warning: `${this.file} is not in a git checkout: keep the changed file where the next \`pulumi up\` runs` };
    }
    const name = path.basename(this.file);
    if ((await this.status()).trim() === "") return { ...base, tracked: true, changed: false };
    const diff = (await git(this.dir, ["diff", "--", name])).stdout;
    if (!options.commit) {
      return {
        ...base,
        tracked: true,
        changed: true,
        diff,
        warning: `${name} changed and is not committed: commit it (or rerun with --commit), or the next \`pulumi up\` from a clean checkout puts every region back on the old image`,
      };
    }
    const add = await git(this.dir, ["add", "--", name]);
    const commit = add.code === 0 ? await git(this.dir, ["commit", "-m", options.message, "--", name]) : add;
    if (commit.code !== 0) {
      return { ...base, tracked: true, changed: true, diff, warning: `could not commit ${name}: ${(commit.stderr || commit.stdout).trim()}; commit it by hand` };
    }
    const sha = (await git(this.dir, ["rev-parse", "HEAD"])).stdout.trim();
    return { ...base, tracked: true, changed: true, commit: sha };
  }
}
