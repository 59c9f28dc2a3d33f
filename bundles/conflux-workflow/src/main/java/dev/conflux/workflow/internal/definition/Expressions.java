package dev.conflux.workflow.internal.definition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JxltEngine;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * The {@code ${...}} expressions of workflow documents, on Apache Commons JEXL.
 *
 * <p>Sandboxed by construction: the language features that could loop, allocate objects, call
 * methods, assign or reach classes are switched off ({@link JexlFeatures}), and JEXL's restricted
 * permissions deny reflection on top. What is left are bounded expressions over the run's data:
 * property and index access ({@code steps['check-line'].output}), arithmetic, comparison, logic,
 * the ternary, string and collection literals, and the functions {@code size()} and {@code empty()}.
 * Evaluation time is bounded by the expression's length, itself limited to
 * {@value #MAX_LENGTH} characters, except for one operator: a regular expression match
 * ({@code =~}, {@code !~}) can backtrack for hours on a crafted pattern or input, so a match that
 * takes longer than {@value #MATCH_MILLIS} ms fails the expression.
 *
 * <p>A string that is exactly one {@code ${...}} evaluates to the expression's value with its type
 * (a list stays a list); any other string is a template whose expressions are interpolated.
 */
public final class Expressions {

    /** The variables an expression may read. */
    public static final Set<String> VARIABLES = Set.of("inputs", "steps", "item", "run");

    /** Longest expression text accepted. */
    public static final int MAX_LENGTH = 4_000;

    /** How deep brackets and prefix operators may nest: JEXL's parser recurses on each level, and overflowed the stack at a few hundred. */
    public static final int MAX_NESTING = 64;

    /** Longest time a regular expression match may take. */
    public static final long MATCH_MILLIS = 100;

    private static final JexlEngine JEXL = new JexlBuilder()
            .arithmetic(new BoundedArithmetic(true, null, Integer.MIN_VALUE))
            .features(new JexlFeatures()
                    .loops(false).lambda(false).thinArrow(false).fatArrow(false)
                    .newInstance(false).methodCall(false)
                    .sideEffect(false).sideEffectGlobal(false)
                    .localVar(false).script(false).annotation(false)
                    .pragma(false).importPragma(false).namespacePragma(false).register(false))
            .permissions(JexlPermissions.RESTRICTED)
            .strict(true)
            .silent(false)
            .safe(false)
            .cache(1024)
            .create();

    private static final JxltEngine TEMPLATES = JEXL.createJxltEngine(true);

    private Expressions() {
    }

    /** Whether a string holds an expression at all. */
    public static boolean isTemplate(String text) {
        return text != null && text.contains("${");
    }

    /**
     * Parses a template and returns its problems (empty when valid): syntax errors, features that
     * are not allowed, variables other than {@link #VARIABLES}.
     */
    public static List<String> check(String text) {
        List<String> problems = new ArrayList<>();
        if (text.length() > MAX_LENGTH) {
            problems.add("an expression may have at most " + MAX_LENGTH + " characters, this one has " + text.length());
            return problems;
        }
        if (nesting(text) > MAX_NESTING) {
            problems.add("an expression may nest brackets and operators such as '!' and '-' at most " + MAX_NESTING + " levels deep");
            return problems;
        }
        try {
            JxltEngine.Expression expression = TEMPLATES.createExpression(text);
            if (expression.isDeferred()) {
                problems.add("'#{...}' is not supported; write expressions as ${...}");
            }
            for (List<String> variable : expression.getVariables()) {
                if (!variable.isEmpty() && !VARIABLES.contains(variable.get(0))) {
                    problems.add("unknown variable '" + variable.get(0) + "'; expressions can read "
                            + String.join(", ", VARIABLES.stream().sorted().toList()));
                }
            }
        } catch (JexlException e) {
            problems.add(describe(e));
        }
        return problems;
    }

    /**
     * The deepest nesting inside the template's expressions ({@code ${...}}, and {@code #{...}},
     * which is refused later but parsed first), outside their string literals: open brackets plus
     * the run of prefix operators ({@code !}, {@code -}, {@code +}, {@code ~}) at a point. The
     * template's literal text does not count.
     */
    static int nesting(String text) {
        int deepest = 0;
        int start = nextExpression(text, 0);
        while (start >= 0) {
            int brackets = 0;
            int prefixes = 0;
            char quote = 0;
            int i = start + 2;
            for (; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quote != 0) {
                    if (c == '\\') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                    continue;
                }
                if (c == '}' && brackets == 0) {
                    break; // the end of this expression
                }
                switch (c) {
                    case '\'', '"' -> quote = c;
                    case '(', '[', '{' -> brackets++;
                    case ')', ']', '}' -> brackets = Math.max(0, brackets - 1);
                    case '!', '-', '+', '~' -> prefixes++;
                    default -> {
                        if (!Character.isWhitespace(c)) {
                            prefixes = 0;
                        }
                    }
                }
                deepest = Math.max(deepest, brackets + prefixes);
            }
            start = nextExpression(text, i + 1);
        }
        return deepest;
    }

    private static int nextExpression(String text, int from) {
        for (int i = Math.max(0, from); i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if ((c == '$' || c == '#') && text.charAt(i + 1) == '{') {
                return i;
            }
        }
        return -1;
    }

    /** The step ids an expression reads through {@code steps.<id>} or {@code steps['<id>']}. */
    public static Set<String> referencedSteps(String text) {
        Set<String> ids = new java.util.TreeSet<>();
        try {
            for (List<String> variable : TEMPLATES.createExpression(text).getVariables()) {
                if (variable.size() > 1 && "steps".equals(variable.get(0))) {
                    ids.add(variable.get(1));
                }
            }
        } catch (JexlException e) {
            // reported by check()
        }
        return ids;
    }

    /**
     * Evaluates a template against the run's data.
     *
     * @throws IllegalArgumentException with a message fit for the run's log when evaluation fails
     */
    public static Object evaluate(String text, Map<String, Object> variables) {
        try {
            return plain(TEMPLATES.createExpression(text).evaluate(new MapContext(new LinkedHashMap<>(variables))));
        } catch (JexlException | IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    /** JEXL's array literals ({@code [1, 2]}) come back as Java arrays; workflows see lists, as in JSON. */
    private static Object plain(Object value) {
        if (value != null && value.getClass().isArray()) {
            int length = java.lang.reflect.Array.getLength(value);
            List<Object> list = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                list.add(plain(java.lang.reflect.Array.get(value, i)));
            }
            return list;
        }
        return value;
    }

    /** Evaluates every template inside a JSON-like tree, leaving other values as they are. */
    public static Object evaluateTree(Object tree, Map<String, Object> variables) {
        if (tree instanceof String text) {
            return isTemplate(text) ? evaluate(text, variables) : text;
        }
        if (tree instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((key, value) -> result.put(String.valueOf(key), evaluateTree(value, variables)));
            return result;
        }
        if (tree instanceof List<?> list) {
            List<Object> result = new ArrayList<>(list.size());
            list.forEach(value -> result.add(evaluateTree(value, variables)));
            return result;
        }
        return tree;
    }

    /** JEXL's arithmetic, with regular expression matches bounded in time. */
    static final class BoundedArithmetic extends org.apache.commons.jexl3.JexlArithmetic {

        BoundedArithmetic(boolean strict, java.math.MathContext context, int scale) {
            super(strict, context, scale);
        }

        @Override
        protected org.apache.commons.jexl3.JexlArithmetic createWithOptions(boolean strict, java.math.MathContext context, int scale) {
            return new BoundedArithmetic(strict, context, scale);
        }

        @Override
        public Boolean contains(Object container, Object value) {
            if (value != null && (container instanceof CharSequence || container instanceof java.util.regex.Pattern)) {
                java.util.regex.Pattern pattern = container instanceof java.util.regex.Pattern p ? p
                        : java.util.regex.Pattern.compile(container.toString());
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(MATCH_MILLIS);
                return pattern.matcher(new Timed(value.toString(), deadline)).matches();
            }
            return super.contains(container, value);
        }
    }

    /** Text that stops a regular expression reading it once its deadline has passed. */
    private record Timed(String text, long deadline) implements CharSequence {

        @Override
        public char charAt(int index) {
            if (System.nanoTime() > deadline) {
                throw new MatchTimedOut();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Timed(text.substring(start, end), deadline);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class MatchTimedOut extends IllegalArgumentException {
        MatchTimedOut() {
            super("a regular expression match took longer than " + MATCH_MILLIS + " ms");
        }
    }

    /** JEXL's messages start with an internal location ("...JexlEngine@1:3"); people want the problem. */
    private static String describe(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MatchTimedOut || c instanceof java.util.regex.PatternSyntaxException) {
                return "expression error: " + c.getMessage().replace('\n', ' ').trim();
            }
        }
        Throwable cause = e;
        while (cause.getCause() instanceof JexlException && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int detail = message.indexOf(' ');
        String text = detail > 0 && message.substring(0, detail).contains("@") ? message.substring(detail + 1) : message;
        return "expression error: " + text.replace('\n', ' ').trim();
    }
}
