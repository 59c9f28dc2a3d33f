package dev.conflux.platform.internal.accounts;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class AdminBootstrapTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private Path users;
    private Path passwordFile;
    private AdminBootstrap bootstrap;

    @Before
    public void files() throws Exception {
        users = folder.getRoot().toPath().resolve("etc/users.properties");
        Files.createDirectories(users.getParent());
        Files.writeString(users, "# Accounts of the karaf realm\n#karaf = karaf,_g_:admingroup\n");
        passwordFile = folder.getRoot().toPath().resolve("data/conflux/initial-admin-password");
        bootstrap = new AdminBootstrap(users, passwordFile, password -> "{CRYPT}" + new StringBuilder(password).reverse() + "{CRYPT}");
    }

    @Test
    public void firstBootMakesAnAdminWithARandomPasswordOnlyItsOwnerCanRead() throws Exception {
        assertEquals(AdminBootstrap.Outcome.CREATED_RANDOM, bootstrap.ensureAdmin("admin", "admingroup", null));

        String password = Files.readString(passwordFile).trim();
        assertEquals(32, password.length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));

        Properties props = load();
        assertEquals("{CRYPT}" + new StringBuilder(password).reverse() + "{CRYPT},_g_:admingroup", props.getProperty("admin"));
        assertEquals("group," + AdminBootstrap.ADMIN_ROLES, props.getProperty("_g_:admingroup"));
        assertFalse("the clear password must not be in users.properties", Files.readString(users).contains(password));
        assertTrue("comments are kept", Files.readString(users).startsWith("# Accounts of the karaf realm"));
    }

    @Test
    public void theEnvironmentPasswordIsUsedAndNotWrittenToAFile() throws Exception {
        assertEquals(AdminBootstrap.Outcome.CREATED_FROM_ENVIRONMENT, bootstrap.ensureAdmin("admin", "admingroup", "s3cret-from-env"));
        assertFalse(Files.exists(passwordFile));
        assertEquals("{CRYPT}vne-morf-terc3s{CRYPT},_g_:admingroup", load().getProperty("admin"));
    }

    @Test
    public void anExistingAdminIsLeftAlone() throws Exception {
        bootstrap.ensureAdmin("admin", "admingroup", "first");
        String before = Files.readString(users);
        assertEquals(AdminBootstrap.Outcome.EXISTS, bootstrap.ensureAdmin("admin", "admingroup", "second"));
        assertEquals(before, Files.readString(users));
    }

    @Test
    public void twoBootsMakeTwoDifferentPasswords() {
        assertFalse(AdminBootstrap.randomPassword().equals(AdminBootstrap.randomPassword()));
    }

    @Test
    public void keysAreFoundAsPropertiesReadsThem() {
        List<String> lines = List.of("# admin = x", "_g_\\:admingroup = group,admin", "  admin=abc", "administrator = y");
        assertTrue(AdminBootstrap.definesKey(lines, "admin"));
        assertTrue(AdminBootstrap.definesKey(lines, "_g_:admingroup"));
        assertFalse(AdminBootstrap.definesKey(lines, "karaf"));
        assertFalse(AdminBootstrap.definesKey(List.of("# admin = x"), "admin"));
    }

    private Properties load() throws Exception {
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(users, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            props.load(reader);
        }
        return props;
    }
}
