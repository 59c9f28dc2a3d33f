package dev.conflux.workflow.internal.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of YAML and JSON documents, for fuzz tests. The same seed gives the same
 * mutants, and each mutant names what was done to it, so a failure can be replayed and read.
 */
public final class DocumentMutator {

    /** A mutated document: the seed document it came from and the mutations applied, in order. */
    public record Mutant(String seed, String mutations, String document) {

        /** The mutant as a failure message shows it: invisible and odd characters escaped. */
        @Override
        public String toString() {
            return "seed document '" + seed + "', mutations: " + mutations + "\n--- document (Java escapes) ---\n"
                    + visible(document) + "\n--- end ---";
        }
    }

    /** A key and the scalar after it, block or flow, YAML or JSON: {@code key: value}, {@code "key": value}. */
    private static final Pattern KEY_VALUE = Pattern.compile("(\"?)([A-Za-z][A-Za-z0-9]*)\\1:[ \\t]*([^,{}\\[\\]\\n]*)");

    private static final List<String> WRONG_VALUES = List.of("42", "-1", "0", "3.5", "[1, 2]", "[]", "{}", "{\"a\": \"b\"}", "{a: [b, {c: d}]}",
            "null", "~", "true", "no", "\"\"", "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "0x7fffffffffffffff",
            "0o777", "1_000_000", ".inf", ".nan", "!!binary aGVsbG8=", "!!timestamp 2001-12-14t21:59:43.10-05:00", "!!set {a, b}",
            "!!omap [a: 1, b: 2]", "!!int abc", "!!float x", "!!bool maybe", "!!str", "!!map x", "!!seq y", "!custom thing",
            "!!python/object:os.system x", "<<: {a: b}", "? complex\n: key", "\"${\"", "\"${inputs.}\"", "\"${steps.x.output}\"", "\"#{deferred}\"",
            "\"${size(steps['check-line'].output) > 0 ? 1 : 2}\"", "\"${inputs.a =~ '(a+)+$'}\"", "\"${new('java.io.File', '/')}\"",
            "\"0 */5 * * * ?\"", "\"0 0 0 ? * 99999999999999999999\"", "\"* * * * * * * * *\"", "\"L W # ? /\"", "conflux//x",
            "PT2562047788015215H", "PT99999999999999999999S", "999999999d", "1000000000d", "-5s", "0s", "P1Y", "5 minutes",
            "exponential", "fixed", "linear", "order-intake", "Order_Intake", "a-b-c-", "_x", "-x");

    private static final List<String> ODD_UNICODE = List.of("\uFEFF", "\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u202E", "\u2066",
            "\u0000", "\u0007", "\u001B", "\u007F", "\uD800", "\uDFFF", "\uD83D\uDE00", "\u0085", "\u2028", "\u2029", "\u00A0", "\u3000",
            "\u0301", "\uFFFD", "\uFFFE", "\uFFFF", "\\uD800", "\\uDC00", "\\x00", "\\0", "\\U0001F600", "\\U0011FFFF", "\\q",
            "\uFF4F\uFF52\uFF44\uFF45\uFF52", "\u0130\u0131", "\t", "\r", "\r\n");

    private final Random random;

    public DocumentMutator(long seed) {
        this.random = new Random(seed);
    }

