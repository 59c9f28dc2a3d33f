package dev.conflux.workflow.internal.definition;

import java.io.StringReader;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

import dev.conflux.api.workflow.ValidationMessage;
import dev.conflux.workflow.internal.schema.JsonSchemas;

/**
 * Reads a workflow document (YAML, or JSON, which YAML includes) into a {@link WorkflowDefinition},
 * collecting every problem with its line and column instead of stopping at the first.
 *
 * <p>SnakeYAML composes the node tree, which keeps each node's position; this class walks it.
 * Hostile documents are bounded: size, nesting depth, alias count and the number of nodes an
 * alias may expand to.
 */
public final class DefinitionParser {

    /** Ids of workflows and steps. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9.-]{0,99}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    private static final List<String> ROOT_KEYS = List.of("id", "description", "inputs", "triggers", "steps", "onFailure", "timeout");
    private static final List<String> STEP_KEYS = List.of("id", "type", "description", "needs", "with", "when", "foreach",
            "concurrency", "retry", "timeout", "continueOnError");
    private static final List<String> RETRY_KEYS = List.of("max", "backoff", "initial", "maxDelay", "jitter");
    private static final int MAX_NODES = 100_000;
    /** How deep values may nest, in the text and once aliases are expanded. */
    private static final int MAX_DEPTH = 64;
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final int maxBytes;
    private final Predicate<String> stepTypeAvailable;

    /**
     * @param maxBytes the largest document accepted
     * @param stepTypeAvailable whether a bundle provides a step type now (a missing one is a warning)
     */
    public DefinitionParser(int maxBytes, Predicate<String> stepTypeAvailable) {
        this.maxBytes = maxBytes;
        this.stepTypeAvailable = stepTypeAvailable;
    }

    /** The outcome: a definition when there are no errors. */
    public record Result(WorkflowDefinition definition, String id, List<ValidationMessage> errors, List<ValidationMessage> warnings) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    public Result parse(String source) {
        Walk walk = new Walk();
        if (source == null || source.isBlank()) {
            walk.error(null, "", "the document is empty; a workflow needs at least an id and steps");
            return walk.result(null, null);
        }
        int bytes = source.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            walk.error(null, "", "the document has " + bytes + " bytes; at most " + maxBytes + " are accepted");
            return walk.result(null, null);
        }
        Node root;
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(maxBytes);
        options.setAllowRecursiveKeys(false);
        EventTrail events = new EventTrail(new ParserImpl(new StreamReader(new StringReader(source)), options));
        try {
            root = new Composer(events, new Resolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() == null ? "malformed" : e.getProblem();
            walk.errors.add(walk.at(mark, "", "not valid YAML or JSON: " + problem + (e.getContext() == null ? "" : " (" + e.getContext() + ")")));
            return walk.result(null, null);
        } catch (ReaderException e) {
            walk.errors.add(walk.at(codePointMark(source, e.getPosition()), "", "not valid YAML or JSON: " + e.getMessage()
                    + " (character U+" + String.format("%04X", e.getCodePoint()) + ")"));
            return walk.result(null, null);
        } catch (YAMLException e) {
            // the composer's limits (aliases, nesting) carry no mark; the event it was reading does
            walk.errors.add(walk.at(events.lastMark, "", "not valid YAML or JSON: " + e.getMessage()));
            return walk.result(null, null);
        }
        if (!(root instanceof MappingNode mapping)) {
            walk.error(root, "", root == null ? "the document is empty; a workflow needs at least an id and steps"
                    : "a workflow is a mapping (id: ..., steps: ...), not a " + kind(root));
            return walk.result(null, null);
        }
        return walk.workflow(mapping);
    }

    /** Where the code point at {@code index} is, counting lines and columns as YAML does. */
    private static Mark codePointMark(String source, int index) {
        int line = 0;
        int column = 0;
        int offset = 0;
        for (int i = 0; i < index && offset < source.length(); i++) {
            int c = source.codePointAt(offset);
            offset += Character.charCount(c);
            boolean crlf = c == '\r' && offset < source.length() && source.charAt(offset) == '\n';
            if (c == '\n' || (c == '\r' && !crlf) || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                line++;
                column = 0;
            } else {
                column++;
            }
        }
        return new Mark("document", index, line, column, new int[0], 0);
    }

