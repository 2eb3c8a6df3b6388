/**
 * `npm run plan`: runs the real program under Pulumi's mock runtime — no cloud account, no Pulumi
 * CLI — and shows what `pulumi up` would register.
 *
 *   npm run plan -- --stack dev                 plan Pulumi.dev.yaml
 *   npm run plan -- --config-file f.yaml --stack prod
 *   npm run -s plan -- --stack prod --json      one JSON document on stdout
 *   npm run plan -- --stack prod --out plan.json
 *   npm run plan -- --stack prod --verify       exit 4 when a verify/ check fails
 *   npm run plan -- --stack prod --diff main     what the edit changes against a git ref (or a saved --json plan)
 *   npm run plan -- --stack prod --cost          monthly cost estimate (docs/review.md)
 *   npm run plan -- --stack prod --diagram fleet.mmd   Mermaid (.mmd/.md), Graphviz (.dot) or SVG (.svg)
 *
 * The security rules of policy/ run over the planned resources; their violations follow the plan.
 *
 * Exit codes: 0 planned; 1 usage or unexpected error; 2 invalid config or stack file YAML (every
 * problem on stderr, nothing on stdout); 3 planned, but a mandatory security rule fails (after printing the plan);
 * 4 with --verify: planned, but a check of the fleet verifier (verify/, docs/verify.md) fails. The
 * verification summary is always shown (and in --json as "verification").
 */
// First: defers SDK modules this program never uses (runtime/lazy-modules.ts).
import "../runtime/boot";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Recorder } from "../offline/mocks";
import { planDocument, renderPlan } from "../offline/report";
import { PROJECT, runProgram } from "../offline/run-plan";
import { StackFile, StackFileError, readStackFile } from "../offline/stack-file";
import { formatIssue } from "../stacks/validate";
import { PROJECT_ROOT } from "../runtime/root";
import { evaluate, hasMandatory } from "../policy/evaluate";
import { fromRecorded } from "../policy/recorded";
import { formatVerification, holds, verifyPlan } from "../verify";
import { resolveBase } from "../offline/base-plan";
import { Side, costSection, diagramFile, diffDocument, renderDiffDocument } from "../review/report";
import { costAssumptions } from "../stacks/sections/cost";
import { readFlags } from "../offline/cli-args";

export interface PlanArgs {
  stack?: string;
  configFile?: string;
  json: boolean;
  out?: string;
  /** Exit 4 when a verifier check fails. */
  verify?: boolean;
  now?: Date;
  /** Review (docs/review.md): a base to diff against, a diagram file, the cost estimate. */
  diff?: string;
  diagram?: string;
  cost?: boolean;
}

const USAGE = `usage: npm run plan -- [--stack <name>] [--config-file <path>] [--json] [--out <file>] [--now <ISO date>] [--verify] [--diff <git ref | saved plan.json>] [--cost] [--diagram <file.mmd|.md|.dot|.svg>]`;

export function parseArgs(argv: string[]): PlanArgs {
  const args: PlanArgs = { json: false };
  const { now } = readFlags(argv, USAGE, (a, value) => {
    if (a === "--stack" || a === "-s") args.stack = value();
    else if (a === "--config-file") args.configFile = value();
    else if (a === "--json") args.json = true;
    else if (a === "--verify") args.verify = true;
    else if (a === "--out") args.out = value();
    else if (a === "--diff") args.diff = value();
    else if (a === "--diagram") args.diagram = value();
    else if (a === "--cost") args.cost = true;
    else return false;
    return true;
  });
  if (now) args.now = now;
  if (!args.stack && !args.configFile) args.stack = "dev";
  return args;
}


