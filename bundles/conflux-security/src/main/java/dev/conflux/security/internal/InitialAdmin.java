package dev.conflux.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The password of the first administrator, made when the user store is empty so that nobody ever
 * logs in with a well-known password: {@code CONFLUX_ADMIN_PASSWORD} when it is set, otherwise a
 * random one written to a file that only the platform's user can read.
 */
final class InitialAdmin {

    static final String ENV_PASSWORD = "CONFLUX_ADMIN_PASSWORD";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /** Where the password came from. */
    enum Source { ENVIRONMENT, FILE, GENERATED }

    record Password(String value, Source source) {
    }

    private final Path passwordFile;
    private final SecureRandom random;

    InitialAdmin(Path passwordFile, SecureRandom random) {
        this.passwordFile = passwordFile;
        this.random = random;
    }

    Path passwordFile() {
        return passwordFile;
    }

    Password password(String fromEnvironment) throws IOException {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new Password(fromEnvironment, Source.ENVIRONMENT);
        }
        Optional<String> existing = read();
        if (existing.isPresent()) {
            return new Password(existing.get(), Source.FILE);
        }
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        write(password.toString());
        return new Password(password.toString(), Source.GENERATED);
    }

    private Optional<String> read() throws IOException {
        if (!Files.isRegularFile(passwordFile)) {
            return Optional.empty();
        }
        String value = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private void write(String password) throws IOException {
        Files.createDirectories(passwordFile.getParent());
        Path temp = passwordFile.resolveSibling(passwordFile.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temp);
        } catch (FileAlreadyExistsException raced) {
            throw new IOException("another process is writing " + temp, raced);
        }
        Files.writeString(temp, password + System.lineSeparator(), StandardCharsets.UTF_8);
        Files.move(temp, passwordFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
