package dev.conflux.soap.internal;

import java.util.ArrayList;
import java.util.List;

import javax.xml.bind.annotation.XmlAccessType;
import javax.xml.bind.annotation.XmlAccessorType;
import javax.xml.bind.annotation.XmlType;

/** The XML shapes of the SOAP face: plain beans that JAXB maps to the WSDL's schema. */
public final class SoapTypes {

    private SoapTypes() {
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "ValidationMessage", namespace = WorkflowSoapService.NS)
    public static class Message {
        public int line;
        public int column;
        public String path;
        public String message;
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "DeployResult", namespace = WorkflowSoapService.NS)
    public static class DeployResult {
        public String id;
        public int version;
        public boolean created;
        public List<Message> warnings = new ArrayList<>();
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "Workflow", namespace = WorkflowSoapService.NS)
    public static class Workflow {
        public String id;
        public int version;
        public String description;
        public String origin;
        public String deployedAt;
        public int steps;
        /** The document; only filled by getWorkflow. */
        public String source;
    }

    /** One page of deployed workflows, with the total to page through them all. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "WorkflowPage", namespace = WorkflowSoapService.NS)
    public static class WorkflowPage {
        public int offset;
        public int limit;
        public long total;
        public List<Workflow> workflow = new ArrayList<>();
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "Step", namespace = WorkflowSoapService.NS)
    public static class Step {
        public String stepId;
        public Integer item;
        public String type;
        public String state;
        public int attempt;
        /** The output as JSON. */
        public String outputJson;
        public String error;
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "Run", namespace = WorkflowSoapService.NS)
    public static class Run {
        public String runId;
        public String workflowId;
        public int version;
        public String state;
        public String error;
        public String trigger;
        public String createdAt;
        public String endedAt;
        /** The input as JSON. */
        public String inputsJson;
        public List<Step> steps = new ArrayList<>();
    }

    /** The detail of every SOAP fault: the same problem detail the REST face answers. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "WorkflowFaultInfo", namespace = WorkflowSoapService.NS)
    public static class FaultInfo {
        public String type;
        public int status;
        public String detail;
        public List<Message> errors = new ArrayList<>();
    }
}
