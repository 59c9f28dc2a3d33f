package dev.conflux.platform.internal.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletOutputStream;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpServletResponseWrapper;

/**
 * Holds a request that arrives while the JAX-RS whiteboard rebuilds the API application, and sends
 * it again once the application is back, for at most the configured time. Aries re-creates the
 * application's CXF server whenever a resource or extension comes or goes; in between, CXF's
 * servlet has no endpoint and answers 404 "No service was found", or it finds the endpoint being
 * shut down and fails with a NullPointerException in {@code AbstractHTTPDestination.invoke}. Both
 * happen before anything reads the request body, so the request can be sent again unchanged.
 * Every other answer passes through untouched.
 */
final class RebuildWindowFilter implements Filter {

    /** What CXF's servlet writes when it has no endpoint for the request. */
    static final String NO_ENDPOINT = "No service was found";
    private static final long PAUSE_MILLIS = 20;

    private final long holdNanos;

    RebuildWindowFilter(long holdMillis) {
        this.holdNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, holdMillis));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(response instanceof HttpServletResponse http)) {
            chain.doFilter(request, response);
            return;
        }
        long deadline = System.nanoTime() + holdNanos;
        while (true) {
            HeldNotFound held = new HeldNotFound(http);
            boolean rebuilding;
            try {
                chain.doFilter(request, held);
                rebuilding = held.noEndpoint();
            } catch (RuntimeException e) {
                if (!endpointShutDown(e) || http.isCommitted() || System.nanoTime() > deadline) {
                    throw e;
                }
                rebuilding = true;
            }
            if (!rebuilding || request.isAsyncStarted() || http.isCommitted() || System.nanoTime() > deadline) {
                held.release();
                return;
            }
            http.reset();
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServletException("interrupted while the API application was being rebuilt", e);
            }
        }
    }

    /** CXF's destination lost its observer (the server was destroyed) between lookup and invocation. */
    static boolean endpointShutDown(RuntimeException e) {
        StackTraceElement[] frames = e.getStackTrace();
        return e instanceof NullPointerException && frames.length > 0
                && frames[0].getClassName().equals("org.apache.cxf.transport.http.AbstractHTTPDestination")
                && frames[0].getMethodName().equals("invoke");
    }

    /**
     * Passes a response through unless its status is 404: then it keeps the status and the body
     * back, so that CXF's "no endpoint" answer can be dropped and the request sent again.
     */
    static final class HeldNotFound extends HttpServletResponseWrapper {

        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private boolean holding;
        private int status;
        private ServletOutputStream stream;
        private PrintWriter writer;

        HeldNotFound(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setStatus(int sc) {
            if (sc == SC_NOT_FOUND && stream == null && writer == null && !isCommitted()) {
                holding = true;
            }
            status = sc;
            if (!holding) {
                super.setStatus(sc);
            }
        }

        @Override
        public int getStatus() {
            return holding ? status : super.getStatus();
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (!holding) {
                return super.getOutputStream();
            }
            if (stream == null) {
                stream = new ServletOutputStream() {
                    @Override
                    public void write(int b) {
                        body.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        body.write(b, off, len);
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        throw new IllegalStateException("a held response is written blocking");
                    }
                };
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (!holding) {
                return super.getWriter();
            }
            if (writer == null) {
                String encoding = getCharacterEncoding();
                writer = new PrintWriter(new OutputStreamWriter(getOutputStream(),
                        encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding)));
            }
            return writer;
        }

        @Override
        public void flushBuffer() throws IOException {
            if (!holding) {
                super.flushBuffer();
            }
        }

        @Override
        public void resetBuffer() {
            body.reset();
            if (!holding) {
                super.resetBuffer();
            }
        }

        /** Whether this is CXF's answer for a servlet without an endpoint. */
        boolean noEndpoint() {
            if (writer != null) {
                writer.flush();
            }
            return holding && status == SC_NOT_FOUND
                    && new String(body.toByteArray(), StandardCharsets.ISO_8859_1).contains(NO_ENDPOINT);
        }

        /** Sends what was held back. */
        void release() throws IOException {
            if (!holding) {
                return;
            }
            if (writer != null) {
                writer.flush();
            }
            HttpServletResponse response = (HttpServletResponse) getResponse();
            response.setStatus(status);
            if (body.size() > 0) {
                response.getOutputStream().write(body.toByteArray());
            }
        }
    }
}
