package dev.conflux.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.security.SecureRandom;

import org.junit.Test;

public class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(10_000, new SecureRandom());

    @Test
    public void aHashVerifiesItsPasswordAndNoOther() {
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hasher.verify("correct horse battery staple", hash));
        assertFalse(hasher.verify("correct horse battery stapler", hash));
        assertFalse(hasher.verify("", hash));
    }

    @Test
    public void hashesAreSaltedAndNamedByScheme() {
        String first = hasher.hash("same password");
        String second = hasher.hash("same password");
        assertNotEquals("two hashes of one password must differ (salt)", first, second);
        String[] parts = first.split("\\$");
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals("10000", parts[1]);
        assertFalse("the hash must not contain the password", first.contains("same password"));
    }

    @Test
    public void malformedOrForeignHashesNeverMatch() {
        assertFalse(hasher.verify("admin", "{CRYPT}8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918{CRYPT}"));
        assertFalse(hasher.verify("x", "pbkdf2-sha256$abc$$"));
        assertFalse(hasher.verify("x", null));
    }

    @Test
    public void aHashMadeWithFewerIterationsNeedsRehashing() {
        String weak = new PasswordHasher(5_000, new SecureRandom()).hash("pw");
        assertTrue(hasher.verify("pw", weak));
        assertTrue(hasher.needsRehash(weak));
        assertFalse(hasher.needsRehash(hasher.hash("pw")));
    }

    @Test(expected = IllegalArgumentException.class)
    public void tooFewIterationsAreRefused() {
        new PasswordHasher(10, new SecureRandom());
    }
}
