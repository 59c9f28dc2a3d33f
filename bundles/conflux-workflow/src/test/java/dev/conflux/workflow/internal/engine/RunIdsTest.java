package dev.conflux.workflow.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.Test;

public class RunIdsTest {

    @Test
    public void idsAreVersion7UuidsThatSortInTheOrderTheyWereMade() {
        Set<String> seen = new HashSet<>();
        String previous = "";
        for (int i = 0; i < 100_000; i++) {
            String id = RunIds.next();
            UUID uuid = UUID.fromString(id);
            assertEquals(7, uuid.version());
            assertEquals(2, uuid.variant());
            assertTrue(previous + " then " + id, id.compareTo(previous) > 0);
            assertTrue("unique", seen.add(id));
            previous = id;
        }
    }

    @Test
    public void theTimestampIsTheTimeOfCreation() {
        long before = System.currentTimeMillis();
        UUID uuid = UUID.fromString(RunIds.next());
        long millis = uuid.getMostSignificantBits() >>> 16;
        assertTrue(millis + " vs " + before, millis >= before && millis <= System.currentTimeMillis() + 1000);
    }
}
