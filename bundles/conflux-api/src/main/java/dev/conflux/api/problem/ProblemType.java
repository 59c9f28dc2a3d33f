package dev.conflux.api.problem;

/**
 * The stable problem types of Conflux. Clients may switch on {@link #uri()}; it never changes for a
 * given kind of error. Capabilities may define their own with {@link #of(String, String, int)}.
 *
 * @param uri the value of the problem's {@code type} member
 * @param title a short summary that is the same for every occurrence
 * @param status the HTTP status code
 */
public record ProblemType(String uri, String title, int status) {

    /** Every Conflux problem type starts with this. */
    public static final String PREFIX = "urn:conflux:problem:";

    public static final ProblemType INVALID_REQUEST = of("invalid-request", "The request is not valid", 400);
    public static final ProblemType VALIDATION_FAILED = of("validation-failed", "The document is not valid", 400);
    public static final ProblemType UNAUTHORIZED = of("unauthorized", "Authentication is required", 401);
    public static final ProblemType FORBIDDEN = of("forbidden", "Not allowed", 403);
    public static final ProblemType NOT_FOUND = of("not-found", "Not found", 404);
    public static final ProblemType METHOD_NOT_ALLOWED = of("method-not-allowed", "Method not allowed", 405);
    public static final ProblemType NOT_ACCEPTABLE = of("not-acceptable", "No acceptable representation", 406);
    public static final ProblemType CONFLICT = of("conflict", "The request conflicts with the current state", 409);
    public static final ProblemType PAYLOAD_TOO_LARGE = of("payload-too-large", "The request body is too large", 413);
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE = of("unsupported-media-type", "Unsupported media type", 415);
    public static final ProblemType RATE_LIMITED = of("rate-limited", "Too many requests", 429);
    public static final ProblemType INTERNAL_ERROR = of("internal-error", "Internal error", 500);
    public static final ProblemType UNAVAILABLE = of("unavailable", "Service unavailable", 503);

    public ProblemType {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem's status is 4xx or 5xx, got " + status);
        }
    }

    /** A Conflux problem type named {@code slug} ({@code workflow-not-found}, ...). */
    public static ProblemType of(String slug, String title, int status) {
        if (!slug.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a problem slug is lower-case words joined by dashes, got '" + slug + "'");
        }
        return new ProblemType(PREFIX + slug, title, status);
    }

    /** The general type for an HTTP status that has no more specific one. */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> RATE_LIMITED;
            case 503 -> UNAVAILABLE;
            default -> status >= 500 ? INTERNAL_ERROR
                    : status >= 400 && status < 500 ? of("http-" + status, "Request failed", status)
                    : INTERNAL_ERROR;
        };
    }
}
