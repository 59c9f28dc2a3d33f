package dev.conflux.soap.internal;

import javax.xml.ws.WebFault;

/** A typed SOAP fault: bad input, an unknown id or an illegal transition, with the problem's detail. */
@WebFault(name = "WorkflowFault", targetNamespace = WorkflowSoapService.NS)
public class WorkflowFault extends Exception {

    private static final long serialVersionUID = 1L;

    private final SoapTypes.FaultInfo faultInfo;

    public WorkflowFault(String message, SoapTypes.FaultInfo faultInfo) {
        super(message);
        this.faultInfo = faultInfo;
    }

    public SoapTypes.FaultInfo getFaultInfo() {
        return faultInfo;
    }
}
