package dev.conflux.security.internal.rest;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import javax.annotation.security.DenyAll;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;

import dev.conflux.api.security.Roles;
import io.swagger.v3.oas.annotations.Operation;

/**
 * Who may call a resource method: nobody ({@code @DenyAll}), anyone ({@code @PermitAll}), the roles
 * of {@code @RolesAllowed}, or, when the resource says nothing, the default: any role reads, and
 * writing needs {@code operator}. The method's annotation wins over its class's. {@code admin} may
 * do everything.
 */
record AccessRule(boolean open, boolean denied, Set<String> roles, String action) {

    static final Set<String> READERS = Set.of(Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER);
    static final Set<String> WRITERS = Set.of(Roles.ADMIN, Roles.OPERATOR);

    static AccessRule of(Class<?> resource, Method method, String httpMethod) {
        String action = action(resource, method);
        if (method == null) {
            return new AccessRule(false, false, safe(httpMethod) ? READERS : WRITERS, action);
        }
        if (method.isAnnotationPresent(DenyAll.class)) {
            return new AccessRule(false, true, Set.of(), action);
        }
        if (method.isAnnotationPresent(RolesAllowed.class)) {
            return new AccessRule(false, false, Set.of(method.getAnnotation(RolesAllowed.class).value()), action);
        }
        if (method.isAnnotationPresent(PermitAll.class)) {
            return new AccessRule(true, false, Set.of(), action);
        }
        if (resource != null && resource.isAnnotationPresent(DenyAll.class)) {
            return new AccessRule(false, true, Set.of(), action);
        }
        if (resource != null && resource.isAnnotationPresent(RolesAllowed.class)) {
            return new AccessRule(false, false, Set.of(resource.getAnnotation(RolesAllowed.class).value()), action);
        }
        if (resource != null && resource.isAnnotationPresent(PermitAll.class)) {
            return new AccessRule(true, false, Set.of(), action);
        }
        return new AccessRule(false, false, safe(httpMethod) ? READERS : WRITERS, action);
    }

    static boolean safe(String httpMethod) {
        return List.of("GET", "HEAD", "OPTIONS").contains(httpMethod);
    }

    /** The audit name of a call: {@code api.<operationId>}, or {@code api.<Resource>.<method>} without one. */
    private static String action(Class<?> resource, Method method) {
        if (method == null) {
            return "api.unmatched";
        }
        Operation operation = method.getAnnotation(Operation.class);
        if (operation != null && !operation.operationId().isBlank()) {
            return "api." + operation.operationId();
        }
        return "api." + (resource == null ? method.getDeclaringClass() : resource).getSimpleName() + "." + method.getName();
    }
}
