package dev.conflux.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the package cycles among a bundle's {@code internal} packages, from its sources: a package
 * depends on another when one of its files names a class of the other (an import or a qualified
 * name in code; comments and string literals do not count). Used by a test in each bundle
 * ({@code PackageCycles.assertNone(Paths.get("src/main/java"))}), so a cycle fails the build.
 * Test code only: it comes to a bundle's tests as the test-jar of conflux-api.
 */
public final class PackageCycles {

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.conflux(?:\\.\\w+)+)");

    /** A package's dependencies on the others: the target package, and the files that make the edge. */
    public record Graph(Map<String, Map<String, Set<String>>> edges) {
    }

    private PackageCycles() {
    }

    /** Fails, naming every cycle and the files that make its edges, when the internal packages under the root have one. */
    public static void assertNone(Path sourceRoot) {
        Graph graph = graph(sourceRoot);
        List<List<String>> cycles = cycles(graph);
        if (!cycles.isEmpty()) {
            StringBuilder message = new StringBuilder("package cycles among the internal packages of " + sourceRoot + ":");
            for (List<String> cycle : cycles) {
                message.append("\n  ").append(cycle);
                for (String from : cycle) {
                    graph.edges().getOrDefault(from, Map.of()).forEach((to, files) -> {
                        if (cycle.contains(to)) {
                            message.append("\n    ").append(from).append(" -> ").append(to).append(" in ").append(files);
                        }
                    });
                }
            }
            throw new AssertionError(message.toString());
        }
    }

    public static void assertNone(String sourceRoot) {
        assertNone(Paths.get(sourceRoot));
    }

    /** The dependencies between the internal packages of the sources under the root. */
    public static Graph graph(Path sourceRoot) {
        Map<Path, String> packageOf = new HashMap<>();
        Map<Path, String> code = new HashMap<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String text = withoutCommentsAndStrings(Files.readString(file, StandardCharsets.UTF_8));
                Matcher m = PACKAGE.matcher(text);
                if (m.find() && isInternal(m.group(1))) {
                    packageOf.put(file, m.group(1));
                    code.put(file, text);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> packages = new TreeSet<>(packageOf.values());
        Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
        packageOf.forEach((file, from) -> {
            Matcher m = QUALIFIED.matcher(code.get(file));
            while (m.find()) {
                String to = owningPackage(m.group(1), packages);
                if (to != null && !to.equals(from)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>())
                            .add(file.getFileName().toString());
                }
            }
        });
        return new Graph(edges);
    }

    /** Every cycle: the strongly connected components of more than one package, each sorted. */
    public static List<List<String>> cycles(Graph graph) {
        return new Tarjan(graph.edges()).components().stream().filter(c -> c.size() > 1).toList();
    }

    private static boolean isInternal(String pkg) {
        return pkg.endsWith(".internal") || pkg.contains(".internal.");
    }

    /**
     * The longest known package that a qualified name is or starts with: a package (its own
     * declaration, a wildcard import), a class, a nested class or a static member of one.
     */
    private static String owningPackage(String name, Set<String> packages) {
        for (String candidate = name; candidate.contains("."); candidate = candidate.substring(0, candidate.lastIndexOf('.'))) {
            if (packages.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The source with comments, string and character literals and text blocks blanked out. */
    static String withoutCommentsAndStrings(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && source.charAt(i) != c && source.charAt(i) != '\n') {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Tarjan's strongly connected components; recursive, which a bundle's few dozen packages allow. */
    private static final class Tarjan {
        private final Map<String, Map<String, Set<String>>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<List<String>> components = new ArrayList<>();
        private int next;

        Tarjan(Map<String, Map<String, Set<String>>> edges) {
            this.edges = edges;
        }

        List<List<String>> components() {
            Set<String> all = new TreeSet<>(edges.keySet());
            edges.values().forEach(targets -> all.addAll(targets.keySet()));
            for (String node : all) {
                if (!index.containsKey(node)) {
                    visit(node);
                }
            }
            return components;
        }

        private void visit(String node) {
            index.put(node, next);
            low.put(node, next);
            next++;
            stack.push(node);
            onStack.add(node);
            for (String to : edges.getOrDefault(node, Map.of()).keySet()) {
                if (!index.containsKey(to)) {
                    visit(to);
                    low.put(node, Math.min(low.get(node), low.get(to)));
                } else if (onStack.contains(to)) {
                    low.put(node, Math.min(low.get(node), index.get(to)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                List<String> component = new ArrayList<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                component.sort(null);
                components.add(component);
            }
        }
    }
}
