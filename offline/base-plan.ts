/**
 * The base side of `npm run plan -- --diff <base>`: a plan saved with `--json --out`, or a git ref —
 * the stack file as it is at that ref (`git show <ref>:<path>`), to be planned with the working
 * tree's code in this same process (the caller runs it through the one Recorder; `runProgram`
 * resets it between runs).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanDoc, parsePlanDoc } from "../review/model";
import { StackFile, readStackFile } from "./stack-file";

export type Base = { kind: "saved"; label: string; doc: PlanDoc } | { kind: "ref"; label: string; stackFile: StackFile };

/** Resolves `<base>`: an existing file is a saved plan; anything else a git ref. Throws a one-line error. */
export function resolveBase(base: string, stackFilePath: string, stack: string): Base {
  if (fs.existsSync(base) && fs.statSync(base).isFile()) {
    return { kind: "saved", label: base, doc: parsePlanDoc(fs.readFileSync(base, "utf8"), base) };
  }
  const dir = path.dirname(path.resolve(stackFilePath));
  const top = spawnSync("git", ["-C", dir, "rev-parse", "--show-toplevel"], { encoding: "utf8" });
  if (top.status !== 0) throw new Error(`--diff ${base}: not a saved plan file, and ${dir} is not in a git repository`);
  const rel = path.relative(top.stdout.trim(), path.resolve(stackFilePath)).split(path.sep).join("/");
  const shown = spawnSync("git", ["-C", top.stdout.trim(), "show", `${base}:${rel}`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (shown.status !== 0) throw new Error(`--diff ${base}: not a saved plan file, and git cannot show ${rel} at ${base}: ${shown.stderr.trim().split("\n")[0]}`);
  // Read from a file of the same name (the reader's messages name it), then removed: nothing is left in the temp directory.
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-fleet-base-"));
  try {
    const tmp = path.join(tmpDir, path.basename(stackFilePath));
    fs.writeFileSync(tmp, shown.stdout);
    return { kind: "ref", label: `${base}:${rel}`, stackFile: readStackFile(tmp, stack) };
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
