package dev.conflux.workflow.internal;

import org.junit.Test;

import dev.conflux.testing.PackageCycles;

public class PackageStructureTest {

    @Test
    public void theInternalPackagesHaveNoCycles() {
        PackageCycles.assertNone("src/main/java");
    }
}
