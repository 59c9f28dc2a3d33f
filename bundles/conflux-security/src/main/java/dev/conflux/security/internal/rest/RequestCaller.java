package dev.conflux.security.internal.rest;

import javax.servlet.http.HttpServletRequest;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import dev.conflux.api.security.Caller;

/** The caller {@link AccessFilter} admitted; request properties are the servlet request's attributes. */
final class RequestCaller {

    private RequestCaller() {
    }

    static Caller of(HttpServletRequest request) {
        Object caller = request.getAttribute(AccessFilter.CALLER);
        if (caller instanceof Caller c) {
            return c;
        }
        throw new ProblemException(ProblemType.UNAUTHORIZED, "This call needs an authenticated caller");
    }

    static String address(HttpServletRequest request) {
        return AccessFilter.clientAddress(request);
    }
}
