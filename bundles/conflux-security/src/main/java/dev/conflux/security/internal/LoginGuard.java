package dev.conflux.security.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts failed logins per account and per client address; past a limit the account or the address
 * is locked for a while. Names that are no account are counted the same way, so a lockout never
 * tells whether a user exists. Failures older than the lockout period are forgotten.
 */
final class LoginGuard {

    private static final class Failures {
        int count;
        Instant first;
        Instant lockedUntil;
    }

    private final Clock clock;
    private final int perAccount;
    private final int perAddress;
    private final Duration lockout;
    private final ConcurrentMap<String, Failures> failures = new ConcurrentHashMap<>();

    LoginGuard(Clock clock, int perAccount, int perAddress, Duration lockout) {
        this.clock = clock;
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.lockout = lockout;
    }

    /** @return seconds until the account or the address may try again; 0 when neither is locked */
    long lockedFor(String username, String address) {
        return Math.max(remaining(accountKey(username)), address == null ? 0 : remaining(addressKey(address)));
    }

    /** Records a failure; @return true when this failure locked the account or the address */
    boolean failed(String username, String address) {
        boolean locked = count(accountKey(username), perAccount);
        if (address != null) {
            locked |= count(addressKey(address), perAddress);
        }
        return locked;
    }

    void succeeded(String username) {
        failures.remove(accountKey(username));
    }

    /** Lifts the lockout of an account or an address; false when it was not locked. */
    boolean unlock(String accountOrAddress) {
        boolean account = failures.remove(accountKey(accountOrAddress)) != null;
        boolean address = failures.remove(addressKey(accountOrAddress)) != null;
        return account || address;
    }

    /** What is locked now, and until when: account names and client addresses. */
    Map<String, Instant> locked() {
        Instant now = clock.instant();
        Map<String, Instant> locked = new TreeMap<>();
        failures.forEach((key, f) -> {
            synchronized (f) {
                if (f.lockedUntil != null && f.lockedUntil.isAfter(now)) {
                    locked.put(key.substring(2) + (key.startsWith("a:") ? " (address)" : ""), f.lockedUntil);
                }
            }
        });
        return locked;
    }

    void forgetOld() {
        Instant now = clock.instant();
        // removed under the map's lock of the key, so a failure counted at the same moment is never lost
        failures.keySet().forEach(key -> failures.computeIfPresent(key, (k, f) -> {
            synchronized (f) {
                boolean stale = (f.lockedUntil == null || f.lockedUntil.isBefore(now)) && f.first.plus(lockout).isBefore(now);
                return stale ? null : f;
            }
        }));
    }

    private boolean count(String key, int limit) {
        Instant now = clock.instant();
        boolean[] lockedNow = new boolean[1];
        failures.compute(key, (k, existing) -> {
            Failures f = existing == null ? new Failures() : existing;
            synchronized (f) {
                if (f.first == null || f.first.plus(lockout).isBefore(now)
                        || (f.lockedUntil != null && f.lockedUntil.isBefore(now))) {
                    f.count = 0;
                    f.first = now;
                    f.lockedUntil = null;
                }
                f.count++;
                if (f.count >= limit && f.lockedUntil == null) {
                    f.lockedUntil = now.plus(lockout);
                    lockedNow[0] = true;
                }
            }
            return f;
        });
        return lockedNow[0];
    }

    private long remaining(String key) {
        Failures f = failures.get(key);
        if (f == null) {
            return 0;
        }
        synchronized (f) {
            if (f.lockedUntil == null) {
                return 0;
            }
            long millis = Duration.between(clock.instant(), f.lockedUntil).toMillis();
            return millis <= 0 ? 0 : (millis + 999) / 1000;
        }
    }

    private static String accountKey(String username) {
        return "u:" + username;
    }

    private static String addressKey(String address) {
        return "a:" + address;
    }
}
