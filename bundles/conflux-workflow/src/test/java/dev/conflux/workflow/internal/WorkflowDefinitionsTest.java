package dev.conflux.workflow.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.ServiceReference;

import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.DeployResult;
import dev.conflux.api.workflow.ValidationMessage;
import dev.conflux.store.internal.FlywaySchemaMigrator;

public class WorkflowDefinitionsTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final StepTypeRegistry registry = new StepTypeRegistry();

    @Test
    public void aStepTypeIsFoundByItsPropertyAndOneWhosePropertyDiffersFromItsNameIsRefused() {
        registry.addStepType(type("fetch"), reference(1, "fetch"));
        registry.addStepType(type("mail"), reference(2, "email"));
        registry.addStepType(type("nameless"), reference(3, null));
        assertTrue(registry.isAvailable("fetch"));
        assertFalse("its property says email, its name() mail", registry.isAvailable("email"));
        assertFalse(registry.isAvailable("mail"));
        assertFalse(registry.isAvailable("nameless"));
        registry.removeStepType(type("mail"), reference(2, "email"));
        assertEquals(List.of("fetch"), List.copyOf(registry.available().keySet()));
    }

    @Test
    public void aLiteralWithThatCannotFitItsTypesSchemaIsAWarningAtValidationAndDeployment() {
        registry.addStepType(type("fetch"), reference(1, "fetch"));
        WorkflowDefinitions definitions = definitions();
        String source = """
                id: typed
                steps:
                  - {id: ok, type: fetch, with: {url: "http://x"}}
                  - {id: later, type: fetch, with: {url: "${inputs.url}"}}
                  - id: wrong
                    type: fetch
                    with: {url: 42}
                """;
        List<ValidationMessage> warnings = definitions.validate(source).warnings();
        assertEquals(warnings.toString(), 1, warnings.size());
        ValidationMessage warning = warnings.get(0);
        assertEquals("the step's line", 5, warning.line());
        assertEquals("steps[2].with", warning.path());
        assertTrue(warning.message(), warning.message().startsWith("step 'wrong': its 'with' does not fit step type 'fetch'"));
        assertTrue(warning.message(), warning.message().contains("$.url"));
        DeployResult deployed = definitions.deploy(source, "test");
        assertEquals(warnings, deployed.warnings());
    }

    private WorkflowDefinitions definitions() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + new File(folder.getRoot(), "db").getAbsolutePath() + ";DB_CLOSE_DELAY=-1");
        WorkflowConfig config = (WorkflowConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WorkflowConfig.class}, (proxy, method, args) -> method.getDefaultValue());
        return new WorkflowDefinitions(dataSource, new FlywaySchemaMigrator(dataSource), registry, config);
    }

    private static StepType type(String name) {
        return TestStepTypes.of(name, Map.of("type", "object", "required", List.of("url"),
                "properties", Map.of("url", Map.of("type", "string"))), context -> StepResult.success(null));
    }

    /** A service reference with an id and a {@value StepType#TYPE_PROPERTY} property (none when null). */
    @SuppressWarnings("unchecked")
    private static ServiceReference<StepType> reference(long id, String typeProperty) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("service.id", id);
        if (typeProperty != null) {
            properties.put(StepType.TYPE_PROPERTY, typeProperty);
        }
        return (ServiceReference<StepType>) Proxy.newProxyInstance(WorkflowDefinitionsTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getBundle" -> null;
                    case "compareTo" -> Long.compare((Long) properties.get("service.id"),
                            (Long) ((ServiceReference<?>) args[0]).getProperty("service.id"));
                    case "equals" -> proxy == args[0] || args[0] instanceof ServiceReference<?> other
                            && properties.get("service.id").equals(other.getProperty("service.id"));
                    case "hashCode" -> properties.get("service.id").hashCode();
                    case "toString" -> "reference " + properties;
                    default -> null;
                });
    }
}
