package dev.conflux.security.internal;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A user as the API shows it: never the password hash. */
public record UserView(String username, String displayName, String email, Set<String> roles,
        Map<String, Object> preferences, Instant createdAt, Instant updatedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static UserView of(User user) {
        return new UserView(user.username(), user.displayName(), user.email(), new TreeSet<>(user.roles()),
                preferences(user.preferences()), user.createdAt(), user.updatedAt());
    }

    private static Map<String, Object> preferences(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
