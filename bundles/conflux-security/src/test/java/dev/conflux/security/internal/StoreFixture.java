package dev.conflux.security.internal;

import java.io.File;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.rules.TemporaryFolder;

import dev.conflux.store.internal.FlywaySchemaMigrator;

/** An H2 file database with the security tables, as a capability gets it inside the platform. */
final class StoreFixture {

    private StoreFixture() {
    }

    static JdbcDataSource database(TemporaryFolder folder) {
        JdbcDataSource dataSource = new JdbcDataSource();
        // DB_CLOSE_DELAY keeps the database open between connections, as a pool would
        dataSource.setURL("jdbc:h2:" + new File(folder.getRoot(), "db").getAbsolutePath() + ";DB_CLOSE_DELAY=-1");
        new FlywaySchemaMigrator(dataSource).migrate("security", StoreFixture.class.getClassLoader());
        return dataSource;
    }
}
