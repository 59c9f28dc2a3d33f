package dev.conflux.soap.internal;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.security.AuditTrail;
import dev.conflux.api.security.Authenticator;
import dev.conflux.api.workflow.WorkflowService;

/**
 * Publishes {@link WorkflowSoapService} under the CXF servlet ({@code /services}, set in
 * {@code etc/org.apache.cxf.osgi.cfg}), at {@value #ADDRESS}; the WSDL is at {@code ?wsdl}. Callers
 * authenticate as on the REST API ({@link SoapAccess}).
 */
@Component(immediate = true)
public class SoapEndpoint {

    static final String ADDRESS = "/workflow";
    private static final Logger LOG = LoggerFactory.getLogger(SoapEndpoint.class);

    private final Server server;
    private final Bus bus;

    @Activate
    public SoapEndpoint(@Reference WorkflowService workflows, @Reference Authenticator authenticator,
            @Reference AuditTrail audit, @Reference HTTPTransportFactory servicesTransport) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        Bus previousBus = BusFactory.getThreadDefaultBus(false);
        // CXF finds its JAXB context and bus extensions through the context class loader
        thread.setContextClassLoader(SoapEndpoint.class.getClassLoader());
        try {
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            // a bus of its own: this may run on a JAX-RS whiteboard thread (when the security service it
            // waits for appears there), and the process-wide default bus may be one the whiteboard made
            Bus previousDefault = BusFactory.getDefaultBus(false);
            this.bus = BusFactory.newInstance().createBus();
            BusFactory.setDefaultBus(previousDefault);
            BusFactory.setThreadDefaultBus(null);
            factory.setBus(bus);
            // the transport behind the /services servlet: its registry is what that servlet routes by; a bus's
            // own HTTP transport (the JAX-RS whiteboard's, say) would hide the endpoint from /services
            factory.setDestinationFactory(servicesTransport);
            factory.setServiceClass(WorkflowSoapService.class);
            factory.setServiceBean(new WorkflowSoapService(workflows));
            factory.setAddress(ADDRESS);
            factory.getOutFaultInterceptors().add(new ClientFaultCodes());
            // published only with the security capability there: the references above are mandatory
            SoapAccess access = new SoapAccess(authenticator, audit);
            factory.getInInterceptors().add(access.guard());
            factory.getOutInterceptors().add(access.auditor());
            factory.getOutFaultInterceptors().add(access.auditor());
            this.server = factory.create();
        } finally {
            BusFactory.setThreadDefaultBus(previousBus);
            thread.setContextClassLoader(previous);
        }
        LOG.info("SOAP WorkflowService published at {}", ADDRESS);
    }

    @Deactivate
    void deactivate() {
        server.destroy();
        bus.shutdown(false);
    }
}