    /** The YAML parser, remembering where the last event it handed out began. */
    private static final class EventTrail implements Parser {
        private final Parser parser;
        Mark lastMark;

        EventTrail(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event event = parser.getEvent();
            lastMark = event.getStartMark();
            return event;
        }
    }

    private static String kind(Node node) {
        return node instanceof SequenceNode ? "list" : node instanceof MappingNode ? "mapping" : "single value";
    }

    /** The state of one parse. */
    private final class Walk {
        final List<ValidationMessage> errors = new ArrayList<>();
        final List<ValidationMessage> warnings = new ArrayList<>();
        int nodes;
        /** Nodes {@link #expressionsIn} has looked at, within the same bound. */
        int checked;
        /** Whether a value nesting deeper than {@link #MAX_DEPTH} has been reported (once is enough). */
        boolean tooDeep;

        void error(Node node, String path, String message) {
            errors.add(at(node, path, message));
        }

        void warn(Node node, String path, String message) {
            warnings.add(at(node, path, message));
        }

        /** A finding at a node; one about the whole document (no node) is placed where the document starts. */
        ValidationMessage at(Node node, String path, String message) {
            return at(node == null ? null : node.getStartMark(), path, message);
        }

        ValidationMessage at(Mark mark, String path, String message) {
            return mark == null ? new ValidationMessage(1, 1, path, message)
                    : new ValidationMessage(mark.getLine() + 1, mark.getColumn() + 1, path, message);
        }

        Result result(WorkflowDefinition definition, String id) {
            errors.sort(java.util.Comparator.comparingInt(ValidationMessage::line).thenComparingInt(ValidationMessage::column));
            return new Result(errors.isEmpty() ? definition : null, id, List.copyOf(errors), List.copyOf(warnings));
        }

        Result workflow(MappingNode root) {
            Map<String, NodeTuple> keys = keys(root, "", ROOT_KEYS);
            String id = requiredString(keys, "id", root, "", ID, "lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters");
            String description = optionalString(keys, "description", "");
            Map<String, Object> inputs = inputs(keys.get("inputs"));
            List<Trigger> triggers = triggers(keys.get("triggers"));
            Duration timeout = duration(keys.get("timeout"), "timeout");

            List<StepDefinition> steps = new ArrayList<>();
            Map<String, Node> stepNodes = new LinkedHashMap<>();
            NodeTuple stepsTuple = keys.get("steps");
            if (stepsTuple == null) {
                error(root, "steps", "a workflow needs 'steps': a list of at least one step");
            } else {
                steps = steps(stepsTuple.getValueNode(), "steps", stepNodes, Set.of());
            }
            List<StepDefinition> onFailure = new ArrayList<>();
            Map<String, Node> failureNodes = new LinkedHashMap<>();
            NodeTuple failureTuple = keys.get("onFailure");
            if (failureTuple != null) {
                onFailure = steps(failureTuple.getValueNode(), "onFailure", failureNodes, stepNodes.keySet());
            }
            cycles(steps, stepNodes, "steps");
            cycles(onFailure, failureNodes, "onFailure"); // a cycle there would leave a failed run waiting forever
            if (errors.isEmpty()) {
                reads(steps, "steps", Set.of());
                Set<String> mainSteps = new LinkedHashSet<>();
                steps.forEach(step -> mainSteps.add(step.id()));
                reads(onFailure, "onFailure", mainSteps);
            }
            WorkflowDefinition definition = new WorkflowDefinition(id, description, inputs, triggers, steps, onFailure, timeout);
            return result(definition, id);
        }

        // ---- steps ----

