namespace Deckard.OpenAIMock.Wire;

/// <summary>
/// Error codes whose real body has its own <c>type</c> and message, so a script that names only the code
/// (<c>{"fail":{"status":400,"code":"moderation_blocked"}}</c>) gets the body OpenAI sends.
/// </summary>
public static class KnownErrorCodes
{
    public static (string Type, string Message)? Defaults(string? code) => code switch
    {
        // gpt-image-1 refusing a prompt (or its picture) on safety grounds.
        "moderation_blocked" => ("image_generation_user_error",
            "Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and " +
            $"include the request ID {Guid.NewGuid()}."),
        // An account out of credit: a 429 the SDK retries like any other.
        "insufficient_quota" => ("insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details. For more information on this error, " +
            "read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."),
        _ => null,
    };
}
