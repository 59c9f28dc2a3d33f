package dev.conflux.soap.internal;

import java.util.Map;

import javax.jws.WebMethod;
import javax.jws.WebParam;
import javax.jws.WebResult;
import javax.jws.WebService;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepView;
import dev.conflux.api.workflow.ValidationMessage;
import dev.conflux.api.workflow.WorkflowDetails;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowSummary;
import dev.conflux.api.workflow.WorkflowValidationException;

/**
 * The workflow engine over SOAP: the same {@link WorkflowService} the REST face calls, with its
 * problems turned into typed {@link WorkflowFault}s.
 */
@WebService(name = "WorkflowService", serviceName = "WorkflowService", portName = "WorkflowServicePort", targetNamespace = WorkflowSoapService.NS)
public class WorkflowSoapService {

    static final String NS = "urn:conflux:workflow:1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkflowService workflows;

    public WorkflowSoapService(WorkflowService workflows) {
        this.workflows = workflows;
    }

    @WebMethod(operationName = "deploy")
    @WebResult(name = "result")
    public SoapTypes.DeployResult deploy(@WebParam(name = "document") String document) throws WorkflowFault {
        return call(() -> {
            var result = workflows.deploy(required(document, "document"), "soap");
            SoapTypes.DeployResult out = new SoapTypes.DeployResult();
            out.id = result.id();
            out.version = result.version();
            out.created = result.created();
            result.warnings().forEach(w -> out.warnings.add(message(w)));
            return out;
        });
    }

    @WebMethod(operationName = "listWorkflows")
    @WebResult(name = "page")
    public SoapTypes.WorkflowPage listWorkflows(@WebParam(name = "offset") int offset, @WebParam(name = "limit") int limit)
            throws WorkflowFault {
        return call(() -> {
            var page = workflows.list(offset, limit <= 0 ? 50 : limit);
            SoapTypes.WorkflowPage out = new SoapTypes.WorkflowPage();
            out.offset = page.offset();
            out.limit = page.limit();
            out.total = page.total();
            page.items().forEach(w -> out.workflow.add(workflow(w, null)));
            return out;
        });
    }

    @WebMethod(operationName = "getWorkflow")
    @WebResult(name = "workflow")
    public SoapTypes.Workflow getWorkflow(@WebParam(name = "id") String id) throws WorkflowFault {
        return call(() -> {
            WorkflowDetails details = workflows.get(required(id, "id"))
                    .orElseThrow(() -> ProblemException.notFound("no workflow '" + id + "' is deployed"));
            return workflow(details.summary(), details.source());
        });
    }

    @WebMethod(operationName = "startRun")
    @WebResult(name = "run")
    public SoapTypes.Run startRun(@WebParam(name = "workflowId") String workflowId, @WebParam(name = "inputsJson") String inputsJson)
            throws WorkflowFault {
        return call(() -> run(workflows.startRun(required(workflowId, "workflowId"), inputs(inputsJson), "soap")));
    }

    @WebMethod(operationName = "getRun")
    @WebResult(name = "run")
    public SoapTypes.Run getRun(@WebParam(name = "runId") String runId) throws WorkflowFault {
        return call(() -> run(workflows.getRun(required(runId, "runId")).orElseThrow(() -> ProblemException.notFound("no run " + runId))));
    }

    @WebMethod(operationName = "pause")
    @WebResult(name = "run")
    public SoapTypes.Run pause(@WebParam(name = "runId") String runId) throws WorkflowFault {
        return call(() -> run(workflows.pause(required(runId, "runId"))));
    }

    @WebMethod(operationName = "resume")
    @WebResult(name = "run")
    public SoapTypes.Run resume(@WebParam(name = "runId") String runId) throws WorkflowFault {
        return call(() -> run(workflows.resume(required(runId, "runId"))));
    }

    @WebMethod(operationName = "cancel")
    @WebResult(name = "run")
    public SoapTypes.Run cancel(@WebParam(name = "runId") String runId) throws WorkflowFault {
        return call(() -> run(workflows.cancel(required(runId, "runId"))));
    }

    // ---- mapping ----

    private interface Call<T> {
        T run();
    }

    private static <T> T call(Call<T> call) throws WorkflowFault {
        try {
            return call.run();
        } catch (WorkflowValidationException e) {
            SoapTypes.FaultInfo info = info(e.problem());
            e.errors().forEach(error -> info.errors.add(message(error)));
            throw new WorkflowFault(e.getMessage(), info);
        } catch (ProblemException e) {
            throw new WorkflowFault(e.getMessage(), info(e.problem()));
        }
    }

    private static SoapTypes.FaultInfo info(Problem problem) {
        SoapTypes.FaultInfo info = new SoapTypes.FaultInfo();
        info.type = problem.type();
        info.status = problem.status();
        info.detail = problem.detail();
        return info;
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalid("'" + name + "' is required");
        }
        return value;
    }

    private static Map<String, Object> inputs(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "'inputsJson' is not a JSON object: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }

    private static SoapTypes.Message message(ValidationMessage m) {
        SoapTypes.Message out = new SoapTypes.Message();
        out.line = m.line();
        out.column = m.column();
        out.path = m.path();
        out.message = m.message();
        return out;
    }

    private static SoapTypes.Workflow workflow(WorkflowSummary summary, String source) {
        SoapTypes.Workflow out = new SoapTypes.Workflow();
        out.id = summary.id();
        out.version = summary.version();
        out.description = summary.description();
        out.origin = summary.origin();
        out.deployedAt = String.valueOf(summary.deployedAt());
        out.steps = summary.steps();
        out.source = source;
        return out;
    }

    private static SoapTypes.Run run(RunView run) {
        SoapTypes.Run out = new SoapTypes.Run();
        out.runId = run.runId();
        out.workflowId = run.workflowId();
        out.version = run.version();
        out.state = run.state().name();
        out.error = run.error();
        out.trigger = run.trigger();
        out.createdAt = String.valueOf(run.createdAt());
        out.endedAt = run.endedAt() == null ? null : run.endedAt().toString();
        out.inputsJson = json(run.inputs());
        for (StepView step : run.steps()) {
            SoapTypes.Step s = new SoapTypes.Step();
            s.stepId = step.stepId();
            s.item = step.item();
            s.type = step.type();
            s.state = step.state().name();
            s.attempt = step.attempt();
            s.outputJson = step.output() == null ? null : json(step.output());
            s.error = step.error();
            out.steps.add(s);
        }
        return out;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
