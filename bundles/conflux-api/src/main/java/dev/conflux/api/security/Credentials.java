package dev.conflux.api.security;

/**
 * What a request presented to prove who it is, as the face received it.
 *
 * @param authorization the {@code Authorization} header ({@code Basic ...} or {@code Bearer ...}), or {@code null}
 * @param apiKey the {@code X-API-Key} header, or {@code null}
 * @param clientAddress the address the request came from, for rate limits, lockouts and the audit trail
 */
public record Credentials(String authorization, String apiKey, String clientAddress) {

    public boolean isEmpty() {
        return (authorization == null || authorization.isBlank()) && (apiKey == null || apiKey.isBlank());
    }
}
