import { expect } from "chai";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { scheduleExpressionProblem } from "../../stacks/sections/batch";

const CTX = { stack: "dev", project: "ecs-fleet", now: new Date("2026-11-24T00:00:00Z") };
const REGIONS = { "eu-west-1": { cidr: "10.10.0.0/16" }, "us-east-1": { cidr: "10.20.0.0/16" } };
const BASE = { image: "public.ecr.aws/docker/library/python:3.12-slim", cpu: 256, memory: 512 };

/** Every issue of a config with these batch jobs, as `path: message` lines. */
function issues(batch: unknown): string[] {
  const raw = {
    "aws:region": "eu-west-1",
    "ecs-fleet:regions": JSON.stringify(REGIONS),
    "ecs-fleet:batch": JSON.stringify(batch),
  };
  const result = validateConfig(raw, CTX);
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe("batch config validation", () => {
  it("accepts a parallel job and a scheduled two-step chain, and fills defaults", () => {
    const raw = {
      "aws:region": "eu-west-1",
      "ecs-fleet:regions": JSON.stringify(REGIONS),
      "ecs-fleet:batch": JSON.stringify({
        "render-invoices": { ...BASE, cpu: "1024", memory: "2048", arraySize: "100", retries: 3, timeoutSeconds: 3600, spot: "true", regions: ["eu-west-1"] },
        extract: { ...BASE, schedule: "cron(0 2 * * ? *)", secrets: { DB_PASSWORD: "/prod/db/password" } },
        publish: { ...BASE, after: ["extract"], environment: { TARGET: "s3://bucket" } },
      }),
    };
    const result = validateConfig(raw, CTX);
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
    expect(result.config.batch["render-invoices"]).to.deep.include({ cpu: 1024, memory: 2048, arraySize: 100, spot: true, retries: 3 });
    expect(result.config.batch.publish).to.deep.include({ retries: 1, spot: false });
  });

  it("defaults to no jobs", () => {
    const result = validateConfig({ "aws:region": "eu-west-1", "ecs-fleet:regions": JSON.stringify(REGIONS) }, CTX);
    expect(result.ok && result.config.batch).to.deep.equal({});
  });

  it("rejects sizes outside the Fargate table and out-of-range numbers", () => {
    expect(issues({ a: { ...BASE, arraySize: 1, retries: 11, timeoutSeconds: 30 }, b: { ...BASE, cpu: 300 }, c: { ...BASE, memory: 4096 } })).to.deep.equal([
      "ecs-fleet:batch.a.arraySize: must be from 2 to 10000, got 1",
      "ecs-fleet:batch.a.retries: must be from 1 to 10, got 11",
      "ecs-fleet:batch.a.timeoutSeconds: must be 60 or more, got 30",
      "ecs-fleet:batch.b.cpu: Fargate allows 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units, got 300",
      "ecs-fleet:batch.c.memory: 256 CPU units allow 512, 1024 or 2048 MiB, got 4096",
    ]);
  });

  it("rejects arraySize above 10000 and unknown keys", () => {
    expect(issues({ a: { ...BASE, arraySize: 10001, sceduele: "rate(1 day)" } })).to.deep.equal([
      "ecs-fleet:batch.a.sceduele: unknown key (did you mean schedule?); allowed: image, command, cpu, memory, arraySize, retries, timeoutSeconds, spot, environment, secrets, schedule, regions, after",
      "ecs-fleet:batch.a.arraySize: must be from 2 to 10000, got 10001",
    ]);
  });

  it("rejects job names that are not DNS-safe or too long", () => {
    expect(issues({ Render_Invoices: BASE, ["x".repeat(41)]: BASE })).to.deep.equal([
      'ecs-fleet:batch.Render_Invoices: job names must be DNS-safe (lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen), got "Render_Invoices"',
      `ecs-fleet:batch.${"x".repeat(41)}: job names go into Batch job definition, Step Functions state machine and EventBridge schedule names and may be at most 40 characters, got 41`,
    ]);
  });

  it("rejects after naming an unknown job, with a hint", () => {
    expect(issues({ render: BASE, publish: { ...BASE, after: ["rendr", "render", "render"] } })).to.deep.equal([
      'ecs-fleet:batch.publish.after[0]: "rendr" is not a batch job (did you mean render?) (jobs: render, publish)',
      "ecs-fleet:batch.publish.after[2]: render is listed twice",
    ]);
  });

  it("does not call a job that failed to parse unknown", () => {
    expect(issues({ render: { ...BASE, cpu: "lots" }, publish: { ...BASE, after: ["render"] } })).to.deep.equal([
      'ecs-fleet:batch.render.cpu: expected a whole number 1 or more, got "lots"',
    ]);
  });

  it("rejects after naming a job that does not run in every region of this one", () => {
    expect(issues({ render: { ...BASE, regions: ["eu-west-1"] }, publish: { ...BASE, after: ["render"] } })).to.deep.equal([
      "ecs-fleet:batch.publish.after[0]: publish runs in eu-west-1, us-east-1 but render does not run in us-east-1; a job can only come after jobs that run in every region it runs in (add us-east-1 to render's regions, or run publish only where render runs)",
    ]);
  });

  it("accepts a job that runs in fewer regions than the job it comes after", () => {
    expect(issues({ render: BASE, publish: { ...BASE, after: ["render"], regions: ["us-east-1"] } })).to.deep.equal([]);
  });

  it("names a cycle once, at its first job", () => {
    expect(issues({ a: { ...BASE, after: ["c"] }, b: { ...BASE, after: ["a"] }, c: { ...BASE, after: ["b"] }, d: { ...BASE, after: ["d"] } })).to.deep.equal([
      "ecs-fleet:batch.a.after: jobs come after each other in a cycle: a -> c -> b -> a (each job comes after the next); remove one of these after entries",
      "ecs-fleet:batch.d.after: jobs come after each other in a cycle: d -> d (each job comes after the next); remove one of these after entries",
    ]);
  });

  it("rejects a schedule on a job that comes after another", () => {
    expect(issues({ extract: { ...BASE, schedule: "rate(1 day)" }, publish: { ...BASE, after: ["extract"], schedule: "rate(2 days)" } })).to.deep.equal([
      "ecs-fleet:batch.publish.schedule: only the first job of a chain is scheduled; publish comes after extract and starts when it succeeds: remove schedule, or schedule the first job instead",
    ]);
  });

  it("rejects a chain job that also waits for a job outside the chain", () => {
    expect(
      issues({
        extract: { ...BASE, schedule: "rate(1 day)" },
        other: { ...BASE, schedule: "rate(6 hours)" },
        manual: BASE,
        publish: { ...BASE, after: ["extract", "manual", "other"] },
      }),
    ).to.deep.equal([
      "ecs-fleet:batch.publish.after[1]: publish is in the scheduled chain of extract, which runs only extract, publish; manual is not part of it: a job of a scheduled chain may only come after jobs of the same chain",
      "ecs-fleet:batch.publish.after[2]: publish is in the scheduled chain of extract, which runs only extract, publish; other is scheduled itself: a job of a scheduled chain may only come after jobs of the same chain",
      "ecs-fleet:batch.publish.after[0]: publish is in the scheduled chain of other, which runs only other, publish; extract is scheduled itself: a job of a scheduled chain may only come after jobs of the same chain",
      "ecs-fleet:batch.publish.after[1]: publish is in the scheduled chain of other, which runs only other, publish; manual is not part of it: a job of a scheduled chain may only come after jobs of the same chain",
    ]);
  });

  it("allows on-demand jobs with after (submitted with --depends-on)", () => {
    expect(issues({ a: BASE, b: { ...BASE, after: ["a"] }, c: { ...BASE, after: ["a", "b"] } })).to.deep.equal([]);
  });

  it("checks regions, environment and secrets like services do, and reserves AWS_BATCH*", () => {
    expect(
      issues({
        a: {
          ...BASE,
          regions: ["eu-west-1", "eu-west-1", "mars-1"],
          environment: { "1BAD": "x", AWS_BATCH_JOB_ID: "x", SHARED: "x" },
          secrets: { SHARED: "/p/shared", TOKEN: "not a ref" },
        },
      }),
    ).to.deep.equal([
      "ecs-fleet:batch.a.regions[1]: eu-west-1 is listed twice",
      'ecs-fleet:batch.a.regions[2]: "mars-1" is not a configured region (configured: eu-west-1, us-east-1)',
      "ecs-fleet:batch.a.environment.1BAD: environment variable names use letters, digits and underscores, not starting with a digit",
      "ecs-fleet:batch.a.secrets.SHARED: SHARED is also set in environment; a variable is either plain or secret, remove one",
      'ecs-fleet:batch.a.secrets.TOKEN: expected a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name, got "not a ref"',
      "ecs-fleet:batch.a.environment.AWS_BATCH_JOB_ID: variable names starting with AWS_BATCH are reserved for the ones AWS Batch sets",
    ]);
  });

  it("reports an invalid schedule at its key", () => {
    expect(issues({ a: { ...BASE, schedule: "every day" } })).to.deep.equal([
      'ecs-fleet:batch.a.schedule: expected cron(minutes hours day-of-month month day-of-week year), rate(<number> <minutes|hours|days>) or at(yyyy-mm-ddThh:mm:ss), got "every day"',
    ]);
  });
});

describe("EventBridge Scheduler expressions", () => {
  const valid = [
    "cron(0 2 * * ? *)",
    "cron(15 10 ? * 6L 2026-2030)",
    "cron(0/15 * ? * MON-FRI *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(5,35 14 * * ? *)",
    "cron(0 9 ? JAN,JUL 2#1 *)",
    "cron(0 0 L * ? *)",
    "cron(0 0 15W * ? *)",
    "cron(0 0 LW * ? *)",
    "cron(0 0 ? * 3#2 *)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "rate(7 days)",
    "at(2026-02-28T23:59:59)",
    "at(2028-02-29T00:00:00)",
  ];
  for (const expression of valid) {
    it(`accepts ${expression}`, () => expect(scheduleExpressionProblem(expression)).to.equal(undefined));
  }

  const invalid: [string, string][] = [
    ["cron(0 2 * * *)", 'a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got 5, e.g. cron(0 2 * * ? *) (in "cron(0 2 * * *)")'],
    ["cron(0 2 * * * *)", 'exactly one of day-of-month and day-of-week must be ?, got "*" and "*", e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON-FRI *) (in "cron(0 2 * * * *)")'],
    ["cron(0 2 ? * ? *)", 'exactly one of day-of-month and day-of-week must be ?, got "?" and "?", e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON-FRI *) (in "cron(0 2 ? * ? *)")'],
    ["cron(60 2 * * ? *)", 'minutes field "60": values are 0-59 (in "cron(60 2 * * ? *)")'],
    ["cron(0 24 * * ? *)", 'hours field "24": values are 0-23 (in "cron(0 24 * * ? *)")'],
    ["cron(0 2 32 * ? *)", 'day-of-month field "32": values are 1-31 (in "cron(0 2 32 * ? *)")'],
    ["cron(0 2 * 13 ? *)", 'month field "13": values are 1-12 or JAN-DEC (in "cron(0 2 * 13 ? *)")'],
    ["cron(0 2 ? * FOO *)", 'day-of-week field "FOO": values are 1-7 or SUN-SAT (in "cron(0 2 ? * FOO *)")'],
    ["cron(0 2 * * ? 1969)", 'year field "1969": values are 1970-2199 (in "cron(0 2 * * ? 1969)")'],
    ["cron(? 2 * * ? *)", 'minutes field "?": ? is only allowed in the day-of-month and day-of-week fields (in "cron(? 2 * * ? *)")'],
    ["cron(0/0 2 * * ? *)", 'minutes field "0/0": step "0" must be a whole number of 1 or more (in "cron(0/0 2 * * ? *)")'],
    ["cron(0 2 * * ? 1#2)", 'year field "1#2": # is only allowed in the day-of-week field (in "cron(0 2 * * ? 1#2)")'],
    ["cron(0 2 ? * 3#1,6#3 *)", 'day-of-week field "3#1,6#3": use one <weekday>#<1-5> expression, e.g. 6#3 for the third Friday (in "cron(0 2 ? * 3#1,6#3 *)")'],
    ["cron(0 2 40W * ? *)", 'day-of-month field "40W": days are 1-31 (in "cron(0 2 40W * ? *)")'],
    ["cron(1,,2 2 * * ? *)", 'minutes field "1,,2": empty list item (in "cron(1,,2 2 * * ? *)")'],
    ["rate(0 minutes)", 'a rate expression is rate(<whole number of 1 or more> <minutes|hours|days>), e.g. rate(6 hours), got "rate(0 minutes)"'],
    ["rate(5 weeks)", 'a rate expression is rate(<whole number of 1 or more> <minutes|hours|days>), e.g. rate(6 hours), got "rate(5 weeks)"'],
    ["rate(1.5 hours)", 'a rate expression is rate(<whole number of 1 or more> <minutes|hours|days>), e.g. rate(6 hours), got "rate(1.5 hours)"'],
    ["rate(1 hours)", 'write rate(1 hour), got "rate(1 hours)"'],
    ["rate(5 minute)", 'write rate(5 minutes), got "rate(5 minute)"'],
    ["at(2026-02-29T00:00:00)", '2026-02-29T00:00:00 is not a valid date and time, got "at(2026-02-29T00:00:00)"'],
    ["at(2026-01-31 02:00:00)", 'a one-time schedule is at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-01-31T02:00:00), got "at(2026-01-31 02:00:00)"'],
    ["at(2026-01-31T24:00:00)", '2026-01-31T24:00:00 is not a valid date and time, got "at(2026-01-31T24:00:00)"'],
    ["0 2 * * *", 'expected cron(minutes hours day-of-month month day-of-week year), rate(<number> <minutes|hours|days>) or at(yyyy-mm-ddThh:mm:ss), got "0 2 * * *"'],
  ];
  for (const [expression, message] of invalid) {
    it(`rejects ${expression}`, () => expect(scheduleExpressionProblem(expression)).to.equal(message));
  }
});
