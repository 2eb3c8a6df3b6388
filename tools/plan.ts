/**
 * `npm run plan`: runs the real program under Pulumi's mock runtime — no cloud account, no Pulumi
 * CLI — and shows what `pulumi up` would register.
 *
 *   npm run plan -- --stack dev                 plan Pulumi.dev.yaml
 *   npm run plan -- --config-file f.yaml --stack prod
 *   npm run -s plan -- --stack prod --json      one JSON document on stdout
 *   npm run plan -- --stack prod --out plan.json
 *
 * The security rules of policy/ run over the planned resources; their violations follow the plan.
 *
 * Exit codes: 0 planned; 1 usage or unexpected error; 2 invalid config (every problem on stderr,
 * nothing on stdout); 3 planned, but a mandatory security rule fails (after printing the plan).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Recorder } from "../offline/mocks";
import { planDocument, renderPlan } from "../offline/report";
import { PROJECT, runProgram } from "../offline/run-plan";
import { readStackFile } from "../offline/stack-file";
import { formatIssue } from "../stacks/validate";
import { PROJECT_ROOT } from "../runtime/root";
import { evaluate, hasMandatory } from "../policy/evaluate";
import { fromRecorded } from "../policy/recorded";

export interface PlanArgs {
  stack?: string;
  configFile?: string;
  json: boolean;
  out?: string;
  now?: Date;
}

const USAGE = `usage: npm run plan -- [--stack <name>] [--config-file <path>] [--json] [--out <file>] [--now <ISO date>]`;

export function parseArgs(argv: string[]): PlanArgs {
  const args: PlanArgs = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--stack" || a === "-s") args.stack = value();
    else if (a === "--config-file") args.configFile = value();
    else if (a === "--json") args.json = true;
    else if (a === "--out") args.out = value();
    else if (a === "--now") {
      const d = new Date(value());
      if (Number.isNaN(d.getTime())) throw new Error(`--now: not a date\n${USAGE}`);
      args.now = d;
    } else if (a === "--help" || a === "-h") throw new Error(USAGE);
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
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
  const stackFile = readStackFile(file, args.stack);
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
  const text = args.json ? `${JSON.stringify(planDocument(run, violations), null, 2)}\n` : `${renderPlan(run, violations)}\n`;
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
