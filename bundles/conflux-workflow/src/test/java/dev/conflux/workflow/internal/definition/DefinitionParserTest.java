package dev.conflux.workflow.internal.definition;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.Test;

import dev.conflux.api.workflow.ValidationMessage;

public class DefinitionParserTest {

    /** The reference workflow, shipped as a sample: samples/workflows/order-intake.yaml. */
    public static final String ORDER_INTAKE = read("../../samples/workflows/order-intake.yaml");

    static String read(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Paths.get(path));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the sample " + path, e);
        }
    }

    private final DefinitionParser parser = new DefinitionParser(1 << 20, Set.of("transform", "delay", "log")::contains);

    @Test
    public void theReferenceDocumentParses() {
        DefinitionParser.Result result = parser.parse(ORDER_INTAKE);
        assertEquals(List.of(), result.errors());
        assertEquals(List.of(), result.warnings());
        WorkflowDefinition workflow = result.definition();
        assertEquals("order-intake", workflow.id());
        assertEquals(List.of("fetch", "wait-a-bit", "check-line", "notify"),
                workflow.steps().stream().map(StepDefinition::id).toList());
        StepDefinition wait = workflow.steps().get(1);
        assertEquals(5, wait.retry().max());
        assertEquals(RetryPolicy.Backoff.EXPONENTIAL, wait.retry().backoff());
        assertEquals(Duration.ofMinutes(1), wait.retry().maxDelay());
        assertEquals(Duration.ofSeconds(30), wait.timeout());
        assertEquals(Map.of("order", "${inputs.orderId}", "lines", List.of(1, 2, 3)), workflow.steps().get(0).with());
        assertEquals("${steps.fetch.output.lines}", workflow.steps().get(2).foreach());
        assertEquals(List.of(new Trigger.Cron("0 */5 * * * ?"), new Trigger.Event("conflux/demo/order-received")), workflow.triggers());
        assertEquals("alert", workflow.onFailure().get(0).id());
        assertEquals(List.of("orderId"), workflow.inputSchema().get("required"));
        assertEquals(15, workflow.steps().get(0).line());
    }

    @Test
    public void everyErrorIsReportedAtOnceWithLineAndColumn() {
        String doc = """
                id: Bad_Id
                stepz: []
                steps:
                  - id: a
                    type: log
                    needs: [b, ghost]
                    timeout: soon
                  - id: b
                    type: log
                    needs: [c]
                    retry: {max: 500, backoff: linear}
                  - id: c
                    type: log
                    needs: [a]
                    with: {x: "${inputs.a +}"}
                  - id: a
                    type: log
                triggers:
                  - cron: "every five minutes"
                """;
        DefinitionParser.Result result = parser.parse(doc);
        assertFalse(result.valid());
        assertNull(result.definition());
        Map<String, ValidationMessage> byText = result.errors().stream()
                .collect(Collectors.toMap(ValidationMessage::toString, m -> m, (x, y) -> x));
        String all = errorLines(result);
        assertHas(all, "1:5 id: 'Bad_Id' is not a valid id");
        assertHas(all, "2:1 stepz: unknown key 'stepz' (did you mean 'steps'?)");
        assertHas(all, "6:16 steps[0].needs: unknown step 'ghost' in needs");
        assertHas(all, "7:14 steps[0].timeout: 'soon' is not a duration");
        assertHas(all, "11:18 steps[1].retry.max: must be a whole number from 0 to 100, got '500'");
        assertHas(all, "11:32 steps[1].retry.backoff: backoff is 'fixed' or 'exponential', not 'linear'");
        assertHas(all, "15:15 steps[2].with.x: expression error");
        assertHas(all, "16:9 steps[3].id: duplicate step id 'a' (first at line 4)");
        assertHas(all, "19:11 triggers[0].cron: 'every five minutes' is not a valid Quartz cron expression");
        assertTrue(all, all.contains("steps form a cycle through 'needs': a -> b -> c -> a"));
        assertTrue(byText.size() >= 10);
    }

    @Test
    public void aCycleAmongOnFailureStepsIsAnError() {
        DefinitionParser.Result result = parser.parse("""
                id: failing
                steps:
                  - {id: a, type: fail}
                onFailure:
                  - {id: x, type: log, needs: [y]}
                  - {id: y, type: log, needs: [x]}
                """);
        assertFalse(result.valid());
        String all = errorLines(result);
        assertHas(all, "5:5 onFailure: steps form a cycle through 'needs': x -> y -> x; no step of it could ever start");
    }

    @Test
    public void anExponentialRetryWithALongInitialDelayAndNoMaxDelayIsValid() {
        DefinitionParser.Result result = parser.parse("""
                id: patient
                steps:
                  - {id: a, type: log, retry: {backoff: exponential, initial: 10m}}
                """);
        assertEquals(List.of(), result.errors());
        assertEquals(Duration.ofMinutes(10), result.definition().steps().get(0).retry().maxDelay());
        DefinitionParser.Result shorter = parser.parse("""
                id: patient
                steps:
                  - {id: a, type: log, retry: {backoff: exponential, initial: 10m, maxDelay: 1m}}
                """);
        assertEquals("3:78 steps[0].retry.maxDelay: maxDelay (PT1M) is shorter than initial (PT10M)", shorter.errors().get(0).toString());
    }

    @Test
    public void aMissingStepTypeIsAWarningNotAnError() {
        DefinitionParser.Result result = parser.parse("""
                id: later
                steps:
                  - id: shout
                    type: text-case
                    with: {text: hi}
                """);
        assertTrue(result.valid());
        assertEquals(1, result.warnings().size());
        assertEquals("4:11 steps[0].type: no installed bundle provides step type 'text-case' now; runs wait at this step until one does",
                result.warnings().get(0).toString());
    }

    @Test
    public void aStepMayOnlyReadStepsItNeeds() {
        DefinitionParser.Result result = parser.parse("""
                id: reads
                steps:
                  - {id: a, type: log}
                  - {id: b, type: log, with: {v: "${steps.a.output}"}}
                  - {id: c, type: log, needs: [b], with: {v: "${steps.a.output} ${steps.zz.output}"}}
                """);
        String all = errorLines(result);
        assertHas(all, "4:5 steps[1]: step 'b' reads steps.a but does not need 'a'");
        assertHas(all, "5:5 steps[2]: step 'c' reads steps.a but does not need 'a'");
        assertHas(all, "5:5 steps[2]: step 'c' reads steps.zz, but there is no step 'zz'");
        assertEquals(all, 3, result.errors().size());
    }

    @Test
    public void anInputSchemaThatIsNotJsonSchemaIsAnError() {
        DefinitionParser.Result result = parser.parse("id: s\ninputs:\n  type: object\n  required: orderId\nsteps:\n  - {id: a, type: log}\n");
        assertFalse(result.valid());
        String first = result.errors().get(0).toString();
        assertTrue(first, first.startsWith("3:3 inputs: not a valid JSON Schema"));
        assertTrue(first, first.contains("required"));
    }

    @Test
    public void jsonIsAcceptedToo() {
        DefinitionParser.Result result = parser.parse("""
                {"id": "json-flow", "steps": [{"id": "one", "type": "log", "with": {"message": "hi"}}]}
                """);
        assertEquals(List.of(), result.errors());
        assertEquals("json-flow", result.definition().id());
    }

    @Test
    public void malformedDocumentsSayWhere() {
        assertFirst(parser.parse("id: x\nsteps:\n  - id: a\n   type: log\n"), "4:4", "not valid YAML or JSON");
        assertFirst(parser.parse("{\"id\": \"x\", \"steps\": [}"), "1:", "not valid YAML or JSON");
        assertFirst(parser.parse("- just\n- a list\n"), "1:1", "a workflow is a mapping");
        assertFirst(parser.parse(""), "1:1 ", "the document is empty");
        assertFirst(parser.parse("id: a\n---\nid: b\n"), "", "not valid YAML or JSON");
        assertFirst(parser.parse("id: a\nid: b\nsteps: []\n"), "2:1", "'id' is given twice");
    }

    @Test(timeout = 20_000)
    public void aliasesCannotMultiplyTheExpressionsToCheck() {
        // 48 aliases (under YAML's limit of 50) that double a list of 10 bad expressions 24 times: 167 million of them
        StringBuilder with = new StringBuilder("{a0: &a0 [" + String.join(", ", java.util.Collections.nCopies(10, "'${x}'")) + "]");
        for (int i = 1; i < 25; i++) {
            with.append(", a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]");
        }
        with.append("}");
        DefinitionParser.Result result = parser.parse("id: doubling\nsteps:\n  - {id: s, type: log, with: " + with + "}\n");
        assertFalse(result.valid());
        assertTrue(result.errors().size() + " errors", result.errors().size() <= 100_001);
        assertTrue(result.errors().stream().anyMatch(e -> e.message().contains("expands to more than 100000 values")));
    }

    @Test
    public void hostileDocumentsAreRefusedQuickly() {
        StringBuilder laughs = new StringBuilder("id: lol\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 30; i++) {
            laughs.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1)
                    .append(", *a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        laughs.append("steps:\n  - {id: s, type: log, with: {v: *a29}}\n");
        long start = System.nanoTime();
        DefinitionParser.Result bomb = parser.parse(laughs.toString());
        assertFalse(bomb.valid());
        assertTrue((System.nanoTime() - start) / 1_000_000 + " ms", System.nanoTime() - start < 5_000_000_000L);

        DefinitionParser.Result deep = parser.parse("id: deep\nsteps:\n  - {id: s, type: log, with: " + "[".repeat(200) + "]".repeat(200) + "}\n");
        assertFalse(deep.valid());

        DefinitionParser.Result big = new DefinitionParser(100, t -> true).parse("id: big\ndescription: " + "x".repeat(200));
        assertFirst(big, "", "at most 100 are accepted");
    }

    @Test
    public void aStepWithoutAValidIdIsReportedAndTakesNoPartInTheGraph() {
        DefinitionParser.Result result = parser.parse("""
                id: ids
                steps:
                  - type: log
                    needs: [b]
                  - id: [x]
                    type: log
                  - id: Not_Valid
                    type: log
                    needs: [a]
                  - id: a
                    type: log
                    needs: [Not_Valid]
                  - id: b
                    type: log
                """);
        String errors = errorLines(result);
        assertHas(errors, "3:5 steps[0].id: 'id' is required");
        assertHas(errors, "5:9 steps[1].id: 'id' must be a single value");
        assertHas(errors, "7:9 steps[2].id: 'Not_Valid' is not a valid id");
        assertEquals(errors, 3, result.errors().size());
    }

    @Test
    public void valuesNestingTooDeeplyThroughAliasesAreAnError() {
        assertFirst(parser.parse("id: loop\nsteps:\n  - {id: s, type: log, with: &r [a, *r]}\n"), "3:", "nest more than 64 levels");
        assertFirst(parser.parse("id: loop\nsteps:\n  - {id: s, type: log, with: {k: &r {k: *r}}}\n"), "3:", "nest more than 64 levels");
    }

    @Test
    public void aNumberBeyondTheRangeOfJsonIsAnError() {
        assertFirst(parser.parse("id: big\nsteps:\n  - {id: s, type: log, with: {x: 1e400}}\n"), "3:34 steps[0].with.x", "too large");
        assertFirst(parser.parse("id: big\nsteps:\n  - {id: s, type: log, with: {x: " + "9".repeat(400) + "}}\n"), "3:34 steps[0].with.x", "too large");
        assertHas(errorLines(parser.parse("id: big\ninputs: {type: object, properties: {a: {type: -1e400}}}\nsteps:\n  - {id: s, type: log}\n")),
                "2:47 inputs.properties.a.type: the number -1e400 is too large");
    }

    @Test
    public void everyErrorOfTheDocumentAsAWholeHasAPlace() {
        assertFirst(parser.parse(""), "1:1 ", "the document is empty");
        assertFirst(parser.parse("# only a comment\n"), "1:1 ", "the document is empty");
        assertFirst(parser.parse("id: x\nsteps:\n  - {id: a, type: \"l\u0000g\"}\n"), "3:21 ", "special characters are not allowed (character U+0000)");
        assertFirst(parser.parse("id: x\ndescription: \"\uD83D\uDE00\u2028\u0007\"\n"), "3:1 ", "special characters are not allowed (character U+0007)");
        assertFirst(parser.parse("id: a\nx: &a [1]\ny: [" + "*a, ".repeat(60) + "]\n"), "3:205 ", "Number of aliases");
        assertFirst(parser.parse("id: a\nsteps:\n  - {id: s, type: log, with: " + "[".repeat(70) + "]".repeat(70) + "}\n"), "3:", "Nesting Depth");
        assertFirst(new DefinitionParser(10, t -> true).parse("id: big\ndescription: x\n"), "1:1 ", "at most 10 are accepted");
    }

    private static void assertFirst(DefinitionParser.Result result, String where, String text) {
        assertFalse(result.valid());
        String first = result.errors().get(0).toString();
        assertTrue(first, first.startsWith(where));
        assertTrue(first, first.contains(text));
    }

    /** The result's errors, one per line, as they are shown to users. */
    private static String errorLines(DefinitionParser.Result result) {
        return result.errors().stream().map(ValidationMessage::toString).collect(Collectors.joining("\n"));
    }

    private static void assertHas(String all, String expected) {
        assertTrue("expected a line starting with\n  " + expected + "\nin\n" + all,
                all.lines().anyMatch(line -> line.startsWith(expected)));
    }
}
