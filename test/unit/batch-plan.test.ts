import { expect } from "chai";
import {
  DependencyCycleError,
  descendantsOf,
  findCycles,
  formatCycle,
  parallelStages,
  planBatch,
  topologicalOrder,
} from "../../stacks/batch-plan";
import { BatchJob } from "../../stacks/sections/batch";

function job(overrides: Partial<BatchJob> = {}): BatchJob {
  return { image: "public.ecr.aws/docker/library/python:3.12-slim", cpu: 256, memory: 512, retries: 1, spot: false, ...overrides };
}

describe("batch dependency graph", () => {
  it("orders jobs after their predecessors, stage by stage, alphabetically inside a stage", () => {
    // publish and archive come after render; notify after both.
    const graph = { notify: ["publish", "archive"], publish: ["render"], archive: ["render"], render: [] };
    expect(topologicalOrder(graph)).to.deep.equal(["render", "archive", "publish", "notify"]);
    expect(parallelStages(graph)).to.deep.equal([["render"], ["archive", "publish"], ["notify"]]);
  });

  it("puts a job in the stage after its latest predecessor (longest path)", () => {
    // d comes after a (stage 0) and c (stage 2): stage 3, not 1.
    const graph = { a: [], b: ["a"], c: ["b"], d: ["a", "c"], e: [] };
    expect(parallelStages(graph)).to.deep.equal([["a", "e"], ["b"], ["c"], ["d"]]);
  });

  it("ignores predecessors that are not jobs (validation reports them)", () => {
    expect(topologicalOrder({ a: ["ghost"], b: ["a"] })).to.deep.equal(["a", "b"]);
  });

  it("names a two-job cycle, starting at its alphabetically first job", () => {
    const cycles = findCycles({ b: ["a"], a: ["b"], c: [] });
    expect(cycles).to.deep.equal([["a", "b", "a"]]);
    expect(formatCycle(cycles[0])).to.equal("a -> b -> a");
  });

  it("names a self-cycle and a longer cycle separately", () => {
    expect(findCycles({ x: ["x"], a: ["c"], b: ["a"], c: ["b"], d: ["a"] })).to.deep.equal([
      ["a", "c", "b", "a"],
      ["x", "x"],
    ]);
  });

  it("names the shortest cycle through the first job of a tangled component", () => {
    // a -> b -> c -> a and a -> c -> a: the shortest through a is a -> c -> a.
    expect(findCycles({ a: ["b", "c"], b: ["c"], c: ["a"] })).to.deep.equal([["a", "c", "a"]]);
  });

  it("refuses to order a cyclic graph, naming the cycle", () => {
    expect(() => topologicalOrder({ a: ["b"], b: ["a"] }))
      .to.throw(DependencyCycleError)
      .with.property("message", "jobs come after each other in a cycle: a -> b -> a");
  });

  it("finds every job that comes after a head, transitively", () => {
    expect(descendantsOf({ h: [], x: ["h"], y: ["x"], z: [], w: ["z", "y"] }, "h")).to.deep.equal(["w", "x", "y"]);
  });
});