        List<StepDefinition> steps(Node node, String path, Map<String, Node> stepNodes, Set<String> readable) {
            List<StepDefinition> steps = new ArrayList<>();
            if (!(node instanceof SequenceNode sequence)) {
                error(node, path, "'" + path + "' is a list of steps (each '- id: ...'), not a " + kind(node));
                return steps;
            }
            if (sequence.getValue().isEmpty() && path.equals("steps")) {
                error(node, path, "a workflow needs at least one step");
            }
            List<MappingNode> mappings = new ArrayList<>();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                String itemPath = path + "[" + i + "]";
                if (!(item instanceof MappingNode mapping)) {
                    error(item, itemPath, "a step is a mapping with at least 'id' and 'type', not a " + kind(item));
                    continue;
                }
                mappings.add(mapping);
                Node idNode = valueOf(mapping, "id");
                if (idNode instanceof ScalarNode scalar) {
                    Node first = stepNodes.putIfAbsent(scalar.getValue(), mapping);
                    if (first != null) {
                        error(idNode, itemPath + ".id", "duplicate step id '" + scalar.getValue() + "' (first at line "
                                + (first.getStartMark().getLine() + 1) + ")");
                    } else if (readable.contains(scalar.getValue())) {
                        error(idNode, itemPath + ".id", "step id '" + scalar.getValue() + "' is already used by a step in 'steps'");
                    }
                }
            }
            for (int i = 0; i < mappings.size(); i++) {
                StepDefinition step = step(mappings.get(i), path + "[" + sequence.getValue().indexOf(mappings.get(i)) + "]",
                        stepNodes, readable);
                if (step != null) {
                    steps.add(step);
                }
            }
            return steps;
        }

