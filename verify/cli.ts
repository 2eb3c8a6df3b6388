/**
 * `npm run verify`: plans a stack (the offline engine, as `npm run plan` does) or reads a saved plan,
 * then runs every check of the verifier and prints, per check, what it examined and every failure.
 *
 *   npm run verify -- --stack prod
 *   npm run verify -- --config-file f.yaml --stack prod
 *   npm run verify -- --plan plan.json          (saved with `npm run plan -- --json --out plan.json`)
 *   npm run verify -- --stack prod --json       the verification as JSON
 *   npm run verify -- --stack prod --check iam --check routing
 *
 * Exit codes: 0 every check holds; 4 a check fails (after printing); 2 invalid stack config (every
 * problem on stderr); 1 usage, unreadable plan or unexpected error.
 *
 * The checks (verify/checks/) are pure over the recorded plan; only this command runs the program.
 */
import * as fs from "fs";
import * as path from "path";
import { CHECKS, formatVerification, holds, verifyPlan } from "./index";
import { VerifiablePlan } from "./types";
import { PROJECT_ROOT } from "../runtime/root";
import { readFlags } from "../offline/cli-args";

export interface VerifyArgs {
  stack?: string;
  configFile?: string;
  plan?: string;
  json: boolean;
  checks?: string[];
  now?: Date;
}

export const USAGE = `usage: npm run verify -- [--stack <name>] [--config-file <path>] [--plan <plan.json>] [--json] [--check <name>]... [--now <ISO date>]
checks: ${CHECKS.map((c) => c.name).join(", ")}`;

export function parseVerifyArgs(argv: string[]): VerifyArgs {
  const args: VerifyArgs = { json: false };
  const { now } = readFlags(argv, USAGE, (a, value) => {
    if (a === "--stack" || a === "-s") args.stack = value();
    else if (a === "--config-file") args.configFile = value();
    else if (a === "--plan") args.plan = value();
    else if (a === "--json") args.json = true;
    else if (a === "--check") {
      const name = value();
      if (!CHECKS.some((c) => c.name === name)) throw new Error(`--check: no check ${name}\n${USAGE}`);
      args.checks = [...(args.checks ?? []), name];
    } else return false;
    return true;
  });
  if (now) args.now = now;
  if (args.plan && (args.stack || args.configFile)) throw new Error(`--plan verifies a saved plan; it takes no --stack or --config-file\n${USAGE}`);
  if (!args.plan && !args.stack && !args.configFile) args.stack = "dev";
  return args;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Reads a saved plan document; throws with what is wrong. */
export function readPlanFile(file: string): VerifiablePlan {
  let doc: any;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not a plan (${(e as Error).message}); save one with npm run plan -- --json --out ${file}`);
  }
  if (!doc || !Array.isArray(doc.resources)) throw new Error(`${file}: not a plan (no "resources" list); save one with npm run plan -- --json --out ${file}`);
  return { stack: doc.stack, resources: doc.resources, outputs: doc.outputs ?? {} };
}

/** Plans the stack under the mock runtime (lazily loaded: --plan needs no Pulumi runtime). */
async function planStack(args: VerifyArgs, io: Io): Promise<VerifiablePlan | number> {
  // Loaded here, not at the top: verifying a saved plan needs no Pulumi runtime.
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const { Recorder } = require("../offline/mocks") as typeof import("../offline/mocks");
  const { PROJECT, runProgram } = require("../offline/run-plan") as typeof import("../offline/run-plan");
  const { readStackFile } = require("../offline/stack-file") as typeof import("../offline/stack-file");
  const { formatIssue } = require("../stacks/validate") as typeof import("../stacks/validate");
  const file = args.configFile ?? path.join(PROJECT_ROOT, `Pulumi.${args.stack}.yaml`);
  if (!fs.existsSync(file)) {
    io.err(`no stack config at ${file}\n`);
    return 1;
  }
  const stackFile = readStackFile(file, args.stack);
  const recorder = new Recorder();
  await pulumi.runtime.setMocks(recorder.mocks, PROJECT, stackFile.stack, false);
  recorder.attach();
  const run = await runProgram(recorder, { stack: stackFile.stack, raw: stackFile.raw, secretKeys: stackFile.secretKeys, now: args.now });
  if (!run.ok) {
    io.err(`${path.basename(file)}: invalid stack config (${run.issues.length} problem(s)):\n`);
    for (const issue of run.issues) io.err(`  ${formatIssue(issue)}\n`);
    return 2;
  }
  return { stack: run.stack, resources: run.resources, outputs: run.outputs };
}

export async function verifyMain(argv: string[], io: Io): Promise<number> {
  let args: VerifyArgs;
  try {
    args = parseVerifyArgs(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 1;
  }
  let plan: VerifiablePlan;
  if (args.plan) {
    try {
      plan = readPlanFile(args.plan);
    } catch (err) {
      io.err(`${(err as Error).message}\n`);
      return 1;
    }
  } else {
    const planned = await planStack(args, io);
    if (typeof planned === "number") return planned;
    plan = planned;
  }
  const verification = await verifyPlan(plan, args.checks);
  if (args.json) io.out(`${JSON.stringify(verification, null, 2)}\n`);
  else {
    io.out(`ecs-fleet verify — ${args.plan ? `plan ${args.plan}` : `stack ${plan.stack}`}: ${plan.resources.length} resources\n`);
    io.out(`${formatVerification(verification).join("\n")}\n`);
  }
  if (!holds(verification)) {
    const failed = verification.checks.filter((c) => c.failures.length > 0);
    io.err(`verification fails: ${failed.map((c) => `${c.check} (${c.failures.length})`).join(", ")}\n`);
    return 4;
  }
  return 0;
}
