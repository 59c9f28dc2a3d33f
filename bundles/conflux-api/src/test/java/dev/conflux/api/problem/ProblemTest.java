package dev.conflux.api.problem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

import java.util.List;

import org.junit.Test;

public class ProblemTest {

    @Test
    public void membersComeInRfcOrderWithExtensionsLast() {
        Problem problem = Problem.of(ProblemType.VALIDATION_FAILED, "2 errors")
                .at("/api/v1/workflows")
                .with("errors", List.of("line 3"));
        assertEquals(List.of("type", "title", "status", "detail", "instance", "errors"),
                List.copyOf(problem.toMap().keySet()));
        assertEquals("urn:conflux:problem:validation-failed", problem.toMap().get("type"));
        assertEquals(400, problem.toMap().get("status"));
    }

    @Test
    public void anExtensionCannotOverrideAStandardMember() {
        Problem problem = Problem.of(ProblemType.NOT_FOUND, "no such run").with("status", 200);
        assertEquals(404, problem.toMap().get("status"));
    }

    @Test
    public void absentDetailIsLeftOut() {
        assertFalse(Problem.of(ProblemType.CONFLICT, null).toMap().containsKey("detail"));
    }

    @Test
    public void typesAreStableAndChecked() {
        assertEquals(ProblemType.NOT_FOUND, ProblemType.forStatus(404));
        assertEquals("urn:conflux:problem:http-418", ProblemType.forStatus(418).uri());
        assertEquals(ProblemType.INTERNAL_ERROR, ProblemType.forStatus(502));
        assertThrows(IllegalArgumentException.class, () -> ProblemType.of("Bad Slug", "x", 400));
        assertThrows(IllegalArgumentException.class, () -> ProblemType.of("ok", "x", 200));
    }

    @Test
    public void exceptionCarriesTheProblem() {
        ProblemException e = ProblemException.notFound("workflow 'x' does not exist");
        assertEquals(404, e.problem().status());
        assertEquals("workflow 'x' does not exist", e.getMessage());
    }
}