        StepDefinition step(MappingNode node, String path, Map<String, Node> siblings, Set<String> readable) {
            Map<String, NodeTuple> keys = keys(node, path, STEP_KEYS);
            String id = requiredString(keys, "id", node, path, STEP_ID, "lower-case letters, digits, '-' and '_', at most 64 characters");
            String type = requiredString(keys, "type", node, path, TYPE, "lower-case letters, digits, '.' and '-'");
            if (type != null && TYPE.matcher(type).matches() && !stepTypeAvailable.test(type)) {
                warn(keys.get("type").getValueNode(), path + ".type", "no installed bundle provides step type '" + type
                        + "' now; runs wait at this step until one does");
            }
            List<String> needs = new ArrayList<>();
            NodeTuple needsTuple = keys.get("needs");
            if (needsTuple != null) {
                Node value = needsTuple.getValueNode();
                List<Node> items = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
                for (Node item : items) {
                    if (!(item instanceof ScalarNode scalar)) {
                        error(item, path + ".needs", "'needs' lists step ids");
                        continue;
                    }
                    String need = scalar.getValue();
                    if (!siblings.containsKey(need)) {
                        error(item, path + ".needs", "unknown step '" + need + "' in needs; the steps here are: "
                                + String.join(", ", siblings.keySet()));
                    } else if (needs.contains(need)) {
                        error(item, path + ".needs", "'" + need + "' is listed twice in needs");
                    } else {
                        needs.add(need);
                    }
                }
            }
            Object with = Map.of();
            NodeTuple withTuple = keys.get("with");
            if (withTuple != null) {
                with = toJava(withTuple.getValueNode(), path + ".with");
                expressionsIn(withTuple.getValueNode(), path + ".with");
            }
            String when = expression(keys.get("when"), path + ".when", true);
            String foreach = expression(keys.get("foreach"), path + ".foreach", false);
            int concurrency = integer(keys.get("concurrency"), path + ".concurrency", 1, 1000, 4);
            if (keys.containsKey("concurrency") && foreach == null) {
                error(keys.get("concurrency").getKeyNode(), path + ".concurrency", "'concurrency' limits a foreach; this step has no 'foreach'");
            }
            RetryPolicy retry = retry(keys.get("retry"), path + ".retry");
            Duration timeout = duration(keys.get("timeout"), path + ".timeout");
            boolean continueOnError = bool(keys.get("continueOnError"), path + ".continueOnError", false);
            if (id == null || !STEP_ID.matcher(id).matches()) {
                return null; // its id's error is reported; a step without a valid id takes no part in the checks of the graph
            }
            return new StepDefinition(id, type, needs, with, when, foreach, concurrency, retry, timeout, continueOnError,
                    node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
        }

        void cycles(List<StepDefinition> steps, Map<String, Node> nodes, String path) {
            Map<String, List<String>> graph = new HashMap<>();
            steps.forEach(step -> graph.putIfAbsent(step.id(), step.needs()));
            Set<String> done = new HashSet<>();
            Set<String> reported = new HashSet<>();
            for (StepDefinition step : steps) {
                Deque<String> trail = new ArrayDeque<>();
                findCycle(step.id(), graph, done, trail, new HashSet<>(), nodes, path, reported);
            }
        }

        private void findCycle(String id, Map<String, List<String>> graph, Set<String> done, Deque<String> trail,
                Set<String> onTrail, Map<String, Node> nodes, String path, Set<String> reported) {
            if (done.contains(id)) {
                return;
            }
            if (onTrail.contains(id)) {
                List<String> cycle = new ArrayList<>();
                boolean in = false;
                for (String step : trail) {
                    in |= step.equals(id);
                    if (in) {
                        cycle.add(step);
                    }
                }
                cycle.add(id);
                Set<String> members = new java.util.TreeSet<>(cycle);
                if (reported.add(String.join(",", members))) {
                    error(nodes.get(cycle.get(0)), path, "steps form a cycle through 'needs': " + String.join(" -> ", cycle)
                            + "; no step of it could ever start");
                }
                return;
            }
            trail.addLast(id);
            onTrail.add(id);
            for (String need : graph.getOrDefault(id, List.of())) {
                findCycle(need, graph, done, trail, onTrail, nodes, path, reported);
            }
            trail.removeLast();
            onTrail.remove(id);
            done.add(id);
        }

        /** A step may read only the outputs of steps it needs, directly or through their needs. */
        void reads(List<StepDefinition> steps, String path, Set<String> alwaysReadable) {
            Map<String, StepDefinition> byId = new LinkedHashMap<>();
            steps.forEach(step -> byId.put(step.id(), step));
            for (int i = 0; i < steps.size(); i++) {
                StepDefinition step = steps.get(i);
                Set<String> before = new HashSet<>(alwaysReadable);
                Deque<String> todo = new ArrayDeque<>(step.needs());
                while (!todo.isEmpty()) {
                    String need = todo.pop();
                    if (before.add(need) && byId.containsKey(need)) {
                        todo.addAll(byId.get(need).needs());
                    }
                }
                Set<String> read = new java.util.TreeSet<>();
                collectReads(step.with(), read);
                if (step.when() != null) {
                    read.addAll(Expressions.referencedSteps(step.when()));
                }
                if (step.foreach() != null) {
                    read.addAll(Expressions.referencedSteps(step.foreach()));
                }
                for (String other : read) {
                    if (!before.contains(other)) {
                        boolean exists = byId.containsKey(other) || alwaysReadable.contains(other);
                        errors.add(new ValidationMessage(step.line(), step.column(), path + "[" + i + "]", exists
                                ? "step '" + step.id() + "' reads steps." + other + " but does not need '" + other
                                        + "' (directly or through its needs), so it may run first; add it to needs"
                                : "step '" + step.id() + "' reads steps." + other + ", but there is no step '" + other + "'"));
                    }
                }
            }
        }

        private void collectReads(Object tree, Set<String> read) {
            if (tree instanceof String text && Expressions.isTemplate(text)) {
                read.addAll(Expressions.referencedSteps(text));
            } else if (tree instanceof Map<?, ?> map) {
                map.values().forEach(value -> collectReads(value, read));
            } else if (tree instanceof List<?> list) {
                list.forEach(value -> collectReads(value, read));
            }
        }

        // ---- parts ----

        Map<String, Object> inputs(NodeTuple tuple) {
            if (tuple == null) {
                return Map.of();
            }
            Node value = tuple.getValueNode();
            if (!(value instanceof MappingNode)) {
                error(value, "inputs", "'inputs' is the JSON Schema of a run's input: a mapping such as {type: object, properties: ...}");
                return Map.of();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> schema = (Map<String, Object>) toJava(value, "inputs");
            Object type = schema.get("type");
            if (type != null && !"object".equals(type)) {
                error(value, "inputs.type", "a run's input is an object, so the schema's type must be 'object', not '" + type + "'");
            }
            for (String problem : JsonSchemas.schemaProblems(schema)) {
                error(value, "inputs", "not a valid JSON Schema: " + problem);
            }
            return schema;
        }

        List<Trigger> triggers(NodeTuple tuple) {
            List<Trigger> triggers = new ArrayList<>();
            if (tuple == null) {
                return triggers;
            }
            if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
                error(tuple.getValueNode(), "triggers", "'triggers' is a list: - cron: \"...\" or - event: topic");
                return triggers;
            }
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                String path = "triggers[" + i + "]";
                if (!(item instanceof MappingNode mapping)) {
                    error(item, path, "a trigger is a mapping with 'cron' or 'event'");
                    continue;
                }
                Map<String, NodeTuple> keys = keys(mapping, path, List.of("cron", "event"));
                if (keys.size() != 1) {
                    error(item, path, "a trigger has exactly one of 'cron' or 'event'");
                    continue;
                }
                if (keys.containsKey("cron")) {
                    Node value = keys.get("cron").getValueNode();
                    String cron = scalar(value);
                    try {
                        CRON.parse(cron).validate();
                        triggers.add(new Trigger.Cron(cron));
                    } catch (IllegalArgumentException | NullPointerException e) {
                        error(value, path + ".cron", "'" + cron + "' is not a valid Quartz cron expression (seconds minutes hours "
                                + "day-of-month month day-of-week [year], e.g. \"0 */5 * * * ?\"): " + e.getMessage());
                    }
                } else {
                    Node value = keys.get("event").getValueNode();
                    String topic = scalar(value);
                    if (topic == null || !TOPIC.matcher(topic).matches()) {
                        error(value, path + ".event", "'" + topic + "' is not an event topic; write segments joined by '/', "
                                + "such as conflux/demo/order-received (no wildcards)");
                    } else {
                        triggers.add(new Trigger.Event(topic));
                    }
                }
            }
            return triggers;
        }

