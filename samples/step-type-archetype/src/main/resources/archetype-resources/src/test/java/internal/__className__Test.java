package ${package}.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

public class ${className}Test {

    private final ${className} step = new ${className}();

    @Test
    public void greetsByName() {
        TestStepContext context = new TestStepContext(Map.of("name", "Ada"));
        StepResult result = step.execute(context);
        assertEquals(StepResult.success(Map.of("text", "Hello, Ada!")), result);
        assertEquals("INFO greeted Ada", context.logLines().get(0));

        assertEquals(StepResult.success(Map.of("text", "Hi, Ada!")),
                step.execute(new TestStepContext(Map.of("name", "Ada", "greeting", "Hi"))));
    }

    @Test
    public void aMissingNameIsAPermanentFailureThatSaysWhy() {
        StepResult result = step.execute(new TestStepContext(Map.of("greeting", "Hi")));
        assertTrue("expected a failure, got " + result, result instanceof StepResult.Failure);
        StepResult.Failure failure = (StepResult.Failure) result;
        assertFalse("bad input fails the same way again", failure.retryable());
        assertTrue(failure.message(), failure.message().contains("'name'"));
    }

    @Test
    public void schemasDescribeTheInputAndTheOutput() {
        assertEquals("object", step.inputSchema().get("type"));
        assertTrue(step.inputSchema().containsKey("properties"));
        assertEquals("object", step.outputSchema().get("type"));
    }

    /**
     * The engine finds a step type by its service property and refuses one whose property differs
     * from name(): the descriptor that bnd writes from @Component (before the tests run) must say
     * the same name.
     */
    @Test
    public void isRegisteredUnderItsName() throws Exception {
        String descriptor = "OSGI-INF/" + ${className}.class.getName() + ".xml";
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(descriptor)) {
            assertNotNull(descriptor + " is missing: build with Maven (bnd-maven-plugin writes it)", in);
            Element component = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement();
            assertEquals(StepType.class.getName(),
                    ((Element) component.getElementsByTagName("provide").item(0)).getAttribute("interface"));
            NodeList properties = component.getElementsByTagName("property");
            String registeredName = null;
            for (int i = 0; i < properties.getLength(); i++) {
                Element property = (Element) properties.item(i);
                if (StepType.TYPE_PROPERTY.equals(property.getAttribute("name"))) {
                    registeredName = property.getAttribute("value");
                }
            }
            assertEquals(step.name(), registeredName);
        }
    }
}
