package dev.conflux.platform.internal.rest;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemType;

/**
 * Answers a request whose Content-Type names a character set this JVM does not have with a 415
 * problem. CXF's servlet checks the charset before JAX-RS sees the request and fails it with an
 * IOException, which no exception mapper can reach: the client got Jetty's HTML 500 page.
 */
final class RequestCharsetFilter implements Filter {

    private static final ObjectMapper JSON = ConfluxJsonProvider.mapper();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String charset = request.getCharacterEncoding();
        if (charset == null || supported(charset) || !(response instanceof HttpServletResponse http)) {
            chain.doFilter(request, response);
            return;
        }
        String named = charset.length() > 40 ? charset.substring(0, 40) + "..." : charset;
        Problem problem = Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "The Content-Type names the character set '"
                + named + "', which this server does not know; send UTF-8");
        if (request instanceof HttpServletRequest h) {
            problem = problem.at(h.getRequestURI());
        }
        http.setStatus(415);
        http.setContentType(ProblemResponses.PROBLEM_JSON + ";charset=UTF-8");
        http.getOutputStream().write(JSON.writeValueAsBytes(problem.toMap()));
    }

    private static boolean supported(String charset) {
        try {
            return Charset.isSupported(charset.strip().replace("\"", ""));
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }
}
