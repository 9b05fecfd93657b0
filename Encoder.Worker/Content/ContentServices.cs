using Encoder.Configuration;
using Encoder.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Encoder.Content;

/// <summary>The content watch's wiring, beside the feature.</summary>
public static class ContentServices
{
    /// <summary>The watch (a hosted service, from the class's start) and its log, unless <c>Content:Enabled</c> is off.</summary>
    public static IServiceCollection AddContentWatch(this IServiceCollection services, EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Content.Enabled)
            return services;
        services.AddSingleton<IClassEventSubscriber, ContentLog>();
        services.AddSingleton<ContentWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<ContentWatch>());
        return services;
    }
}
