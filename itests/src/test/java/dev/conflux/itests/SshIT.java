package dev.conflux.itests;

import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The SSH console, on the Conflux user store: the initial admin gets in with the generated password and
 * runs conflux:info; another admin gets in, a viewer does not.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SshIT extends ConfluxTestSupport {

    @Test
    public void theInitialAdminRunsCommandsOverSshAndAWrongPasswordIsRefused() throws Exception {
        awaitHealthUp();
        String password = Files.readString(karafData().resolve("conflux/initial-admin-password")).trim();
        int port = Integer.parseInt(property(karafEtc().resolve("org.apache.karaf.shell.cfg"), "sshPort"));
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session = client.connect("admin", "localhost", port).verify(10, TimeUnit.SECONDS).getSession()) {
                session.addPasswordIdentity(password);
                session.auth().verify(10, TimeUnit.SECONDS);
                String info = session.executeRemoteCommand("conflux:info");
                assertTrue(info, info.contains("conflux-platform"));
                assertTrue(info, info.contains("Active"));
            }
            try (ClientSession session = client.connect("admin", "localhost", port).verify(10, TimeUnit.SECONDS).getSession()) {
                session.addPasswordIdentity("admin");
                assertThrows(Exception.class, () -> session.auth().verify(10, TimeUnit.SECONDS));
            }
            // the same user store: a Conflux viewer with the right password is still refused by SSH
            shell("security:user-add -r viewer -p viewer-password-12 viktor");
            try (ClientSession session = client.connect("viktor", "localhost", port).verify(10, TimeUnit.SECONDS).getSession()) {
                session.addPasswordIdentity("viewer-password-12");
                assertThrows(Exception.class, () -> session.auth().verify(10, TimeUnit.SECONDS));
            }
            shell("security:user-add -r admin -p second-admin-pass ada");
            try (ClientSession session = client.connect("ada", "localhost", port).verify(10, TimeUnit.SECONDS).getSession()) {
                session.addPasswordIdentity("second-admin-pass");
                session.auth().verify(10, TimeUnit.SECONDS);
                assertTrue(session.executeRemoteCommand("security:user-list").contains("viktor"));
            }
        }
    }

    private static String property(java.nio.file.Path file, String key) throws java.io.IOException {
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.startsWith(key) && trimmed.substring(key.length()).trim().startsWith("=")) {
                return trimmed.substring(trimmed.indexOf('=') + 1).trim();
            }
        }
        throw new IllegalStateException("no " + key + " in " + file);
    }
}
