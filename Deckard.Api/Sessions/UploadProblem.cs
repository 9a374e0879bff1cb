namespace Deckard.Api.Sessions;

/// <summary>Why an upload was refused: a status, a stable code a front end can switch on, and a sentence a person can act on.</summary>
public sealed class UploadProblem(int status, string code, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Title { get; } = title;

    public static UploadProblem BadRequest(string code, string detail) => new(StatusCodes.Status400BadRequest, code, "The new session is not valid", detail);
}
