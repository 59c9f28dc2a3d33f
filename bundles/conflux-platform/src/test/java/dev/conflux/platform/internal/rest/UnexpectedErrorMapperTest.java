package dev.conflux.platform.internal.rest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;

import org.junit.Test;

import dev.conflux.api.store.StoreException;

public class UnexpectedErrorMapperTest {

    @Test
    public void aLockTimeoutOrALostConnectionDeepInTheCausesIsWorthRetrying() {
        assertTrue(UnexpectedErrorMapper.databaseUnavailable(
                new IllegalStateException("store failed", new SQLTimeoutException("Timeout trying to lock table"))));
        assertTrue(UnexpectedErrorMapper.databaseUnavailable(new RuntimeException(
                new RuntimeException(new SQLNonTransientConnectionException("Connection is broken")))));
    }

    @Test
    public void aStoreExceptionOfABusyDatabaseIsWorthRetrying() {
        assertTrue(UnexpectedErrorMapper.databaseUnavailable(
                new StoreException("the security store", new SQLTimeoutException("Timeout trying to lock table"))));
        assertFalse(UnexpectedErrorMapper.databaseUnavailable(
                new StoreException("the security store", new SQLException("Column \"X\" not found", "42S22"))));
    }

    @Test
    public void otherFailuresStayInternalErrors() {
        assertFalse(UnexpectedErrorMapper.databaseUnavailable(new NullPointerException()));
        assertFalse(UnexpectedErrorMapper.databaseUnavailable(
                new IllegalStateException(new SQLException("Column \"X\" not found", "42S22"))));
    }
}
