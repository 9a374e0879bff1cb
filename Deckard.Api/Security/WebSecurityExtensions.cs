using Microsoft.Extensions.Options;

namespace Deckard.Api.Security;

public static class WebSecurityExtensions
{
    public const string BrowserPolicy = "browser-origins";

    /// <summary>The CORS allow-list from configuration, and HSTS for a year outside Development.</summary>
    public static IHostApplicationBuilder AddDeckardWebSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BrowserOriginOptions>()
            .Bind(builder.Configuration.GetSection(BrowserOriginOptions.SectionName))
            .Validate(options => options.AllValid(), "Cors:AllowedOrigins takes origins such as https://app.example.com: a scheme and host, no path or wildcard.")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>>(services =>
            new ConfigureOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(services.GetRequiredService<IOptions<BrowserOriginOptions>>().Value.AllowedOrigins)
                .WithMethods("GET", "POST", "DELETE")
                .WithHeaders("Authorization", "Content-Type", "Accept", "Last-Event-ID")
                .WithExposedHeaders("Location", "Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10)))));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
            kestrel.Limits.MaxRequestHeadersTotalSize = HeaderSizeLimit.ServerMaxTotalBytes);
        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });
        return builder;
    }

    /// <summary>
    /// Oversized headers refused with a problem, then HTTPS redirection and HSTS outside Development (behind a TLS-terminating proxy such as Render's, set
    /// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> so the original scheme is seen), then the security headers and CORS.
    /// </summary>
    public static WebApplication UseDeckardWebSecurity(this WebApplication app)
    {
        app.UseMiddleware<HeaderSizeLimit>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UseCors();
        return app;
    }
}
