package dev.conflux.workflow.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.Before;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.conflux.api.workflow.DeployResult;
import dev.conflux.api.workflow.ValidationMessage;
import dev.conflux.api.workflow.WorkflowValidationException;
import dev.conflux.store.internal.FlywaySchemaMigrator;
import dev.conflux.workflow.internal.definition.DefinitionParserTest;
import dev.conflux.workflow.internal.definition.DocumentMutator;

/**
 * Deploys mutated workflow documents, YAML and JSON, as a new user might POST them: each must be
 * stored, or refused with a {@link WorkflowValidationException} whose every error says where it is.
 * One run uses a fixed seed and one from the clock; a failure prints the seed, the mutations and
 * the document.
 */
public class DefinitionFuzzTest {

    static final long FIXED_SEED = 0x5EED_F0221L;
    /** Mutants per seed of the random generator, over all seed documents. */
    static final int MUTANTS_PER_SEED = 5_000;
    /** Longest a single document may take; generous for a loaded 2-core machine, far below "unbounded". */
    static final long MAX_MILLIS_PER_DOCUMENT = 5_000;

    /** Valid seed documents by name, YAML and their JSON form. */
    static final Map<String, String> SEEDS = seeds();

    private WorkflowDefinitions definitions;

    static Map<String, String> seeds() {
        Map<String, String> yaml = new LinkedHashMap<>();
        yaml.put("order-intake.yaml", DefinitionParserTest.ORDER_INTAKE);
        yaml.put("retries.yaml", """
                id: retries
                description: "Retries, a timeout, a guarded step and a failure path"
                timeout: 10m
                inputs:
                  type: object
                  properties:
                    count: {type: integer, minimum: 0, maximum: 100}
                    tags: {type: array, items: {type: string, maxLength: 20}}
                  additionalProperties: false
                steps:
                  - id: first
                    type: transform
                    with: {count: "${inputs.count}", nested: {list: [1, "two", 3.5, true, null]}}
                    retry:
                      max: 3
                      backoff: fixed
                      initial: 250ms
                      jitter: false
                  - id: each
                    type: log
                    needs: first
                    foreach: "${inputs.tags}"
                    concurrency: 2
                    continueOnError: true
                    with: {message: "tag ${item}"}
                  - id: last
                    type: log
                    needs: [first, each]
                    when: true
                    timeout: PT30S
                    with:
                      message: "done ${steps.first.output.count}"
                onFailure:
                  - id: cleanup
                    type: log
                    with: {message: failed}
                  - id: report
                    type: log
                    needs: [cleanup]
                    with: {message: "${steps.cleanup.output}"}
                triggers:
                  - event: conflux/demo/retries
                """);
        yaml.put("minimal.yaml", "id: minimal\nsteps:\n  - id: only\n    type: log\n");
        Map<String, String> seeds = new LinkedHashMap<>(yaml);
        ObjectMapper json = new ObjectMapper();
        YAMLMapper reader = new YAMLMapper();
        yaml.forEach((name, document) -> {
            try {
                seeds.put(name.replace(".yaml", ".json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(reader.readTree(document)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the seed " + name + " is not YAML", e);
            }
        });
        return seeds;
    }

    @Before
    public void definitions() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:fuzz-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        WorkflowConfig config = (WorkflowConfig) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {WorkflowConfig.class},
                (proxy, method, args) -> method.getName().equals("maxDocumentBytes") ? 1 << 20 : method.getDefaultValue());
        definitions = new WorkflowDefinitions(dataSource, new FlywaySchemaMigrator(dataSource), new StepTypeRegistry(), config);
    }

    @Test
    public void theSeedsDeploy() {
        SEEDS.forEach((name, document) -> assertTrue(name, definitions.deploy(document, name).version() >= 1));
    }

    @Test
    public void mutatedDocumentsAreStoredOrRefusedWithLocatedErrors() {
        long clockSeed = System.currentTimeMillis();
        Map<String, String> failures = new LinkedHashMap<>();
        int stored = 0;
        for (long seed : new long[] {FIXED_SEED, clockSeed}) {
            stored += fuzz(seed, failures);
        }
        System.out.println("DefinitionFuzzTest: " + stored + " of " + 2 * MUTANTS_PER_SEED + " mutants stored (seeds " + FIXED_SEED + "L, " + clockSeed + "L)");
        // mutants that are all valid or all refused would test one path only
        assertTrue(stored + " stored", stored > MUTANTS_PER_SEED / 50 && stored < MUTANTS_PER_SEED);
        if (!failures.isEmpty()) {
            fail(failures.size() + " kinds of failure (the first mutant of each):\n\n" + String.join("\n\n", failures.values()));
        }
    }

    /** Deploys the seed's mutants, keeping the first failure of each kind (exception and where it was thrown); how many were stored. */
    private int fuzz(long seed, Map<String, String> failures) {
        int stored = 0;
        DocumentMutator mutator = new DocumentMutator(seed);
        List<Map.Entry<String, String>> seeds = List.copyOf(SEEDS.entrySet());
        for (int i = 0; i < MUTANTS_PER_SEED; i++) {
            Map.Entry<String, String> original = seeds.get(i % seeds.size());
            DocumentMutator.Mutant mutant = mutator.mutate(original.getKey(), original.getValue());
            long start = System.nanoTime();
            try {
                DeployResult deployed = definitions.deploy(mutant.document(), "fuzz");
                assertEquals(mutant.document(), definitions.source(deployed.id(), deployed.version()).orElse(null));
                assertTrue(definitions.version(deployed.id(), deployed.version()).isPresent());
                stored++;
            } catch (WorkflowValidationException e) {
                String unlocated = unlocated(e.errors(), mutant.document());
                if (unlocated != null) {
                    failures.putIfAbsent(unlocated.replaceAll("\\d+", "N").lines().findFirst().orElse(""), failure(seed, i, mutant, unlocated));
                }
            } catch (RuntimeException | AssertionError | StackOverflowError e) {
                StackTraceElement[] frames = e.getStackTrace();
                failures.putIfAbsent(e.getClass().getName() + (frames.length == 0 ? "" : " at " + frames[0]),
                        failure(seed, i, mutant, "neither stored nor refused with located errors: " + stackTrace(e)));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > MAX_MILLIS_PER_DOCUMENT) {
                failures.putIfAbsent("slow", failure(seed, i, mutant, "took " + millis + " ms"));
            }
        }
        return stored;
    }

    /** What is wrong with the errors of a refused document: none, or one without a place in it; null when all is well. */
    static String unlocated(List<ValidationMessage> errors, String document) {
        if (errors.isEmpty()) {
            return "refused without an error";
        }
        int lines = document.split("\r\n|[\n\r\u0085\u2028\u2029]", -1).length; // the line breaks of YAML
        for (ValidationMessage error : errors) {
            if (error.line() < 1 || error.column() < 1 || error.line() > lines + 1 || error.message() == null || error.message().isBlank()) {
                return "an error without a place in the document: " + error + "\nall errors: " + errors;
            }
        }
        return null;
    }

    static String failure(long seed, int index, DocumentMutator.Mutant mutant, String what) {
        return "fuzz seed " + seed + "L, mutant #" + index + " (replay: new DocumentMutator(" + seed + "L), mutate " + (index + 1)
                + " times over the seeds in order): " + what + "\n" + mutant;
    }

    static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() > 6_000 ? text.substring(0, 6_000) + "..." : text;
    }
}
