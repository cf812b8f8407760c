using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Mxo.Edge.Auth;
using Mxo.Protocol.Accounts;

namespace Mxo.Edge.Http;

/// <summary>Strict reading of API requests: JSON bodies and Bearer tokens. Failures throw <see cref="ApiErrorException"/>.</summary>
public static class ApiRequest
{
    /// <summary>Largest accepted body (docs/protocol.md: 4 KiB).</summary>
    public const int MaxBodyBytes = 4096;

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        MaxDepth = 16,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    private static readonly object ValidationKey = new();

    /// <summary>Reads the body as one JSON object: 415 unless <c>application/json</c> (UTF-8), 413 over
    /// <see cref="MaxBodyBytes"/> (counted while reading, whatever Content-Length says), 400 malformed_json.</summary>
    public static async Task<JsonFields> ReadObjectAsync(HttpContext context)
    {
        if (!IsJson(context.Request.ContentType))
            throw Fail(StatusCodes.Status415UnsupportedMediaType, HttpErrors.UnsupportedMediaType,
                "the body must be Content-Type: application/json (UTF-8)");
        if (context.Request.ContentLength > MaxBodyBytes)
            throw TooLarge();

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var total = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await context.Request.Body.ReadAsync(buffer.AsMemory(total, MaxBodyBytes + 1 - total), context.RequestAborted);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    throw TooLarge();
                }
                if (read == 0) break;
                total += read;
                if (total > MaxBodyBytes) throw TooLarge();
            }

            try
            {
                using var document = JsonDocument.Parse(buffer.AsMemory(0, total), ParseOptions);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw Fail(StatusCodes.Status400BadRequest, HttpErrors.MalformedJson, "the body must be a JSON object");
                return new JsonFields(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                throw Fail(StatusCodes.Status400BadRequest, HttpErrors.MalformedJson, "the body is not valid JSON");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><c>application/json</c>, with no charset or charset utf-8.</summary>
    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        if (!media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        var charset = media.Charset;
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The <c>Authorization: Bearer</c> token's validation, computed once per request (the rate limiter
    /// and the endpoint share it). <see cref="TokenErrors.MissingToken"/> without the header.</summary>
    public static TokenValidation BearerValidation(HttpContext context, TokenService tokens)
    {
        if (context.Items.TryGetValue(ValidationKey, out var cached) && cached is TokenValidation known)
            return known;
        var validation = Validate(context.Request.Headers.Authorization, tokens);
        context.Items[ValidationKey] = validation;
        return validation;
    }

    private static TokenValidation Validate(StringValues header, TokenService tokens)
    {
        if (header.Count == 0 || string.IsNullOrEmpty(header[0]))
            return TokenValidation.Failure(TokenErrors.MissingToken);
        var value = header[0]!;
        if (header.Count > 1 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return TokenValidation.Failure(TokenErrors.MalformedToken);
        var validation = tokens.Validate(value["Bearer ".Length..].Trim());
        // Every token we issue names a valid account; anything else cannot be routed.
        if (validation.IsValid && !AccountRules.IsValidAccountId(new AccountId(validation.Claims.AccountId)))
            return TokenValidation.Failure(TokenErrors.MalformedToken);
        return validation;
    }

    /// <summary>The caller's valid access token, or a 401 with the token error code.</summary>
    public static AccessTokenClaims Authenticate(HttpContext context, TokenService tokens)
    {
        var validation = BearerValidation(context, tokens);
        if (validation.IsValid) return validation.Claims;
        throw new ApiErrorException(new ApiError(StatusCodes.Status401Unauthorized, validation.Error, TokenMessage(validation.Error))
        {
            BearerChallenge = true,
        });
    }

    public static string TokenMessage(string code) => code switch
    {
        TokenErrors.MissingToken => "an access token is required: Authorization: Bearer <token>",
        TokenErrors.MalformedToken => "the access token is malformed",
        TokenErrors.InvalidSignature => "the access token's signature is invalid",
        TokenErrors.AlgorithmNotAllowed => "the access token's algorithm is not allowed",
        TokenErrors.Expired => "the access token has expired",
        TokenErrors.NotYetValid => "the access token is not valid yet",
        TokenErrors.InvalidIssuer => "the access token was issued by someone else",
        TokenErrors.InvalidAudience => "the access token is not for this service",
        TokenErrors.InvalidType => "the token is not an access token",
        _ => "the access token is invalid",
    };

    public static ApiErrorException Fail(int status, string code, string message) => new(new ApiError(status, code, message));

    private static ApiErrorException TooLarge() =>
        Fail(StatusCodes.Status413PayloadTooLarge, HttpErrors.PayloadTooLarge, $"the body must be at most {MaxBodyBytes} bytes");
}

/// <summary>Typed access to a request's JSON object. Absent, null or empty → missing_field; wrong JSON type →
/// invalid_field. Unknown properties are ignored.</summary>
public readonly struct JsonFields(JsonElement root)
{
    public string RequiredString(string name)
    {
        var value = OptionalString(name);
        if (string.IsNullOrEmpty(value))
            throw ApiRequest.Fail(StatusCodes.Status400BadRequest, HttpErrors.MissingField, $"'{name}' is required");
        return value;
    }

    /// <summary>Null when absent or JSON null.</summary>
    public string? OptionalString(string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.String)
            throw ApiRequest.Fail(StatusCodes.Status400BadRequest, HttpErrors.InvalidField, $"'{name}' must be a string");
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate: not text.
            throw ApiRequest.Fail(StatusCodes.Status400BadRequest, HttpErrors.MalformedJson, $"'{name}' is not valid text");
        }
    }

    public bool RequiredBool(string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            throw ApiRequest.Fail(StatusCodes.Status400BadRequest, HttpErrors.MissingField, $"'{name}' is required");
        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiRequest.Fail(StatusCodes.Status400BadRequest, HttpErrors.InvalidField, $"'{name}' must be true or false"),
        };
    }
}
