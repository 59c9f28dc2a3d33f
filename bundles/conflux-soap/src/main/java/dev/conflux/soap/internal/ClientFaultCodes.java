package dev.conflux.soap.internal;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * A fault the caller caused (bad input, unknown id, illegal transition: a 4xx problem) is a
 * {@code soap:Client} fault, not CXF's default {@code soap:Server}, so clients know not to retry it
 * unchanged.
 */
final class ClientFaultCodes extends AbstractPhaseInterceptor<Message> {

    ClientFaultCodes() {
        super(Phase.PREPARE_SEND);
    }

    @Override
    public void handleMessage(Message message) {
        if (message.getContent(Exception.class) instanceof Fault fault
                && fault.getCause() instanceof WorkflowFault workflowFault
                && workflowFault.getFaultInfo() != null && workflowFault.getFaultInfo().status < 500) {
            fault.setFaultCode(Fault.FAULT_CODE_CLIENT);
        }
    }
}
