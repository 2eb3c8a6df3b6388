import { expect } from "chai";
import * as path from "path";
import { readStackFile } from "../../offline/stack-file";
import { describeService, renderPlan } from "../../offline/report";
import { sharedRun } from "../helpers";

const ROOT = path.resolve(__dirname, "..", "..");

async function planOf(stack: string) {
  const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), stack);
  const run = await sharedRun({ stack, raw: file.raw, secretKeys: file.secretKeys, now: new Date("2026-11-24T00:00:00Z") });
  if (!run.ok) throw new Error(run.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return run;
}

describe("plan report: services", function () {
  this.timeout(120000);

  it("prod: per region the ALB, each service with scaling range, capacity and routing, and the DNS records", async () => {
    const run = await planOf("prod");
    const text = renderPlan(run, []);
    expect(text).to.include("   ALB ecs-fleet-prod: HTTPS :443 (*.example.com, ELBSecurityPolicy-TLS13-1-2-2021-06), HTTP :80 redirects, deletion protection on, idle timeout 60s");
    const web = run.plan.regions.find((r) => r.region === "us-east-1")!.services.find((s) => s.name === "web")!;
    const lines = describeService(web);
    expect(lines[0]).to.equal(
      "service web: public.ecr.aws/nginx/nginx:1.27, x86_64, 512 CPU / 1024 MiB, 6..60 tasks (start 6; CPU 60%, 1000 req/target, " +
        "cron(0 7 * * ? *) Europe/Dublin → 6..60, cron(0 20 * * ? *) Europe/Dublin → 6..60), FARGATE base 2 weight 1 + FARGATE_SPOT weight 3",
    );
    expect(lines).to.include(
      `  route: path /* host web.example.com | web-us-east-1.example.com → :80 (priority ${web.routing!.priority}, health rule ${web.routing!.healthRulePriority}), health /healthz, url https://web-us-east-1.example.com/`,
    );
    expect(lines).to.include(`  command: ["sh","-c","echo ok > /usr/share/nginx/html/healthz && exec /docker-entrypoint.sh nginx -g 'daemon off;'"]`);
    expect(lines).to.include(`  container health check: ["CMD-SHELL","curl -fsS -o /dev/null http://localhost/healthz || exit 1"] every 30s, timeout 5s, 3 retries, start period 10s`);
    expect(lines).to.include("  deployment: up waits for steady state (timeout 30 min)");
    expect(text).to.include("   service search: public.ecr.aws/docker/library/httpd:2.4, arm64, 1024 CPU / 4096 MiB");
    expect(text).to.match(/ {5}Service Connect client: created after api:80, search:80, web:80; endpoint hash [0-9a-f]{16} rolls its tasks when they change/);
    for (const line of describeService(web)) expect(text).to.include(`   ${line}`);
    expect(text).to.include("   internal: http://search:80 (Service Connect)");
    expect(text).to.include("== global DNS in example.com (provider aws-eu-west-1)");
    expect(text).to.include("   web.example.com  latency A alias → eu-west-1, us-east-1, ap-southeast-2; health check HTTPS /healthz?ecs-fleet-health=web per region");
    expect(text).to.include("     api-us-east-1.example.com  A alias → ALB in us-east-1");
  });

  it("dev: plain HTTP, no DNS section, deletion protection off; the shipped stacks exercise public, internal, scaled and spot services", async () => {
    const run = await planOf("dev");
    const text = renderPlan(run, []);
    expect(text).to.include("   ALB ecs-fleet-dev: HTTP :80, deletion protection off, idle timeout 60s");
    expect(text).to.not.include("== global DNS");
    for (const stack of ["dev", "prod"]) {
      const services = (await planOf(stack)).plan.regions.flatMap((r) => r.services);
      expect(services.some((s) => s.public), stack).to.equal(true);
      expect(services.some((s) => !s.public && s.containerPort !== undefined), stack).to.equal(true);
      expect(services.some((s) => s.autoscaling !== undefined), stack).to.equal(true);
      expect(services.some((s) => s.capacity.some((c) => c.capacityProvider === "FARGATE_SPOT")), stack).to.equal(true);
    }
  });
});
