namespace Deckard.RunPodMock.Configuration;

/// <summary>What changes between the Gradio major versions StableAvatar can run on, as a client sees it.</summary>
public sealed record GradioFlavor(int Major)
{
    /// <summary>4.x has every route at the root; 5.x and 6.x hang the API under <c>/gradio_api</c> (<c>/config</c> stays at the root).</summary>
    public string ApiPrefix => Major >= 5 ? "/gradio_api" : "";

    /// <summary>The <c>version</c> <c>/config</c> reports: the last 4.x and 5.x releases, and 6.x's current one.</summary>
    public string Version => Major switch
    {
        4 => "4.44.1",
        5 => "5.49.1",
        _ => "6.25.0",
    };

    /// <summary>4.x and 5.x return a Video as <c>{"video": FileData, "subtitles": null}</c>; 6.x returns the FileData itself.</summary>
    public bool WrapsVideoOutput => Major < 6;

    /// <summary>Since 6.13 a failed run's <c>/call</c> <c>error</c> event carries the error object; before, <c>null</c>.</summary>
    public bool CallErrorCarriesObject => Major >= 6;

    /// <summary>Slider range checks arrived in 5.x (4.x Slider passes any number through).</summary>
    public bool SliderChecksRange => Major >= 5;

    /// <summary>Since 5.5 an input file must carry <c>meta</c>; 4.x takes any dict with <c>path</c> as a file.</summary>
    public bool FilesNeedMeta => Major >= 5;

    /// <summary>6.x renamed <c>show_api</c> to <c>api_visibility</c>.</summary>
    public bool UsesApiVisibility => Major >= 6;

    /// <summary>Gradio 5's UnexpectedErrorMessage carries <c>session_not_found</c>.</summary>
    public bool ReportsSessionNotFound => Major >= 5;

    public static bool IsSupported(int major) => major is 4 or 5 or 6;
}
