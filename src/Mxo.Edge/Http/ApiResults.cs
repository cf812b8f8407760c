using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Mxo.Edge.Http;

/// <summary>The stable error codes of the HTTP API that are not account or token codes (docs/protocol.md).</summary>
public static class HttpErrors
{
    public const string MalformedJson = "malformed_json";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string RateLimited = "rate_limited";
    public const string AddressBlocked = "address_blocked";
    public const string OriginNotAllowed = "origin_not_allowed";
    public const string Forbidden = "forbidden";
    public const string Unavailable = "unavailable";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string InternalError = "internal_error";
    public const string BadRequest = "bad_request";
}

/// <summary>An error answer: status, <c>{"error","message"}</c>, optional <c>Retry-After</c> and
/// <c>WWW-Authenticate</c>. Also thrown (as <see cref="ApiErrorException"/>) by request parsing.</summary>
public sealed class ApiError(int status, string code, string message) : IResult
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Message { get; } = message;

    /// <summary>Sent as <c>Retry-After</c>, in whole seconds rounded up (at least 1).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For 401 answers: a <c>WWW-Authenticate: Bearer</c> challenge naming the token problem (RFC 6750).</summary>
    public bool BearerChallenge { get; init; }

    public Task ExecuteAsync(HttpContext context) => Write(context, Status, Code, Message, RetryAfter, BearerChallenge);

    public static Task Write(HttpContext context, int status, string code, string message, TimeSpan? retryAfter = null,
        bool bearerChallenge = false)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (retryAfter is { } wait)
            response.Headers.RetryAfter = RetryAfterSeconds(wait).ToString(CultureInfo.InvariantCulture);
        if (bearerChallenge)
            response.Headers.WWWAuthenticate = code == Auth.TokenErrors.MissingToken
                ? "Bearer"
                : $"Bearer error=\"invalid_token\", error_description=\"{code}\"";
        return response.WriteAsJsonAsync(new ErrorBody(code, message), AuthJson.Default.ErrorBody);
    }

    public static int RetryAfterSeconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);
}

/// <summary>Thrown while reading a request to stop it with <see cref="Error"/>; caught by the endpoint wrapper.</summary>
public sealed class ApiErrorException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}

/// <summary>A JSON success answer through source-generated metadata.</summary>
public sealed class ApiJson<T>(int status, T value, JsonTypeInfo<T> type) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, type);
    }
}
