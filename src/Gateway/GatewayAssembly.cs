namespace Orleans.VNeID.Gateway;

/// <summary>Names the gateway assembly for hosts that start it in-process (the HTTP tests' WebApplicationFactory).</summary>
public sealed class GatewayAssembly;
