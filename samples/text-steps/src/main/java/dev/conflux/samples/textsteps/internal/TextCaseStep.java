package dev.conflux.samples.textsteps.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

/**
 * The {@code text-case} step type: changes the case of a text.
 *
 * <pre>
 * - id: shout
 *   type: text-case
 *   with: {text: "${inputs.name}", mode: upper}
 * </pre>
 *
 * Output: {@code {"text": "...", "length": n}}.
 */
@Component(property = StepType.TYPE_PROPERTY + "=" + TextCaseStep.NAME)
public class TextCaseStep implements StepType {

    static final String NAME = "text-case";
    private static final List<String> MODES = List.of("upper", "lower", "title");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Changes a text to upper, lower or title case.";
    }

    @Override
    public Map<String, Object> inputSchema() {
        return Map.of(
                "type", "object",
                "required", List.of("text"),
                "properties", Map.of(
                        "text", Map.of("type", "string"),
                        "mode", Map.of("type", "string", "enum", MODES, "default", "upper")));
    }

    @Override
    public StepResult execute(StepContext context) {
        Object text = context.inputs().get("text");
        if (!(text instanceof String value)) {
            return StepResult.permanentFailure("'text' must be a string, got " + describe(text));
        }
        Object mode = context.inputs().getOrDefault("mode", "upper");
        if (!MODES.contains(mode)) {
            return StepResult.permanentFailure("'mode' must be one of " + MODES + ", got " + describe(mode));
        }
        String result = switch ((String) mode) {
            case "lower" -> value.toLowerCase(Locale.ROOT);
            case "title" -> titleCase(value);
            default -> value.toUpperCase(Locale.ROOT);
        };
        context.logger().debug("changed " + value.length() + " characters to " + mode + " case");
        return StepResult.success(Map.of("text", result, "length", result.length()));
    }

    static String titleCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean startOfWord = true;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            out.appendCodePoint(startOfWord ? Character.toTitleCase(cp) : Character.toLowerCase(cp));
            startOfWord = Character.isWhitespace(cp);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static String describe(Object value) {
        return value == null ? "nothing" : value.getClass().getSimpleName() + " '" + value + "'";
    }
}
