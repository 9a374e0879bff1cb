using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Gradio;

/// <summary>Error answers of the Gradio surface that are not JSON pydantic errors.</summary>
public static class GradioErrors
{
    /// <summary>
    /// An unknown api name: Gradio's <c>FnIndexInferError</c> is not caught, so the app answers 500, and with the app's
    /// debug traceback as plain text rather than JSON.
    /// </summary>
    public static IResult UnknownApi(string apiName) => Results.Text(
        "Traceback (most recent call last):\n" +
        "  File \"/usr/local/lib/python3.10/site-packages/gradio/route_utils.py\", line 258, in get_fn\n" +
        "    fn_index = infer_fn_index(app=app, api_name=api_name, body=body)\n" +
        $"gradio.exceptions.FnIndexInferError: Could not infer function index for API name: /{apiName}\n",
        "text/plain; charset=utf-8",
        statusCode: StatusCodes.Status500InternalServerError);

    /// <summary>An unknown <c>fn_index</c> on <c>queue/join</c>: a KeyError in the app, plain 500.</summary>
    public static IResult UnknownFunction() =>
        Results.Text("Internal Server Error", "text/plain; charset=utf-8", statusCode: StatusCodes.Status500InternalServerError);

    public static IResult NotFound() => WireJson.Result(new JsonObject { ["detail"] = "Not Found" }, StatusCodes.Status404NotFound);
}
