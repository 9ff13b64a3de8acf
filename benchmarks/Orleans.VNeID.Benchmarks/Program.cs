using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Orleans.VNeID.Benchmarks [-- --filter '*' --job short]
BenchmarkSwitcher.FromAssembly(typeof(Orleans.VNeID.Benchmarks.HotPathBenchmarks).Assembly).Run(args);
