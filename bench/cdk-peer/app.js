/**
 * The CDK v2 peer of `npm run bench`: the bench fleet (tools/bench.ts generatedConfig) as an AWS CDK
 * app, synthesized offline — one stack per region with a VPC (3 AZs, one NAT gateway), an ECS
 * cluster, a Cloud Map HTTP namespace for Service Connect, an ALB when a public service runs there,
 * and per service a Fargate task definition (512 CPU / 1024 MiB, awslogs), a Fargate service with
 * the deployment circuit breaker (rollback) and Service Connect, CloudWatch alarms, and for every
 * other (public) service an ALB route and auto scaling on CPU and requests per target.
 *
 *   node app.js <regions> <services> [--no-validation]
 *
 * Prints one JSON line: resources (CloudFormation resources in all templates), synthMs, and
 * firstConstructMs (process start to the first construct). --no-validation synthesizes with
 * `skipValidation` and CDK_VALIDATION=false (no construct validation, no built-in template validation). Asserts nothing.
 */
"use strict";
const t0 = performance.now();
const fs = require("fs");
const os = require("os");
const path = require("path");
const cdk = require("aws-cdk-lib");
const ec2 = require("aws-cdk-lib/aws-ec2");
const ecs = require("aws-cdk-lib/aws-ecs");
const elbv2 = require("aws-cdk-lib/aws-elasticloadbalancingv2");
const cloudwatch = require("aws-cdk-lib/aws-cloudwatch");
const servicediscovery = require("aws-cdk-lib/aws-servicediscovery");
const logs = require("aws-cdk-lib/aws-logs");
const tLoaded = performance.now();

// The same commercial regions, in the same order, as stacks/regions.ts KNOWN_REGIONS (aws partition).
const REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-northeast-1", "ap-northeast-2",
  "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2",
  "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
];

function main(argv) {
  const regions = Number(argv[0]);
  const services = Number(argv[1]);
  const skipValidation = argv.includes("--no-validation");
  // Named alarms (the deployment alarms reference them by name: no service <-> alarm cycle).
  // Validation off: no construct validation (skipValidation) and no built-in CloudFormation
  // template validation (CDK_VALIDATION=false, aws-cdk-lib core/lib/private/synthesis-validation.js).
  if (skipValidation) process.env.CDK_VALIDATION = "false";
  if (!(regions > 0 && services > 0) || regions > REGIONS.length) throw new Error("usage: node app.js <regions> <services> [--no-validation]");
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdk-peer-"));
  const app = new cdk.App({ outdir, context: { "aws:cdk:disable-version-reporting": true } });
  let firstConstructMs;
  for (let r = 0; r < regions; r++) {
    const region = REGIONS[r];
    const stack = new cdk.Stack(app, `fleet-${region}`, { env: { account: "123456789012", region } });
    firstConstructMs ??= performance.now();
    const vpc = new ec2.Vpc(stack, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr(`10.${r}.0.0/16`),
      // Explicit AZs: no lookup, fully offline.
      availabilityZones: ["a", "b", "c"].map((l) => `${region}${l}`),
      natGateways: 1,
    });
    const cluster = new ecs.Cluster(stack, "Cluster", { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const namespace = new servicediscovery.HttpNamespace(stack, "Namespace", { name: `fleet-${region}` });
    const alb = new elbv2.ApplicationLoadBalancer(stack, "Alb", { vpc, internetFacing: true });
    const listener = alb.addListener("Http", { port: 80, open: true, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
    for (let i = 0; i < services; i++) {
      const name = `svc-${i}`;
      const isPublic = i % 2 === 0;
      const task = new ecs.FargateTaskDefinition(stack, `${name}-task`, { cpu: 512, memoryLimitMiB: 1024 });
      task.addContainer(name, {
        image: ecs.ContainerImage.fromRegistry(`public.ecr.aws/nginx/nginx:1.${i}`),
        essential: true,
        portMappings: isPublic ? [{ name: "http", containerPort: 8080, appProtocol: ecs.AppProtocol.http }] : [],
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: name, logRetention: logs.RetentionDays.ONE_MONTH }),
      });
      const service = new ecs.FargateService(stack, name, {
        cluster,
        taskDefinition: task,
        desiredCount: r === 0 ? 4 : 2,
        circuitBreaker: { enable: true, rollback: true },
        serviceConnectConfiguration: {
          namespace: namespace.namespaceArn,
          services: isPublic ? [{ portMappingName: "http", port: 8080 }] : undefined,
        },
      });
      const alarms = [
        new cloudwatch.Alarm(stack, `${name}-cpu`, { alarmName: `${region}-${name}-cpu`, metric: service.metricCpuUtilization(), threshold: 90, evaluationPeriods: 3 }),
        new cloudwatch.Alarm(stack, `${name}-memory`, { alarmName: `${region}-${name}-memory`, metric: service.metricMemoryUtilization(), threshold: 90, evaluationPeriods: 3 }),
      ];
      if (isPublic) {
        const tg = listener.addTargets(name, {
          priority: i + 1,
          conditions: [elbv2.ListenerCondition.pathPatterns([`/${name}/*`])],
          port: 8080,
          protocol: elbv2.ApplicationProtocol.HTTP,
          targets: [service],
          healthCheck: { path: "/" },
        });
        alarms.push(
          new cloudwatch.Alarm(stack, `${name}-5xx`, {
            alarmName: `${region}-${name}-5xx`,
            metric: tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
            threshold: 10,
            evaluationPeriods: 3,
          }),
        );
        const scaling = service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 });
        scaling.scaleOnCpuUtilization(`${name}-cpu-scaling`, { targetUtilizationPercent: 60 });
        scaling.scaleOnRequestCount(`${name}-requests-scaling`, { requestsPerTarget: 500, targetGroup: tg });
      }
      // The literal names: `alarm.alarmName` is a reference, which would make the service depend on its alarms.
      service.enableDeploymentAlarms(alarms.map((a) => a.node.defaultChild.alarmName));
    }
  }
  const tSynth = performance.now();
  const assembly = app.synth({ skipValidation });
  const synthMs = performance.now() - tSynth;
  let resources = 0;
  for (const s of assembly.stacks) resources += Object.keys(s.template.Resources ?? {}).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({ regions, services, resources, loadMs: +(tLoaded - t0).toFixed(0), firstConstructMs: +firstConstructMs.toFixed(0), constructMs: +(tSynth - firstConstructMs).toFixed(0), synthMs: +synthMs.toFixed(0), validation: !skipValidation })}\n`,
  );
}

main(process.argv.slice(2));
