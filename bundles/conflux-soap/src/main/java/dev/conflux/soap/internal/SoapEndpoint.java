package dev.conflux.soap.internal;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import javax.servlet.Servlet;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.DestinationFactoryManager;
import org.apache.cxf.transport.http.DestinationRegistry;
import org.apache.cxf.transport.http.DestinationRegistryImpl;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.security.AuditTrail;
import dev.conflux.api.security.Authenticator;
import dev.conflux.api.workflow.WorkflowService;

/**
 * Publishes {@link WorkflowSoapService} at {@value #PATH}{@value #ADDRESS}; the WSDL is at
 * {@code ?wsdl}. Callers authenticate as on the REST API ({@link SoapAccess}).
 *
 * <p>The endpoint has a transport and a servlet of its own, registered on the HTTP whiteboard. CXF's
 * shared OSGi transport is not used: the JAX-RS whiteboard's servlets can pick up its registry
 * through their buses, and a CXF servlet that did not create the registry it was given clears every
 * path in it when it is destroyed. The whiteboard replaces its servlets several times while the
 * platform starts, so an endpoint published there could vanish (404) right after boot.
 */
@Component(immediate = true)
public class SoapEndpoint {

    /** Where the SOAP servlet is mounted. */
    static final String PATH = "/services";
    /** The endpoint's address under {@link #PATH}. */
    static final String ADDRESS = "/workflow";
    /** The most characters one value of a request may have (a workflow document, an input). */
    static final int MAX_TEXT_LENGTH = 4 * 1024 * 1024;
    private static final String MAX_TEXT_LENGTH_PROPERTY = "org.apache.cxf.stax.maxTextLength";
    private static final Logger LOG = LoggerFactory.getLogger(SoapEndpoint.class);

    private final Server server;
    private final Bus bus;
    private final ServiceRegistration<Servlet> servlet;

    @Activate
    public SoapEndpoint(BundleContext context, @Reference WorkflowService workflows,
            @Reference Authenticator authenticator, @Reference AuditTrail audit) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        Bus previousBus = BusFactory.getThreadDefaultBus(false);
        // CXF finds its JAXB context and bus extensions through the context class loader
        thread.setContextClassLoader(SoapEndpoint.class.getClassLoader());
        DestinationRegistry registry = new DestinationRegistryImpl();
        try {
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            // a bus of its own: this may run on a JAX-RS whiteboard thread (when the security service it
            // waits for appears there), and the process-wide default bus may be one the whiteboard made
            Bus previousDefault = BusFactory.getDefaultBus(false);
            this.bus = BusFactory.newInstance().createBus();
            BusFactory.setDefaultBus(previousDefault);
            BusFactory.setThreadDefaultBus(null);
            factory.setBus(bus);
            // HTTP destinations go to this endpoint's registry, which its servlet routes by; the SOAP
            // transport still builds the endpoint (so the WSDL carries its soap:address)
            HTTPTransportFactory transport = new HTTPTransportFactory(registry);
            DestinationFactoryManager destinations = bus.getExtension(DestinationFactoryManager.class);
            for (String id : transport.getTransportIds()) {
                destinations.registerDestinationFactory(id, transport);
            }
            factory.setServiceClass(WorkflowSoapService.class);
            factory.setServiceBean(new WorkflowSoapService(workflows));
            factory.setAddress(ADDRESS);
            // CXF's own bound on one text value is 128 MiB; a workflow document may have 1 MiB by default
            factory.setProperties(new HashMap<>(Map.of(MAX_TEXT_LENGTH_PROPERTY, MAX_TEXT_LENGTH)));
            factory.getOutFaultInterceptors().add(new ClientFaultCodes());
            // published only with the security capability there: the references above are mandatory
            SoapAccess access = new SoapAccess(authenticator, audit);
            factory.getInInterceptors().add(access.guard());
            factory.getOutInterceptors().add(access.auditor());
            factory.getOutFaultInterceptors().add(access.auditor());
            this.server = create(factory, bus);
        } finally {
            BusFactory.setThreadDefaultBus(previousBus);
            thread.setContextClassLoader(previous);
        }
        SoapServlet cxf = new SoapServlet(registry, bus);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, PATH + "/*");
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "conflux-soap");
        // no HTML page that lists every endpoint
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_INIT_PARAM_PREFIX + "hide-service-list-page",
                "true");
        this.servlet = context.registerService(Servlet.class, cxf, properties);
        LOG.info("SOAP WorkflowService published at {}{}", PATH, ADDRESS);
    }

    private static Server create(JaxWsServerFactoryBean factory, Bus bus) {
        try {
            return factory.create();
        } catch (RuntimeException e) {
            bus.shutdown(false);
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        servlet.unregister();
        server.destroy();
        bus.shutdown(false);
    }
}
