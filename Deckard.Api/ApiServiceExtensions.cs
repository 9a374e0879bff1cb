namespace Deckard.Api;

public static class ApiServiceExtensions
{
    /// <summary>Everything the API needs besides the service defaults.</summary>
    public static IHostApplicationBuilder AddDeckardApi(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("postgres");
        builder.AddRedisClient("redis");
        builder.Services.AddProblemDetails();
        return builder;
    }
}
