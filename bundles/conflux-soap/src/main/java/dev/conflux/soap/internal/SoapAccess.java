package dev.conflux.soap.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.xml.namespace.QName;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Exchange;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.service.model.BindingOperationInfo;

import dev.conflux.api.security.AuditEvent;
import dev.conflux.api.security.AuditTrail;
import dev.conflux.api.security.AuthenticationException;
import dev.conflux.api.security.Authenticator;
import dev.conflux.api.security.Caller;
import dev.conflux.api.security.Credentials;
import dev.conflux.api.security.Roles;

/**
 * The SOAP face's guard, with the same users and rules as the REST API: every operation needs a
 * caller (HTTP Basic, a Bearer token or an API key); reading operations any role, the others
 * {@code operator} or {@code admin}. The WSDL stays public, like the OpenAPI document. Calls that
 * change something are written to the audit trail with their outcome.
 */
final class SoapAccess {

    static final Set<String> READ_OPERATIONS = Set.of("listWorkflows", "getWorkflow", "getRun");
    private static final List<String> WRITERS = List.of(Roles.ADMIN, Roles.OPERATOR);
    private static final List<String> READERS = Roles.ALL;
    private static final String CALLER = "conflux.caller";

    private final Authenticator authenticator;
    private final AuditTrail audit;

    SoapAccess(Authenticator authenticator, AuditTrail audit) {
        this.authenticator = authenticator;
        this.audit = audit;
    }

    /** Checks the caller before the operation runs. */
    AbstractPhaseInterceptor<Message> guard() {
        return new AbstractPhaseInterceptor<>(Phase.PRE_INVOKE) {
            @Override
            public void handleMessage(Message message) {
                check(message);
            }
        };
    }

    /** Records a changing operation's outcome; on the out chain and on the fault chain. */
    AbstractPhaseInterceptor<Message> auditor() {
        return new AbstractPhaseInterceptor<>(Phase.PREPARE_SEND) {
            @Override
            public void handleMessage(Message message) {
                record(message);
            }
        };
    }

    private void check(Message message) {
        String operation = operation(message.getExchange());
        HttpServletRequest request = (HttpServletRequest) message.get("HTTP.REQUEST");
        String address = request == null ? null : request.getRemoteAddr();
        boolean changes = !READ_OPERATIONS.contains(operation);
        throttle(message, authenticator.throttle(null, address, changes));
        Caller caller;
        try {
            caller = authenticator.authenticate(new Credentials(header(message, "Authorization"),
                    header(message, "X-API-Key"), address));
        } catch (AuthenticationException e) {
            HttpServletResponse response = (HttpServletResponse) message.get("HTTP.RESPONSE");
            if (response != null && e.reason() == AuthenticationException.Reason.LOCKED) {
                response.setHeader("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
            } else if (response != null) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"conflux\", charset=\"UTF-8\"");
            }
            throw fault(e.getMessage(), e.reason() == AuthenticationException.Reason.LOCKED ? 429 : 401);
        }
        throttle(message, authenticator.throttle(caller.name(), null, changes));
        message.getExchange().put(CALLER, caller);
        List<String> needed = changes ? WRITERS : READERS;
        if (!caller.mayActAs(needed)) {
            audit.record(new AuditEvent(caller.name(), address, "soap." + operation, null, AuditEvent.DENIED,
                    "roles " + caller.roles()));
            throw fault("'" + caller.name() + "' holds " + caller.roles() + "; " + operation + " needs one of " + needed, 403);
        }
    }

    private static void throttle(Message message, long waitSeconds) {
        if (waitSeconds > 0) {
            HttpServletResponse response = (HttpServletResponse) message.get("HTTP.RESPONSE");
            if (response != null) {
                response.setHeader("Retry-After", Long.toString(waitSeconds));
            }
            throw fault("Too many requests; retry in " + waitSeconds + " s", 429);
        }
    }

    private void record(Message message) {
        Exchange exchange = message.getExchange();
        Object caller = exchange.get(CALLER);
        String operation = operation(exchange);
        if (!(caller instanceof Caller c) || READ_OPERATIONS.contains(operation)) {
            return;
        }
        Exception failure = message.getContent(Exception.class);
        HttpServletRequest request = (HttpServletRequest) exchange.getInMessage().get("HTTP.REQUEST");
        audit.record(new AuditEvent(c.name(), request == null ? null : request.getRemoteAddr(), "soap." + operation, null,
                failure == null ? AuditEvent.SUCCESS : AuditEvent.FAILURE,
                failure == null ? null : String.valueOf(failure.getMessage())));
    }

    private static Fault fault(String text, int status) {
        Fault fault = new Fault(new SecurityException(text));
        fault.setFaultCode(Fault.FAULT_CODE_CLIENT);
        fault.setStatusCode(status);
        return fault;
    }

    private static String operation(Exchange exchange) {
        BindingOperationInfo operation = exchange.getBindingOperationInfo();
        QName name = operation == null ? null : operation.getName();
        return name == null ? "unknown" : name.getLocalPart();
    }

    @SuppressWarnings("unchecked")
    private static String header(Message message, String name) {
        Object headers = message.get(Message.PROTOCOL_HEADERS);
        if (headers instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (name.equalsIgnoreCase(String.valueOf(entry.getKey())) && entry.getValue() instanceof List<?> values
                        && !values.isEmpty()) {
                    return String.valueOf(values.get(0));
                }
            }
        }
        return null;
    }
}
