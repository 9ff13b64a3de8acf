using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Orleans.VNeID.Tests.Errors;

public class ResultSerializationTests
{
    [Fact]
    public void A_results_pace_crosses_the_wire_between_a_silo_and_the_gateway()
    {
        var services = new ServiceCollection().AddSerializer(builder => builder.AddAssembly(typeof(Result<>).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var paced = Result.Ok(true) with { Pace = TimeSpan.FromMilliseconds(17) };
        var copy = serializer.Deserialize<Result<bool>>(serializer.SerializeToArray(paced));
        Assert.NotNull(copy);
        Assert.Equal(TimeSpan.FromMilliseconds(17), copy.Pace);
        Assert.True(copy.Value);
    }
}