export async function main(argv: string[]): Promise<number> {
  let args: PlanArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  const file = args.configFile ?? path.join(PROJECT_ROOT, `Pulumi.${args.stack}.yaml`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`no stack config at ${file}\n`);
    return 1;
  }
  let stackFile: StackFile;
  try {
    stackFile = readStackFile(file, args.stack);
  } catch (err) {
    // A problem in the YAML itself is a config error: exit 2, `<file>:<line>:<col>: <what>`, no stack trace.
    if (!(err instanceof StackFileError)) throw err;
    process.stderr.write(`${path.basename(file)}: invalid stack file (${err.problems.length} problem(s)):\n${err.lines().map((l) => `  ${l}\n`).join("")}`);
    return 2;
  }
  for (const key of stackFile.secretKeys) {
    process.stderr.write(`note: ${key} is encrypted (secure:) and cannot be decrypted offline; planned with the placeholder "[secret]", treated as secret\n`);
  }

  const recorder = new Recorder();
  await pulumi.runtime.setMocks(recorder.mocks, PROJECT, stackFile.stack, false);
  recorder.attach();
  const run = await runProgram(recorder, { stack: stackFile.stack, raw: stackFile.raw, secretKeys: stackFile.secretKeys, now: args.now });
  if (!run.ok) {
    process.stderr.write(`${path.basename(file)}: invalid stack config (${run.issues.length} problem(s)):\n`);
    for (const issue of run.issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
    return 2;
  }

  const violations = evaluate(fromRecorded(run.resources), { stack: run.stack, project: run.project, now: args.now });
  const verification = await verifyPlan({ stack: run.stack, resources: run.resources, outputs: run.outputs });
  let text = args.json
    ? `${JSON.stringify(planDocument(run, violations, verification), null, 2)}\n`
    : `${renderPlan(run, violations, formatVerification(verification))}\n`;

  // Review (review/): --diff replaces the plan by the diff; --cost adds the estimate; --diagram writes a file.
  if (args.diff || args.cost || args.diagram) {
    const head: Side = { doc: planDocument(run, violations, verification), label: `working tree ${path.basename(file)}`, assumptions: costAssumptions(stackFile.raw).assumptions };
    let base: Side | undefined;
    if (args.diff) {
      let resolved;
      try {
        resolved = resolveBase(args.diff, file, stackFile.stack);
      } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 1;
      }
      if (resolved.kind === "saved") base = { doc: resolved.doc, label: resolved.label, assumptions: head.assumptions };
      else {
        const b = resolved.stackFile;
        const baseRun = await runProgram(recorder, { stack: b.stack, raw: b.raw, secretKeys: b.secretKeys, now: args.now });
        if (!baseRun.ok) {
          process.stderr.write(`--diff ${resolved.label}: the base config is invalid (${baseRun.issues.length} problem(s)):\n${baseRun.issues.map((i) => `  ${formatIssue(i)}\n`).join("")}`);
          return 1;
        }
        const baseViolations = evaluate(fromRecorded(baseRun.resources), { stack: baseRun.stack, project: baseRun.project, now: args.now });
        const baseVerification = await verifyPlan({ stack: baseRun.stack, resources: baseRun.resources, outputs: baseRun.outputs });
        base = { doc: planDocument(baseRun, baseViolations, baseVerification), label: resolved.label, assumptions: costAssumptions(b.raw).assumptions };
      }
      const d = diffDocument(base, head);
      text = args.json ? `${JSON.stringify(d, null, 2)}\n` : `${renderDiffDocument(d)}\n`;
    } else if (args.cost) {
      const c = costSection(head);
      text = args.json ? `${JSON.stringify({ ...head.doc, cost: c.estimate }, null, 2)}\n` : `${text}\n${c.text}\n`;
    }
    if (args.diagram) {
      try {
        fs.writeFileSync(args.diagram, await diagramFile(args.diagram, head.doc, base?.doc));
      } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 1;
      }
      process.stderr.write(`diagram written to ${args.diagram}\n`);
    }
  }
  if (args.out) {
    fs.writeFileSync(args.out, text);
    process.stderr.write(`plan written to ${args.out}\n`);
  } else {
    process.stdout.write(text);
  }
  if (hasMandatory(violations)) {
    process.stderr.write(`mandatory security rules fail: see the policy section of the plan\n`);
    return 3;
  }
  if (args.verify && !holds(verification)) {
    process.stderr.write(`fleet verification fails: see the verification section of the plan\n`);
    return 4;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Exit only once stdout and stderr are flushed: a large --json plan written to a pipe is
    // asynchronous, and process.exit would cut it off.
    (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code))),
    (err) => {
      process.stderr.write(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
