package dev.conflux.security.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes, written as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (salt and hash in unpadded base64) so the
 * iteration count can grow without invalidating stored hashes.
 */
final class PasswordHasher {

    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int iterations;
    private final SecureRandom random;
    /** Verified against when a user does not exist, so that answer takes as long as a wrong password. */
    private final String decoy;

    PasswordHasher(int iterations, SecureRandom random) {
        if (iterations < 1_000) {
            throw new IllegalArgumentException("PBKDF2 needs at least 1000 iterations, not " + iterations);
        }
        this.iterations = iterations;
        this.random = random;
        this.decoy = hash("decoy-" + random.nextLong());
    }

    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return SCHEME + "$" + iterations + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(derive(password, salt, iterations));
    }

    /** Whether the password matches; a hash in an unknown format never matches. Takes constant time in the password. */
    boolean verify(String password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int rounds = Integer.parseInt(parts[1]);
            byte[] salt = B64D.decode(parts[2]);
            byte[] expected = B64D.decode(parts[3]);
            return MessageDigest.isEqual(expected, derive(password, salt, rounds));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** Spends the time of one verification, for a user that does not exist. */
    void verifyDecoy(String password) {
        verify(password, decoy);
    }

    /** Whether a stored hash was made with fewer iterations than are configured now. */
    boolean needsRehash(String stored) {
        String[] parts = stored.split("\\$");
        try {
            return parts.length != 4 || !SCHEME.equals(parts[0]) || Integer.parseInt(parts[1]) < iterations;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static byte[] derive(String password, byte[] salt, int rounds) {
        KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, rounds, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}
