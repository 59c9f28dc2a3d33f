package dev.conflux.workflow.internal.definition;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;

public class ExpressionsTest {

    private final Map<String, Object> data = Map.of(
            "inputs", Map.of("orderId", "o-17", "count", 3),
            "steps", Map.of("fetch", Map.of("output", Map.of("lines", List.of(1, 2, 3))),
                    "check-line", Map.of("output", List.of("a", "b"))),
            "run", Map.of("id", "r-1", "attempt", 1));

    @Test
    public void aWholeExpressionKeepsItsType() {
        assertEquals(List.of(1, 2, 3), Expressions.evaluate("${steps.fetch.output.lines}", data));
        assertEquals(Boolean.TRUE, Expressions.evaluate("${size(steps['check-line'].output) > 0}", data));
        assertEquals(6, ((Number) Expressions.evaluate("${inputs.count * 2}", data)).intValue());
    }

    @Test
    public void arrayLiteralsAreLists() {
        assertEquals(List.of(1, 2, 3), Expressions.evaluate("${[1, 2, 3]}", data));
    }

    @Test
    public void templatesInterpolate() {
        assertEquals("order o-17 checked", Expressions.evaluate("order ${inputs.orderId} checked", data));
        assertEquals(Map.of("m", "o-17/r-1", "n", 5),
                Expressions.evaluateTree(Map.of("m", "${inputs.orderId}/${run.id}", "n", 5), data));
    }

    @Test
    public void theSandboxAllowsNoClassesMethodsLoopsOrAssignments() {
        for (String escape : List.of(
                "${''.getClass().forName('java.lang.Runtime')}",
                "${inputs.orderId.getClass()}",
                "${new('java.io.File', '/etc/passwd')}",
                "${for (x : [1, 2]) { x }}",
                "${while (true) { 1 }}",
                "${inputs.count = 5}",
                "${var x = 1}",
                "${(x) -> x}",
                "${java.lang.System.exit(0)}")) {
            assertFalse(escape + " was accepted", Expressions.check(escape).isEmpty());
        }
    }

    @Test
    public void onlyTheRunsVariablesCanBeRead() {
        assertTrue(Expressions.check("${inputs.orderId} ${steps.fetch.output} ${item} ${run.id}").isEmpty());
        assertEquals(1, Expressions.check("${env.HOME}").size());
        assertTrue(Expressions.check("${env.HOME}").get(0).contains("unknown variable 'env'"));
    }

    @Test
    public void referencedStepsAreFound() {
        assertEquals(Set.of("fetch", "check-line"),
                Expressions.referencedSteps("${steps.fetch.output} and ${size(steps['check-line'].output)}"));
    }

    @Test
    public void evaluationErrorsSayWhatWentWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Expressions.evaluate("${inputs.missing.deeper}", data));
        assertTrue(e.getMessage(), e.getMessage().startsWith("expression error"));
    }

    @Test
    public void overlongExpressionsAreRefused() {
        assertFalse(Expressions.check("${" + "1 + ".repeat(2000) + "1}").isEmpty());
    }

    @Test(timeout = 10_000) // unbounded, the match below backtracks for far longer
    public void aRegularExpressionMatchIsBoundedInTime() {
        assertEquals(true, Expressions.evaluate("${'abc' =~ 'a.c'}", Map.of()));
        assertEquals(true, Expressions.evaluate("${'abc' !~ 'x+'}", Map.of()));
        String text = "a".repeat(40) + "!";
        long start = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Expressions.evaluate("${inputs.text =~ '(.*a){20}'}", Map.of("inputs", Map.of("text", text))));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("expression error: a regular expression match took longer than 100 ms", e.getMessage());
        assertTrue("gave up after " + millis + " ms", millis < 2_000);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Expressions.evaluate("${'x' =~ '('}", Map.of()));
        assertTrue(bad.getMessage(), bad.getMessage().startsWith("expression error: Unclosed group"));
    }

    @Test
    public void deeplyNestedExpressionsAreRefusedBeforeTheParserRecurses() {
        for (String deep : List.of("${" + "(".repeat(400) + "1" + ")".repeat(400) + "}", "${" + "[".repeat(400) + "]".repeat(400) + "}",
                "${" + "!".repeat(1990) + "true}", "${" + "- ".repeat(1990) + "1}")) {
            List<String> problems = Expressions.check(deep);
            assertEquals(1, problems.size());
            assertTrue(problems.get(0), problems.get(0).contains("at most " + Expressions.MAX_NESTING + " levels deep"));
        }
        assertEquals(List.of(), Expressions.check("${" + "(".repeat(30) + "inputs.count" + ")".repeat(30) + " + ')))((((' + 1}"));
        assertEquals(List.of(), Expressions.check("${" + "1 + ".repeat(900) + "1}"));
        // the template's own text is not an expression: dashes and brackets there do not count
        assertEquals(List.of(), Expressions.check("-".repeat(80) + " ((((" .repeat(20) + " ${inputs.count}"));
        // nor does a quote in it hide the brackets of the expression after it
        List<String> quoted = Expressions.check("don't ${" + "(".repeat(400) + "1" + ")".repeat(400) + "}");
        assertEquals(1, quoted.size());
        assertTrue(quoted.get(0), quoted.get(0).contains("levels deep"));
    }
}
