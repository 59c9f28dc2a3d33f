package dev.conflux.configfiles;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every singleton PID that this bundle designates (read from the metatype descriptors bnd writes
 * into target/classes) has a file config/&lt;pid&gt;.cfg, which the assembly copies into etc/, with
 * a line {@code # name = default} for each of its settings, the default as in the code; every
 * setting the file names is one of the PID's. Factory PIDs get no file: a file would make an
 * instance. A value deliberately set in the file goes on its own line below the commented default.
 * Compiled into the tests of every bundle (see bundles/pom.xml).
 */
public class ConfigFilesTest {

    /** A setting shown with its default: "# name = value". Prose lines have no " = " after their first word. */
    private static final Pattern COMMENTED = Pattern.compile("#\\s?(\\S+) = ?(.*)");
    private static final Pattern SET = Pattern.compile("([^#!\\s][^=\\s]*)\\s*=\\s*(.*)");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Path metatypeDir = Paths.get(System.getProperty("conflux.metatype.dir", "target/classes/OSGI-INF/metatype"));
    private final Path configDir = Paths.get(System.getProperty("conflux.config.dir", "../../config"));

    @Test
    public void everySingletonPidHasAConfigFileWithEachSettingAndItsDefault() throws Exception {
        assumeTrue("no metatype in this bundle", Files.isDirectory(metatypeDir));
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(metatypeDir, "*.xml")) {
            for (Path descriptor : descriptors) {
                Document metatype = parse(descriptor);
                NodeList designates = metatype.getElementsByTagName("Designate");
                for (int i = 0; i < designates.getLength(); i++) {
                    Element designate = (Element) designates.item(i);
                    String pid = designate.getAttribute("pid");
                    if (pid.isEmpty()) {
                        continue;
                    }
                    String ocdRef = ((Element) designate.getElementsByTagName("Object").item(0)).getAttribute("ocdref");
                    check(pid, ocd(metatype, ocdRef), problems);
                    checked++;
                }
            }
        }
        assumeTrue("no singleton PID in this bundle", checked > 0);
        assertTrue(String.join("\n", problems), problems.isEmpty());
    }

    private void check(String pid, Element ocd, List<String> problems) throws IOException {
        Path file = configDir.resolve(pid + ".cfg");
        String name = "config/" + file.getFileName();
        if (!Files.isRegularFile(file)) {
            problems.add(name + " is missing: PID " + pid + " needs a file listing its settings with their defaults");
            return;
        }
        Map<String, String> commented = new LinkedHashMap<>();
        Set<String> named = new HashSet<>();
        for (String line : Files.readAllLines(file)) {
            Matcher setting = COMMENTED.matcher(line.strip());
            if (setting.matches()) {
                commented.put(setting.group(1), setting.group(2).strip());
                named.add(setting.group(1));
            } else if ((setting = SET.matcher(line.strip())).matches()) {
                named.add(setting.group(1));
            }
        }
        Set<String> attributes = new HashSet<>();
        NodeList ads = ocd.getElementsByTagName("AD");
        for (int i = 0; i < ads.getLength(); i++) {
            Element ad = (Element) ads.item(i);
            String id = ad.getAttribute("id");
            attributes.add(id);
            boolean list = !ad.getAttribute("cardinality").isEmpty() && !"0".equals(ad.getAttribute("cardinality"));
            List<String> expected = metatypeValues(ad.getAttribute("default"));
            String wanted = "'# " + id + " = " + (list ? listForm(expected) : String.join(",", expected)) + "'";
            String shown = commented.get(id);
            if (shown == null) {
                problems.add(name + " has no line " + wanted);
            } else if (list ? !cfgList(shown).equals(expected) : !shown.equals(String.join(",", expected))) {
                problems.add(name + ": '# " + id + " = " + shown + "' differs from the default in the code, " + wanted);
            }
        }
        for (String key : named) {
            if (!attributes.contains(key)) {
                problems.add(name + " names '" + key + "', which is not a setting of PID " + pid);
            }
        }
    }

    private static Element ocd(Document metatype, String id) {
        NodeList ocds = metatype.getElementsByTagName("OCD");
        for (int i = 0; i < ocds.getLength(); i++) {
            if (id.equals(((Element) ocds.item(i)).getAttribute("id"))) {
                return (Element) ocds.item(i);
            }
        }
        throw new AssertionError("no OCD " + id);
    }

    /** A metatype default: values separated by commas, with backslash escapes. */
    static List<String> metatypeValues(String text) {
        List<String> values = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                value.append(text.charAt(++i));
            } else if (c == ',') {
                values.add(value.toString());
                value.setLength(0);
            } else {
                value.append(c);
            }
        }
        if (value.length() > 0 || !values.isEmpty()) {
            values.add(value.toString());
        }
        return values;
    }

    /** A list in a .cfg: [ "a", "b" ] (Karaf's typed form), or one plain value, or nothing. */
    static List<String> cfgList(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        if (!text.startsWith("[")) {
            return List.of(text);
        }
        List<String> values = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(text);
        while (quoted.find()) {
            values.add(quoted.group(1).replaceAll("\\\\(.)", "$1"));
        }
        return values;
    }

    private static String listForm(List<String> values) {
        return values.isEmpty() ? "" : "[ \"" + String.join("\", \"", values) + "\" ]";
    }

    private static Document parse(Path descriptor) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = Files.newInputStream(descriptor)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }
}
