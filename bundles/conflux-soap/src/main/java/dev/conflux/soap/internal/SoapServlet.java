package dev.conflux.soap.internal;

import java.io.IOException;

import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.cxf.Bus;
import org.apache.cxf.transport.http.DestinationRegistry;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemType;

/**
 * The servlet at {@code /services}: CXF's, over the SOAP endpoint's own registry (given to it, so
 * CXF never clears it). A path with no endpoint is answered with the same JSON problem as the rest
 * of the platform, instead of CXF's HTML page and a warning in the log for every such request.
 */
final class SoapServlet extends CXFNonSpringServlet {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient DestinationRegistry registry;

    SoapServlet(DestinationRegistry registry, Bus bus) {
        super(registry, false);
        this.registry = registry;
        setBus(bus);
    }

    /**
     * Leaves the bus be: it is {@link SoapEndpoint}'s, which shuts it down. CXF's servlet shuts down
     * whatever bus it has when it is destroyed, which would take the endpoint with it (and a servlet
     * initialised again afterwards would have no bus).
     */
    @Override
    public void destroyBus() {
    }

    @Override
    protected void invoke(HttpServletRequest request, HttpServletResponse response) throws ServletException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        if (registry.getDestinationForPath(path, true) == null && registry.checkRestfulRequest(path) == null) {
            notFound(request, response);
            return;
        }
        super.invoke(request, response);
    }

    private static void notFound(HttpServletRequest request, HttpServletResponse response) throws ServletException {
        String uri = request.getRequestURI();
        Problem problem = Problem.of(ProblemType.NOT_FOUND, "Nothing at " + uri + "; the SOAP endpoint is "
                + SoapEndpoint.PATH + SoapEndpoint.ADDRESS + " (WSDL at ?wsdl)").at(uri);
        try {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            JSON.writeValue(response.getOutputStream(), problem.toMap());
        } catch (IOException e) {
            throw new ServletException("cannot answer " + uri, e);
        }
    }
}