describe("planBatch", () => {
  const names = { project: "ecs-fleet", stack: "prod" };

  it("plans only regions with jobs, and jobs only in their regions", () => {
    const plan = planBatch(
      { render: job({ regions: ["eu-west-1"] }), report: job({ regions: ["eu-west-1"], after: ["render"] }) },
      ["eu-west-1", "us-east-1"],
      names,
    );
    expect(Object.keys(plan)).to.deep.equal(["eu-west-1"]);
    expect(Object.keys(plan["eu-west-1"].jobs)).to.deep.equal(["render", "report"]);
    expect(plan["eu-west-1"].jobs.report.dependsOn).to.deep.equal(["render"]);
  });

  it("resolves names, sizes and defaults", () => {
    const plan = planBatch(
      { render: job({ cpu: 1024, memory: 2048, arraySize: 100, retries: 3, timeoutSeconds: 3600, spot: true, command: ["python", "-m", "render"] }) },
      ["eu-west-1"],
      names,
    )["eu-west-1"];
    expect(plan.queueName).to.equal("ecs-fleet-prod-jobs");
    expect(plan.spotQueueName).to.equal("ecs-fleet-prod-jobs-spot");
    expect(plan.computeEnvironmentPrefix).to.deep.equal({ fargate: "ecs-fleet-prod-fargate-", fargateSpot: "ecs-fleet-prod-fargate-spot-" });
    expect(plan.logGroupName).to.equal("/ecs-fleet/prod/batch");
    expect(plan.jobs.render).to.deep.include({
      jobDefinitionName: "ecs-fleet-prod-render",
      jobRoleName: "ecs-fleet-prod-euw1-render-job",
      executionRoleName: "ecs-fleet-prod-euw1-render-jobexec",
      vcpu: "1",
      memory: 2048,
      arraySize: 100,
      retries: 3,
      timeoutSeconds: 3600,
      spot: true,
      command: ["python", "-m", "render"],
    });
    expect(plan.chains).to.deep.equal({});
  });

  it("has no spot queue when no job in the region wants Spot", () => {
    const plan = planBatch({ a: job({ spot: true, regions: ["eu-west-1"] }), b: job() }, ["eu-west-1", "us-east-1"], names);
    expect(plan["eu-west-1"].spotQueueName).to.equal("ecs-fleet-prod-jobs-spot");
    expect(plan["us-east-1"].spotQueueName).to.equal(undefined);
  });

  it("keeps long names within AWS limits, with a hash", () => {
    const long = "a".repeat(40);
    const plan = planBatch({ [long]: job({ schedule: "rate(1 day)" }) }, ["ap-southeast-2"], { project: "ecs-fleet", stack: "production-blue-green" })["ap-southeast-2"];
    const chain = plan.chains[long];
    expect(chain.stateMachineName.length).to.be.at.most(80);
    expect(chain.scheduleName.length).to.be.at.most(64);
    expect(chain.scheduleName).to.match(/-[0-9a-f]{6}$/);
    expect(chain.stateMachineRoleName.length).to.be.at.most(64);
    expect(plan.jobs[long].jobRoleName.length).to.be.at.most(64);
    expect(plan.jobs[long].jobRoleName).to.not.equal(plan.jobs[long].executionRoleName);
  });

  it("keeps name prefixes short enough for the provider's unique suffix", () => {
    const stack = "s".repeat(150);
    const plan = planBatch({ a: job({ spot: true }) }, ["eu-west-1"], { project: "ecs-fleet", stack })["eu-west-1"];
    expect(plan.computeEnvironmentPrefix.fargate.length).to.be.at.most(102);
    expect(plan.computeEnvironmentPrefix.fargateSpot.length).to.be.at.most(102);
    expect(plan.computeEnvironmentPrefix.fargate).to.not.equal(plan.computeEnvironmentPrefix.fargateSpot);
    expect(`${plan.securityGroupName}-`.length).to.be.at.most(100);
    expect(plan.queueName.length).to.be.at.most(128);
    expect(plan.jobs.a.jobDefinitionName.length).to.be.at.most(128);
  });

  it("plans a scheduled chain per region: head, the jobs after it, in stages", () => {
    const jobs = {
      extract: job({ schedule: "cron(0 2 * * ? *)" }),
      transform: job({ after: ["extract"], arraySize: 10 }),
      report: job({ after: ["extract"], regions: ["eu-west-1"] }),
      publish: job({ after: ["transform", "report"], regions: ["eu-west-1"] }),
      adhoc: job(),
    };
    const plan = planBatch(jobs, ["eu-west-1", "us-east-1"], names);
    const eu = plan["eu-west-1"].chains.extract;
    expect(eu.stages).to.deep.equal([["extract"], ["report", "transform"], ["publish"]]);
    expect(eu.order).to.deep.equal(["extract", "report", "transform", "publish"]);
    expect(eu.schedule).to.equal("cron(0 2 * * ? *)");
    // us-east-1 runs neither report nor publish.
    expect(plan["us-east-1"].chains.extract.stages).to.deep.equal([["extract"], ["transform"]]);
    expect(plan["eu-west-1"].jobs.adhoc.chain).to.equal(undefined);
    expect(plan["eu-west-1"].jobs.publish.chain).to.equal("extract");
  });

  it("refuses a cyclic config", () => {
    expect(() => planBatch({ a: job({ after: ["b"] }), b: job({ after: ["a"] }) }, ["eu-west-1"], names)).to.throw(DependencyCycleError, "a -> b -> a");
  });
});
