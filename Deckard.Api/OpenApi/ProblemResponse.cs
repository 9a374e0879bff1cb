namespace Deckard.Api.OpenApi;

/// <summary>
/// The shape of every refusal (RFC 9457 problem+json, as <see cref="ApiProblems"/> writes it), declared so generated
/// clients type their errors. Some problems add fields of their own (retryAfterSeconds, the budget's figures).
/// </summary>
/// <param name="Type">A URL naming the problem: https://deckard.dev/problems/{code}.</param>
/// <param name="Code">What a front end switches on, e.g. <c>audio-too-long</c>, <c>session-not-found</c>, <c>rate-limited</c>.</param>
/// <param name="RetryAfterSeconds">On 429s and retryable 503s: when to try again (also in the Retry-After header).</param>
public sealed record ProblemResponse(string Type, string Title, int Status, string Detail, string Code, int? RetryAfterSeconds = null);
