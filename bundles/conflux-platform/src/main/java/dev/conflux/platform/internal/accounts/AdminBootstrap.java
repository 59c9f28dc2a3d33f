package dev.conflux.platform.internal.accounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The file work behind {@link InitialAdminAccount}: adds the administrator and its group to a
 * Karaf {@code users.properties} when absent, writing the file atomically and keeping every other
 * line (comments included) as it was.
 */
final class AdminBootstrap {

    /** The roles of Karaf's own administrator group: console, SSH, system bundles, management. */
    static final String ADMIN_ROLES = "admin,manager,viewer,systembundles,ssh";

    enum Outcome { EXISTS, CREATED_RANDOM, CREATED_FROM_ENVIRONMENT }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path usersFile;
    private final Path passwordFile;
    private final Function<String, String> hasher;

    AdminBootstrap(Path usersFile, Path passwordFile, Function<String, String> hasher) {
        this.usersFile = usersFile;
        this.passwordFile = passwordFile;
        this.hasher = hasher;
    }

    Path passwordFile() {
        return passwordFile;
    }

    synchronized Outcome ensureAdmin(String user, String group, String passwordFromEnvironment) {
        try {
            List<String> lines = Files.exists(usersFile)
                    ? new ArrayList<>(Files.readAllLines(usersFile, StandardCharsets.ISO_8859_1))
                    : new ArrayList<>();
            if (definesKey(lines, user)) {
                return Outcome.EXISTS;
            }
            boolean fromEnvironment = passwordFromEnvironment != null && !passwordFromEnvironment.isEmpty();
            String password = fromEnvironment ? passwordFromEnvironment : randomPassword();
            if (!fromEnvironment) {
                writeOwnerOnly(passwordFile, password + System.lineSeparator());
            }
            String groupKey = "_g_\\:" + group;
            if (!definesKey(lines, "_g_:" + group)) {
                lines.add(groupKey + " = group," + ADMIN_ROLES);
            }
            lines.add(escapeKey(user) + " = " + hasher.apply(password) + ",_g_:" + group);
            writeAtomically(usersFile, String.join(System.lineSeparator(), lines) + System.lineSeparator());
            return fromEnvironment ? Outcome.CREATED_FROM_ENVIRONMENT : Outcome.CREATED_RANDOM;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** 24 random bytes, URL-safe Base64: 32 characters, 192 bits. */
    static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether a non-comment line defines {@code key} (keys are compared unescaped, as Properties reads them). */
    static boolean definesKey(List<String> lines, String key) {
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    name.append(line.charAt(++i));
                } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                    break;
                } else {
                    name.append(c);
                }
            }
            if (name.toString().equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static String escapeKey(String key) {
        return key.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=").replace(" ", "\\ ");
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".users", ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.ISO_8859_1);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
