package dev.conflux.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TokenServiceTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private DataSource dataSource;
    private MutableClock clock;
    private TokenService tokens;

    @Before
    public void setUp() {
        dataSource = StoreFixture.database(folder);
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        tokens = newService();
    }

    private TokenService newService() {
        return new TokenService(dataSource, new Secrets(new SecureRandom()), clock, Duration.ofMinutes(15), Duration.ofHours(12));
    }

    @Test
    public void anIssuedTokenCarriesItsSubjectAndRolesUntilItExpires() {
        TokenService.Tokens issued = tokens.issue("ann", Set.of("operator"), "127.0.0.1");
        TokenService.Claims claims = tokens.verify(issued.accessToken()).orElseThrow();
        assertEquals("ann", claims.subject());
        assertEquals(Set.of("operator"), claims.roles());
        clock.advance(Duration.ofMinutes(16));
        assertTrue("expired", tokens.verify(issued.accessToken()).isEmpty());
    }

    @Test
    public void aTamperedOrForeignTokenIsRefused() {
        String token = tokens.issue("ann", Set.of("viewer"), null).accessToken();
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                .replace("\"viewer\"", "\"admin\"");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + "." + parts[2];
        assertTrue(tokens.verify(forged).isEmpty());
        assertTrue(tokens.verify("not-a-jwt").isEmpty());
        // alg=none
        String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + parts[1] + ".";
        assertTrue(tokens.verify(none).isEmpty());
    }

    @Test
    public void aRevokedTokenStaysRevokedForANewServiceOnTheSameDatabase() {
        TokenService.Tokens issued = tokens.issue("ann", Set.of("viewer"), null);
        tokens.revokeAccess(issued.accessId());
        assertTrue(tokens.verify(issued.accessToken()).isEmpty());
        TokenService restarted = newService();
        assertTrue("a restart must not forget a revocation", restarted.verify(issued.accessToken()).isEmpty());
        TokenService.Tokens other = tokens.issue("bob", Set.of("viewer"), null);
        assertTrue("the signing key survives a restart", restarted.verify(other.accessToken()).isPresent());
    }

    @Test
    public void aRefreshTokenWorksOnceAndItsReuseEndsEverySessionOfTheUser() {
        TokenService.Tokens first = tokens.issue("ann", Set.of("viewer"), null);
        assertEquals("ann", tokens.redeem(first.refreshToken()).orElseThrow());
        assertTrue("redeeming revokes the access token it came with", tokens.verify(first.accessToken()).isEmpty());
        TokenService.Tokens second = tokens.issue("ann", Set.of("viewer"), null);
        assertTrue(tokens.verify(second.accessToken()).isPresent());

        assertTrue("a used refresh token is refused", tokens.redeem(first.refreshToken()).isEmpty());
        assertTrue("and its reuse ends the user's live sessions", tokens.verify(second.accessToken()).isEmpty());
        assertTrue(tokens.redeem(second.refreshToken()).isEmpty());
    }

    @Test
    public void refreshTokensExpireAndWrongSecretsAreRefused() {
        TokenService.Tokens issued = tokens.issue("ann", Set.of("viewer"), null);
        String id = issued.refreshToken().substring(0, issued.refreshToken().indexOf('.'));
        assertTrue(tokens.redeem(id + ".wrong").isEmpty());
        assertTrue(tokens.redeem("garbage").isEmpty());
        clock.advance(Duration.ofHours(13));
        assertTrue(tokens.redeem(issued.refreshToken()).isEmpty());
    }

    @Test
    public void sessionsListLiveRefreshTokensAndCanBeEnded() {
        TokenService.Tokens issued = tokens.issue("ann", Set.of("viewer"), "10.0.0.1");
        assertEquals(1, tokens.sessions().size());
        assertEquals("10.0.0.1", tokens.sessions().get(0).client());
        assertTrue(tokens.revokeSession(tokens.sessions().get(0).id()));
        assertFalse(tokens.revokeSession("no-such-session"));
        assertTrue(tokens.verify(issued.accessToken()).isEmpty());
        assertTrue(tokens.sessions().isEmpty());
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