    /** One to three random mutations of {@code document}. */
    public Mutant mutate(String seed, String document) {
        String text = document;
        List<String> done = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            StringBuilder what = new StringBuilder();
            text = mutateOnce(text, what);
            done.add(what.toString());
        }
        return new Mutant(seed, String.join("; ", done), text);
    }

    private String mutateOnce(String text, StringBuilder what) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int line = random.nextInt(lines.size());
        List<MatchResult> values = keyValues(text);
        MatchResult a = values.isEmpty() ? null : values.get(random.nextInt(values.size()));
        MatchResult b = values.isEmpty() ? null : values.get(random.nextInt(values.size()));
        switch (random.nextInt(14)) {
            case 0 -> {
                what.append("delete line ").append(line + 1);
                lines.remove(line);
                return String.join("\n", lines);
            }
            case 1 -> {
                what.append("duplicate line ").append(line + 1);
                lines.add(line, lines.get(line));
                return String.join("\n", lines);
            }
            case 2 -> {
                int other = random.nextInt(lines.size());
                what.append("swap lines ").append(line + 1).append(" and ").append(other + 1);
                String kept = lines.get(line);
                lines.set(line, lines.get(other));
                lines.set(other, kept);
                return String.join("\n", lines);
            }
            case 3 -> {
                int shift = random.nextInt(5) - 2;
                what.append("indent line ").append(line + 1).append(shift == 0 ? " with a tab" : " by " + shift);
                String current = lines.get(line);
                lines.set(line, shift == 0 ? "\t" + current : shift > 0 ? " ".repeat(shift) + current
                        : current.substring(Math.min(-shift, current.length() - current.stripLeading().length())));
                return String.join("\n", lines);
            }
            case 4 -> {
                int at = random.nextInt(text.length() + 1);
                what.append("truncate at ").append(at);
                return text.substring(0, at);
            }
            case 5 -> {
                String odd = ODD_UNICODE.get(random.nextInt(ODD_UNICODE.size()));
                int at = random.nextInt(4) == 0 ? 0 : random.nextInt(text.length() + 1);
                what.append("insert ").append(visible(odd)).append(" at ").append(at);
                return text.substring(0, at) + odd + text.substring(at);
            }
            default -> {
                if (a == null) {
                    what.append("nothing (no key to mutate)");
                    return text;
                }
                return mutateValue(text, a, b, what);
            }
        }
    }

    private String mutateValue(String text, MatchResult a, MatchResult b, StringBuilder what) {
        switch (random.nextInt(8)) {
            case 0 -> {
                what.append("delete key '").append(a.key).append("' at ").append(a.start);
                return text.substring(0, a.start) + text.substring(a.end);
            }
            case 1 -> {
                what.append("swap the values of '").append(a.key).append("' and '").append(b.key).append("'");
                return swap(text, a.valueStart, a.end, b.valueStart, b.end);
            }
            case 2 -> {
                what.append("swap the keys '").append(a.key).append("' and '").append(b.key).append("'");
                return swap(text, a.keyStart, a.keyEnd, b.keyStart, b.keyEnd);
            }
            case 3 -> {
                String anchored = "&x" + random.nextInt(3);
                what.append("anchor ").append(anchored).append(" on '").append(a.key).append("', alias it at '").append(b.key).append("'");
                String aliased = replace(text, b.valueStart, b.end, "*" + anchored.substring(1));
                int shift = b.valueStart < a.valueStart ? aliased.length() - text.length() : 0;
                return replace(aliased, a.valueStart + shift, a.valueStart + shift, anchored + " ");
            }
            case 4 -> {
                String bomb = aliasBomb(2 + random.nextInt(29), 2 + random.nextInt(9));
                what.append("alias bomb at '").append(a.key).append("': ").append(bomb.length() > 80 ? bomb.substring(0, 80) + "..." : bomb);
                return replace(text, a.valueStart, a.end, bomb);
            }
            case 5 -> {
                String loop = random.nextBoolean() ? "&r [a, *r]" : "&r {k: *r, \"${inputs.x +}\": [*r]}";
                what.append("recursive alias at '").append(a.key).append("': ").append(loop);
                return replace(text, a.valueStart, a.end, loop);
            }
            case 6 -> {
                String big = bigValue();
                what.append("replace '").append(a.key).append("' with ").append(big.length() > 80 ? big.substring(0, 80) + "... (" + big.length() + " chars)" : big);
                return replace(text, a.valueStart, a.end, big);
            }
            default -> {
                String wrong = WRONG_VALUES.get(random.nextInt(WRONG_VALUES.size()));
                what.append("replace '").append(a.key).append("' with ").append(visible(wrong));
                return replace(text, a.valueStart, a.end, wrong);
            }
        }
    }

    /** {@code levels} anchored lists, each holding {@code fanOut} aliases of the one before: fanOut^levels values. */
    private static String aliasBomb(int levels, int fanOut) {
        StringBuilder bomb = new StringBuilder("{b0: &b0 [\"${x}\", 1, y]");
        for (int level = 1; level < levels; level++) {
            bomb.append(", b").append(level).append(": &b").append(level).append(" [");
            for (int i = 0; i < fanOut; i++) {
                bomb.append(i == 0 ? "" : ", ").append("*b").append(level - 1);
            }
            bomb.append("]");
        }
        return bomb.append("}").toString();
    }

    private String bigValue() {
        int size = 1 + random.nextInt(20_000);
        return switch (random.nextInt(5)) {
            case 0 -> "\"" + "x".repeat(size) + "\"";
            case 1 -> "9".repeat(size);
            case 2 -> "\"${" + "(".repeat(size % 1_999) + "1" + ")".repeat(size % 1_999) + "}\"";
            case 3 -> "\"${" + "1 + ".repeat(size % 999) + "1}\"";
            default -> "[".repeat(size % 200) + "]".repeat(size % 200);
        };
    }

    private record MatchResult(String key, int start, int keyStart, int keyEnd, int valueStart, int end) {
    }

    private static List<MatchResult> keyValues(String text) {
        List<MatchResult> found = new ArrayList<>();
        Matcher m = KEY_VALUE.matcher(text);
        while (m.find()) {
            found.add(new MatchResult(m.group(2), m.start(), m.start(2), m.end(2), m.start(3), m.end(3)));
        }
        return found;
    }

    private static String replace(String text, int start, int end, String replacement) {
        return text.substring(0, start) + replacement + text.substring(end);
    }

    /** Swaps two ranges of the text; overlapping ranges leave it as it is. */
    private static String swap(String text, int start1, int end1, int start2, int end2) {
        if (start1 > start2) {
            return swap(text, start2, end2, start1, end1);
        }
        if (end1 > start2) {
            return text;
        }
        return text.substring(0, start1) + text.substring(start2, end2) + text.substring(end1, start2) + text.substring(start1, end1)
                + text.substring(end2);
    }

    /** The text with control, format, surrogate and other non-ASCII characters written as Java escapes. */
    public static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '\n' || (c >= ' ' && c < 0x7F)) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }
}
