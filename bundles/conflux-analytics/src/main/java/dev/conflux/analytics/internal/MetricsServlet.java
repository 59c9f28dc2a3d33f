package dev.conflux.analytics.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Set;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format 0.0.4, or OpenMetrics 1.0 when the
 * scraper asks for it ({@code Accept: application/openmetrics-text}). {@code name[]=} parameters
 * narrow the answer to some metric families, as Prometheus' federation does. Callers need a role,
 * like every other face (the security bundle guards the path); Prometheus scrapes with an API key
 * or basic auth.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
@HttpWhiteboardServletName("conflux-metrics")
public class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Metrics metrics;

    @Activate
    public MetricsServlet(@Reference Metrics metrics) {
        this.metrics = metrics;
    }

    /** The metric families asked for: {@code conflux_runs_started_total} names the family {@code conflux_runs_started}. */
    static Set<String> families(String[] names) {
        Set<String> families = new HashSet<>();
        for (String name : names) {
            families.add(name);
            families.add(name.replaceAll("_(total|count|sum|bucket|created|max)$", ""));
        }
        return families;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String accept = request.getHeader("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? OpenMetricsTextFormatWriter.CONTENT_TYPE
                : PrometheusTextFormatWriter.CONTENT_TYPE;
        String[] names = request.getParameterValues("name[]");
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-store");
        try (OutputStream out = response.getOutputStream()) {
            if (names == null || names.length == 0) {
                metrics.registry().scrape(out, contentType);
            } else {
                metrics.registry().scrape(out, contentType, families(names));
            }
        }
    }
}
