using System.Diagnostics;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Tests.Platform;

/// <summary>
/// deploy/kubernetes against the Kubernetes object schemas (npm kubernetes-models, through
/// deploy/kubernetes/validate/validate.mjs) and yamllint. scripts/test.sh installs Node.js's packages and yamllint.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Root = Path.GetDirectoryName(ConfigDirectory.Locate())!;
    private static readonly string Manifests = Path.Combine(Root, "deploy", "kubernetes");
    private static readonly string Validator = Path.Combine(Manifests, "validate", "validate.mjs");

    [Fact]
    public async Task The_manifests_validate_against_the_Kubernetes_object_schemas()
    {
        var (exit, output) = await RunAsync("node", Validator, Manifests);
        Assert.True(exit == 0, output);
        foreach (var expected in new[]
                 {
                     "silo.yaml: Deployment vneid-silo", "silo.yaml: PodDisruptionBudget vneid-silo", "silo-rbac.yaml: Role vneid-silo-pods",
                     "silo-rbac.yaml: RoleBinding vneid-silo-pods", "silo-rbac.yaml: ServiceAccount vneid-silo",
                     "gateway.yaml: Service vneid-gateway", "migrate-job.yaml: Job vneid-migrate", "database-secret.example.yaml: Secret vneid-secrets",
                     "kustomization.yaml: Kustomization",
                 })
            Assert.Contains("valid   " + Path.Combine(Manifests, expected), output);
        Assert.DoesNotContain("INVALID", output);
    }

    [Fact]
    public async Task The_validator_refuses_an_object_that_breaks_its_schema()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"vneid-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(bad, """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: broken }
            spec:
              replicas: three
              selector: { matchLabels: { app: broken } }
              template:
                metadata: { labels: { app: broken } }
                spec: { containers: [{ name: silo, image: silo, ports: [{ containerPort: management }] }] }
            """);
        try
        {
            var (exit, output) = await RunAsync("node", Validator, bad);
            Assert.Equal(1, exit);
            Assert.Contains("spec/replicas must be integer", output);
            Assert.Contains("containerPort must be integer", output);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task The_manifests_pass_yamllint()
    {
        var files = Directory.GetFiles(Manifests, "*.yaml");
        var (exit, output) = await RunAsync("yamllint", ["-s", "-c", Path.Combine(Manifests, ".yamllint"), .. files]);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void Nodes_serve_http_and_have_probes_on_the_management_port_the_Kubernetes_hosting_needs_and_time_to_leave()
    {
        var silo = File.ReadAllText(Path.Combine(Manifests, "silo.yaml"));
        foreach (var expected in new[]
                 {
                     "path: /health/ready, port: management", "path: /health/live, port: management", "VNEID_Gateway__ManagementPort, value: \"9090\"",
                     "image: registry.example.internal/vneid/node:", "VNEID_Gateway__Urls, value: \"http://0.0.0.0:8080\"", "{ name: http, containerPort: 8080 }",
                     "orleans/serviceId: vneid", "orleans/clusterId: vneid", "name: POD_NAME", "name: POD_NAMESPACE", "name: POD_IP",
                     "name: ORLEANS_SERVICE_ID", "name: ORLEANS_CLUSTER_ID", "serviceAccountName: vneid-silo", "maxUnavailable: 0",
                 })
            Assert.Contains(expected, silo);
        var grace = int.Parse(System.Text.RegularExpressions.Regex.Match(silo, @"terminationGracePeriodSeconds: (\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(grace, 60, 600);
        // The public Service sends requests to the nodes' HTTP port.
        var service = File.ReadAllText(Path.Combine(Manifests, "gateway.yaml"));
        Assert.Contains("app.kubernetes.io/name: vneid-silo", service);
        Assert.Contains("targetPort: http", service);
        // The pod-reading Role the hosting package needs.
        Assert.Contains("verbs: [\"get\", \"list\", \"watch\", \"delete\", \"patch\"]", File.ReadAllText(Path.Combine(Manifests, "silo-rbac.yaml")));
    }

    private static Task<(int Exit, string Output)> RunAsync(string program, params string[] args) => RunAsync(program, (IEnumerable<string>)args);

    private static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