        RetryPolicy retry(NodeTuple tuple, String path) {
            if (tuple == null) {
                return RetryPolicy.NONE;
            }
            if (!(tuple.getValueNode() instanceof MappingNode mapping)) {
                error(tuple.getValueNode(), path, "'retry' is a mapping: {max: 3, backoff: exponential, initial: 1s, maxDelay: 1m}");
                return RetryPolicy.NONE;
            }
            Map<String, NodeTuple> keys = keys(mapping, path, RETRY_KEYS);
            int max = integer(keys.get("max"), path + ".max", 0, 100, 3);
            RetryPolicy.Backoff backoff = RetryPolicy.Backoff.FIXED;
            NodeTuple backoffTuple = keys.get("backoff");
            if (backoffTuple != null) {
                String value = scalar(backoffTuple.getValueNode());
                if ("exponential".equals(value)) {
                    backoff = RetryPolicy.Backoff.EXPONENTIAL;
                } else if (!"fixed".equals(value)) {
                    error(backoffTuple.getValueNode(), path + ".backoff", "backoff is 'fixed' or 'exponential', not '" + value + "'");
                }
            }
            Duration initial = duration(keys.get("initial"), path + ".initial");
            Duration maxDelay = duration(keys.get("maxDelay"), path + ".maxDelay");
            initial = initial == null ? Duration.ofSeconds(1) : initial;
            if (maxDelay == null) {
                // exponential backoff grows up to 5 minutes by default, or stays at a longer initial delay
                Duration ceiling = Duration.ofMinutes(5);
                maxDelay = backoff == RetryPolicy.Backoff.EXPONENTIAL && ceiling.compareTo(initial) > 0 ? ceiling : initial;
            } else if (maxDelay.compareTo(initial) < 0) {
                error(keys.get("maxDelay").getValueNode(), path + ".maxDelay", "maxDelay (" + maxDelay + ") is shorter than initial (" + initial + ")");
            }
            boolean jitter = bool(keys.get("jitter"), path + ".jitter", true);
            return new RetryPolicy(max, backoff, initial, maxDelay, jitter);
        }

