package dev.conflux.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PackageCyclesTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void twoInternalPackagesThatNameEachOtherAreACycle() throws IOException {
        write("a/A.java", "package dev.conflux.x.internal.a;\nimport dev.conflux.x.internal.b.B;\nclass A {}");
        write("b/B.java", "package dev.conflux.x.internal.b;\nclass B { Object o = dev.conflux.x.internal.a.A.Inner.VALUE; }");
        assertEquals(List.of(List.of("dev.conflux.x.internal.a", "dev.conflux.x.internal.b")),
                PackageCycles.cycles(PackageCycles.graph(folder.getRoot().toPath())));
        try {
            PackageCycles.assertNone(folder.getRoot().toPath());
            fail("a cycle");
        } catch (AssertionError e) {
            assertTrue(e.getMessage(), e.getMessage().contains("dev.conflux.x.internal.a -> dev.conflux.x.internal.b in [A.java]"));
        }
    }

    @Test
    public void commentsStringsAndOneWayDependenciesAreNoCycle() throws IOException {
        write("a/A.java", "package dev.conflux.x.internal.a;\nimport dev.conflux.x.internal.b.B;\n"
                + "import dev.conflux.x.internal.a.sub.*;\nclass A {}");
        // a subpackage's own declaration names its parent's package: that is no dependency
        write("a/sub/C.java", "package dev.conflux.x.internal.a.sub;\nclass C {}");
        write("b/B.java", "package dev.conflux.x.internal.b;\n/** {@link dev.conflux.x.internal.a.A} */\n"
                + "class B { String s = \"dev.conflux.x.internal.a.A\"; } // dev.conflux.x.internal.a.A");
        assertTrue(PackageCycles.cycles(PackageCycles.graph(folder.getRoot().toPath())).isEmpty());
        PackageCycles.assertNone(folder.getRoot().toPath());
    }

    @Test
    public void theApiPackagesAreNotChecked() throws IOException {
        write("a/A.java", "package dev.conflux.api.a;\nimport dev.conflux.api.b.B;\nclass A {}");
        write("b/B.java", "package dev.conflux.api.b;\nimport dev.conflux.api.a.A;\nclass B {}");
        PackageCycles.assertNone(folder.getRoot().toPath());
    }

    private void write(String path, String text) throws IOException {
        Path file = folder.getRoot().toPath().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