        String expression(NodeTuple tuple, String path, boolean booleanAllowed) {
            if (tuple == null) {
                return null;
            }
            Node value = tuple.getValueNode();
            if (value instanceof ScalarNode scalar && booleanAllowed && Tag.BOOL.equals(scalar.getTag())) {
                return "${" + scalar.getValue().toLowerCase(Locale.ROOT).matches("true|yes|on") + "}";
            }
            if (!(value instanceof ScalarNode scalar) || !Expressions.isTemplate(scalar.getValue())) {
                error(value, path, "'" + path.substring(path.lastIndexOf('.') + 1) + "' is an expression: \"${...}\"");
                return null;
            }
            for (String problem : Expressions.check(scalar.getValue())) {
                error(value, path, problem);
            }
            return scalar.getValue();
        }

        void expressionsIn(Node node, String path) {
            expressionsIn(node, path, 0);
        }

        private void expressionsIn(Node node, String path, int depth) {
            if (++checked > MAX_NODES || depth > MAX_DEPTH) {
                return; // toJava has reported the document as too large or too deep; aliases could make this walk endless
            }
            if (node instanceof ScalarNode scalar && Tag.STR.equals(scalar.getTag()) && Expressions.isTemplate(scalar.getValue())) {
                for (String problem : Expressions.check(scalar.getValue())) {
                    error(node, path, problem);
                }
            } else if (node instanceof SequenceNode seq) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    expressionsIn(seq.getValue().get(i), path + "[" + i + "]", depth + 1);
                }
            } else if (node instanceof MappingNode map) {
                for (NodeTuple tuple : map.getValue()) {
                    expressionsIn(tuple.getValueNode(), path + "." + scalar(tuple.getKeyNode()), depth + 1);
                }
            }
        }

        Duration duration(NodeTuple tuple, String path) {
            if (tuple == null) {
                return null;
            }
            try {
                return Durations.parse(scalar(tuple.getValueNode()));
            } catch (IllegalArgumentException e) {
                error(tuple.getValueNode(), path, e.getMessage());
                return null;
            }
        }

        int integer(NodeTuple tuple, String path, int min, int max, int fallback) {
            if (tuple == null) {
                return fallback;
            }
            Node value = tuple.getValueNode();
            if (value instanceof ScalarNode scalar && Tag.INT.equals(scalar.getTag())) {
                try {
                    int number = Integer.parseInt(scalar.getValue().replace("_", ""));
                    if (number >= min && number <= max) {
                        return number;
                    }
                } catch (NumberFormatException e) {
                    // out of range: reported below
                }
            }
            error(value, path, "must be a whole number from " + min + " to " + max + ", got '" + scalar(value) + "'");
            return fallback;
        }

        boolean bool(NodeTuple tuple, String path, boolean fallback) {
            if (tuple == null) {
                return fallback;
            }
            Node value = tuple.getValueNode();
            if (value instanceof ScalarNode scalar && Tag.BOOL.equals(scalar.getTag())) {
                return scalar.getValue().toLowerCase(Locale.ROOT).matches("true|yes|on");
            }
            error(value, path, "must be true or false, got '" + scalar(value) + "'");
            return fallback;
        }

        String requiredString(Map<String, NodeTuple> keys, String key, Node owner, String path, Pattern pattern, String rule) {
            String where = path.isEmpty() ? key : path + "." + key;
            NodeTuple tuple = keys.get(key);
            if (tuple == null) {
                error(owner, where, "'" + key + "' is required");
                return null;
            }
            Node value = tuple.getValueNode();
            String text = scalar(value);
            if (text == null || !(value instanceof ScalarNode)) {
                error(value, where, "'" + key + "' must be a single value");
                return null;
            }
            if (!pattern.matcher(text).matches()) {
                error(value, where, "'" + text + "' is not a valid " + key + ": " + rule);
            }
            return text;
        }

        String optionalString(Map<String, NodeTuple> keys, String key, String fallback) {
            NodeTuple tuple = keys.get(key);
            if (tuple == null) {
                return fallback;
            }
            String text = scalar(tuple.getValueNode());
            if (text == null) {
                error(tuple.getValueNode(), key, "'" + key + "' must be text");
                return fallback;
            }
            return text;
        }

        /** The keys of a mapping, reporting unknown and repeated ones. */
        Map<String, NodeTuple> keys(MappingNode mapping, String path, List<String> allowed) {
            Map<String, NodeTuple> keys = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = scalar(tuple.getKeyNode());
                String where = path.isEmpty() ? String.valueOf(key) : path + "." + key;
                if (key == null) {
                    error(tuple.getKeyNode(), path, "keys must be plain names");
                } else if (!allowed.contains(key)) {
                    error(tuple.getKeyNode(), where, "unknown key '" + key + "'" + suggestion(key, allowed)
                            + "; allowed here: " + String.join(", ", allowed));
                } else if (keys.putIfAbsent(key, tuple) != null) {
                    error(tuple.getKeyNode(), where, "'" + key + "' is given twice");
                }
            }
            return keys;
        }

        /** A node tree as plain Java values: maps, lists, strings, numbers, booleans, null. */
        Object toJava(Node node, String path) {
            return toJava(node, path, 0);
        }

        private Object toJava(Node node, String path, int depth) {
            if (++nodes > MAX_NODES) {
                if (nodes == MAX_NODES + 1) {
                    error(node, path, "the document expands to more than " + MAX_NODES + " values (through aliases?)");
                }
                return null;
            }
            if (depth > MAX_DEPTH) {
                if (!tooDeep) {
                    tooDeep = true;
                    error(node, path, "values nest more than " + MAX_DEPTH + " levels deep once aliases are expanded"
                            + " (an alias inside the value it names?)");
                }
                return null;
            }
            if (node instanceof ScalarNode scalar) {
                return scalarValue(scalar, path);
            }
            if (node instanceof SequenceNode seq) {
                List<Object> list = new ArrayList<>(seq.getValue().size());
                for (int i = 0; i < seq.getValue().size(); i++) {
                    list.add(toJava(seq.getValue().get(i), path + "[" + i + "]", depth + 1));
                }
                return list;
            }
            MappingNode map = (MappingNode) node;
            Map<String, Object> result = new LinkedHashMap<>();
            Set<String> seen = new LinkedHashSet<>();
            for (NodeTuple tuple : map.getValue()) {
                String key = scalar(tuple.getKeyNode());
                if (key == null) {
                    error(tuple.getKeyNode(), path, "keys must be plain names");
                    continue;
                }
                if (!seen.add(key)) {
                    error(tuple.getKeyNode(), path + "." + key, "'" + key + "' is given twice");
                }
                result.put(key, toJava(tuple.getValueNode(), path + "." + key, depth + 1));
            }
            return result;
        }

        private Object scalarValue(ScalarNode scalar, String path) {
            String value = scalar.getValue();
            Tag tag = scalar.getTag();
            if (Tag.NULL.equals(tag)) {
                return null;
            }
            if (Tag.BOOL.equals(tag)) {
                return value.toLowerCase(Locale.ROOT).matches("true|yes|on");
            }
            if (Tag.INT.equals(tag)) {
                try {
                    BigInteger number = new BigInteger(value.replace("_", ""));
                    if (Double.isInfinite(number.doubleValue())) {
                        error(scalar, path, "the number " + value + " is too large; numbers are at most " + Double.MAX_VALUE + " in size");
                        return null;
                    }
                    return number.bitLength() < 32 ? (Object) number.intValue()
                            : number.bitLength() < 64 ? (Object) number.longValue() : number;
                } catch (NumberFormatException e) {
                    return value; // octal, hex, sexagesimal: keep the text
                }
            }
            if (Tag.FLOAT.equals(tag)) {
                try {
                    Double number = Double.valueOf(value.replace("_", ""));
                    if (number.isInfinite()) {
                        // JSON, which run inputs and step outputs are, has no infinity
                        error(scalar, path, "the number " + value + " is too large; numbers are at most " + Double.MAX_VALUE + " in size");
                        return null;
                    }
                    return number;
                } catch (NumberFormatException e) {
                    return value;
                }
            }
            return value;
        }
    }

    private static Node valueOf(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (key.equals(scalar(tuple.getKeyNode()))) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private static String suggestion(String key, List<String> allowed) {
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(key) || distance(candidate, key) <= 2) {
                return " (did you mean '" + candidate + "'?)";
            }
        }
        return "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
